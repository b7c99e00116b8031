package io.usrnet.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files all-or-nothing: the content goes to a temporary file in the target's directory,
 * which is flushed to disk and then moved over the target (an atomic rename where the file system
 * allows it). If anything fails, the temporary file is deleted and an existing target is left as
 * it was; readers never see a partly written file.
 */
public final class AtomicFiles {
    private static final String TEMP_SUFFIX = ".tmp";

    /** Produces the content of a file by writing to the path it is given. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content to {@code temporary} (an existing, empty file).
         *
         * @throws IOException on failure; the caller then discards the file
         */
        void writeTo(Path temporary) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically.
     *
     * @param target  the file to create or replace
     * @param content writes the bytes to the temporary file it is given
     * @throws NoSuchFileException if the target's directory does not exist
     * @throws FileSystemException if the target is a directory or its parent is not a directory
     * @throws IOException         if writing or moving fails (the target is then unchanged)
     */
    public static void write(Path target, Content content) throws IOException {
        Path tmp = createTemp(target);
        boolean moved = false;
        try {
            content.writeTo(tmp);
            commit(tmp, target);
            moved = true;
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * Checks where {@code target} is to be written and creates the empty temporary file beside it
     * that {@link #commit} later moves over it; for writers that stream into the file over a long
     * time ({@link TiffStackWriter}).
     *
     * @throws NoSuchFileException if the target's directory does not exist
     * @throws FileSystemException if the target is a directory or its parent is not a directory
     */
    static Path createTemp(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            if (dir != null && Files.exists(dir)) {
                throw new FileSystemException(target.toString(), null, "output location is not a directory: " + dir);
            }
            throw new NoSuchFileException(target.toString(), null, "output directory does not exist: " + dir);
        }
        if (Files.isDirectory(abs)) {
            throw new FileSystemException(target.toString(), null, "output path is a directory");
        }
        return createTemp(dir, abs.getFileName().toString());
    }

    /**
     * Flushes the complete temporary file to disk and moves it over {@code target} (atomically
     * where the file system allows). The caller deletes the temporary file if this fails.
     */
    static void commit(Path tmp, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        move(tmp, target.toAbsolutePath());
    }

    private static Path createTemp(Path dir, String name) throws IOException {
        // Files.createTempFile would make the file owner-only (0600); createFile keeps the
        // default permissions (umask), so the final output gets the same as any new file.
        for (int attempt = 0; ; attempt++) {
            String random = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
            Path tmp = dir.resolve("." + name + "." + random + TEMP_SUFFIX);
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 16) {
                    throw e;
                }
            }
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // Nothing more can be done; the original failure is what the caller needs to see.
        }
    }
}
