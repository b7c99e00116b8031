package io.usrnet.core.weights;

import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a weights file in whichever supported format it is, recognised by its content (not its
 * name): a {@code .safetensors} file ({@link SafeTensors}) or a PyTorch checkpoint, zip or legacy
 * format ({@link PthReader}).
 */
public final class WeightFiles {
    private static final int HEAD = 512;

    private WeightFiles() {
    }

    /**
     * Reads the tensors (and, for {@code .safetensors}, the metadata) of a weights file.
     *
     * @throws NoSuchFileException       if the file does not exist (message: "file not found")
     * @throws UnsafeCheckpointException if a PyTorch checkpoint references something a state_dict
     *                                   never does
     * @throws InvalidFileException      if the file is of no supported format, or corrupt or truncated
     * @throws IOException               if the file cannot be read
     */
    public static StateDict read(Path file) throws IOException {
        byte[] head = head(file);
        if (isZip(head)) {
            return PthReader.read(file);
        }
        if (isSafeTensors(head)) {
            return SafeTensors.read(file);
        }
        if (isLegacyPickle(head) || isTar(head)) {
            return PthReader.read(file);
        }
        throw new InvalidFileException(file, head.length == 0 ? "empty file, not a weights file"
                : "not a weights file: expected a .safetensors file or a PyTorch .pth checkpoint");
    }

    /** Fails with a clear message for a missing file or a directory. */
    static void checkFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "file not found");
        }
        if (Files.isDirectory(file)) {
            throw new InvalidFileException(file, "is a directory, not a weights file");
        }
    }

    /** The first bytes of a file, after {@link #checkFile(Path)}. */
    static byte[] head(Path file) throws IOException {
        checkFile(file);
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HEAD);
        }
    }

    /** A zip archive (local file header, or the end record of an empty archive). */
    static boolean isZip(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K'
                && (head[2] == 3 && head[3] == 4 || head[2] == 5 && head[3] == 6);
    }

    /** An 8-byte little-endian length followed by the start of a JSON object. */
    static boolean isSafeTensors(byte[] head) {
        if (head.length < 10 || head[7] != 0 || head[6] != 0) {
            return false;
        }
        int i = 8;
        while (i < head.length && head[i] == ' ') {
            i++;
        }
        return i < head.length && head[i] == '{';
    }

    /** A legacy (torch &lt; 1.6) checkpoint: a bare pickle stream, protocol opcode first. */
    static boolean isLegacyPickle(byte[] head) {
        return head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
    }

    /** A tar archive, as the earliest torch releases saved checkpoints. */
    static boolean isTar(byte[] head) {
        return head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    }
}
