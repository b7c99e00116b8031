package io.usrnet.core.io;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The lossless compressions of TIFF strips and tiles: LZW (TIFF 6.0 section 13), Deflate (zlib
 * streams, Adobe's TIFF technical note) and PackBits (section 9).
 *
 * <p>Decoders write at most {@code expected} bytes, the size the strip or tile must have, so a
 * hostile stream cannot make them allocate more; damaged input raises
 * {@link IllegalArgumentException} with what was wrong.
 */
final class TiffCodecs {
    private static final int CLEAR = 256;
    private static final int END = 257;

    private TiffCodecs() {
    }

    /**
     * Decodes a TIFF LZW stream: codes of 9 to 12 bits, most significant bit first, the code width
     * growing one code early (at 511, 1023, 2047) as TIFF writers do.
     *
     * @return the first {@code expected} bytes of the decoded data (fewer if the stream ends early)
     */
    static byte[] lzwDecode(byte[] in, int expected) {
        byte[] out = new byte[expected];
        int written = 0;
        int[] prefix = new int[4096];
        byte[] suffix = new byte[4096];
        byte[] stack = new byte[4096];
        for (int i = 0; i < 256; i++) {
            suffix[i] = (byte) i;
        }
        int next = 258;
        int width = 9;
        int old = -1;
        long bitBuffer = 0;
        int bitCount = 0;
        int pos = 0;
        while (written < expected) {
            while (bitCount < width && pos < in.length) {
                bitBuffer = (bitBuffer << 8) | (in[pos++] & 0xff);
                bitCount += 8;
            }
            if (bitCount < width) {
                break; // the stream ended without an end code: keep what was decoded
            }
            int code = (int) (bitBuffer >>> (bitCount - width)) & ((1 << width) - 1);
            bitCount -= width;
            if (code == END) {
                break;
            }
            if (code == CLEAR) {
                next = 258;
                width = 9;
                old = -1;
                continue;
            }
            int first;
            if (old == -1) {
                if (code > 255) {
                    throw new IllegalArgumentException("LZW stream starts with code " + code);
                }
                out[written++] = (byte) code;
                old = code;
                continue;
            }
            int string;
            if (code < next) {
                string = code;
            } else if (code == next) {
                string = old; // the KwKwK case: old's string followed by its own first byte
            } else {
                throw new IllegalArgumentException("LZW code " + code + " before it was defined (next is " + next + ")");
            }
            int n = 0;
            for (int c = string; ; c = prefix[c]) {
                stack[n++] = suffix[c];
                if (c < 256) {
                    break;
                }
            }
            first = stack[n - 1];
            for (int i = n - 1; i >= 0 && written < expected; i--) {
                out[written++] = stack[i];
            }
            if (code == next && written < expected) {
                out[written++] = (byte) first;
            }
            if (next < 4096) {
                prefix[next] = old;
                suffix[next] = (byte) first;
                next++;
            }
            if (next + 1 >= (1 << width) && width < 12) {
                width++;
            }
            old = code;
        }
        return written == expected ? out : Arrays.copyOf(out, written);
    }

    /** Decodes PackBits: a header byte n, then n+1 literal bytes (n ≥ 0) or one byte repeated 1−n times. */
    static byte[] packBitsDecode(byte[] in, int expected) {
        byte[] out = new byte[expected];
        int written = 0;
        int pos = 0;
        while (written < expected && pos < in.length) {
            int n = in[pos++];
            if (n >= 0) {
                int count = Math.min(n + 1, Math.min(expected - written, in.length - pos));
                System.arraycopy(in, pos, out, written, count);
                pos += n + 1;
                written += count;
            } else if (n != -128 && pos < in.length) {
                int count = Math.min(1 - n, expected - written);
                Arrays.fill(out, written, written + count, in[pos++]);
                written += count;
            }
        }
        return written == expected ? out : Arrays.copyOf(out, written);
    }

    /** Inflates a zlib stream to at most {@code expected} bytes. */
    static byte[] inflate(byte[] in, int expected) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(in);
            byte[] out = new byte[expected];
            int written = 0;
            while (written < expected) {
                int n = inflater.inflate(out, written, expected - written);
                written += n;
                if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
            }
            return written == expected ? out : Arrays.copyOf(out, written);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("damaged Deflate data (" + e.getMessage() + ")", e);
        } finally {
            inflater.end();
        }
    }

    /** Compresses {@code length} bytes of {@code in} from {@code offset} as one zlib stream. */
    static byte[] deflate(byte[] in, int offset, int length, int level) {
        Deflater deflater = new Deflater(level);
        try {
            deflater.setInput(in, offset, length);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 2));
            byte[] buffer = new byte[Math.max(1024, Math.min(length, 1 << 16))];
            while (!deflater.finished()) {
                int n = deflater.deflate(buffer);
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
