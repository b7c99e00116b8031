package io.usrnet.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.TestData;
import io.usrnet.core.weights.LegacyFiles;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.core.weights.SafeTensors;
import io.usrnet.core.weights.StateDict;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.types.Sink;
import us.hebi.matlab.mat.types.Sinks;

/**
 * 520 seeded random mutations of valid files (truncations, flipped and random bytes, binary length
 * fields and header numbers overwritten with huge values) through every file reader: {@code .npy}
 * images and kernels, TIFF (LZW with predictor, tiled, and our own Deflate writer's files), {@code .safetensors}, zip and legacy {@code .pth}, compressed and uncompressed
 * MATLAB {@code .mat}. Each read must succeed or fail with an {@link InvalidFileException} whose
 * message names the file, with no programming error (an index, buffer, array-size, cast or
 * arithmetic exception, or an Error) among its causes, within {@value #MAX_MILLIS} ms and allocating
 * less than 256 MiB.
 *
 * <p>Longer runs: the environment variables {@code FUZZ_SCALE} (trials × N) and {@code FUZZ_SEED}
 * (added to every seed), e.g. {@code FUZZ_SCALE=40 FUZZ_SEED=1 mvn -B -q verify -pl usrnet-core -am
 * -Dtest=ReaderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false} (16,000 files, about a minute).
 */
public class ReaderFuzzTest {
    private static final Path FIXTURES = TestData.FIXTURES;
    /** The most one read of a mutated file may allocate (the valid files are at most 260 kB). */
    private static final long MAX_ALLOCATION = 256L << 20;
    private static final long MAX_MILLIS = 2000;
    /** Exceptions that are programming errors of a reader, wherever they were caught and wrapped. */
    private static final List<Class<? extends Throwable>> BUGS = List.of(Error.class,
            IndexOutOfBoundsException.class, NegativeArraySizeException.class, java.nio.BufferUnderflowException.class,
            java.nio.BufferOverflowException.class, ArithmeticException.class, NullPointerException.class,
            ClassCastException.class);
    /** Huge numbers for text headers (dimensions, offsets). */
    private static final String[] HUGE_TEXT = {"2147483647", "2147483648", "4294967296", "9223372036854775807",
        "99999999999999999999", "1e300", "-1"};
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    /** Huge values for length fields, little-endian in 4 or 8 bytes. */
    private static final long[] HUGE = {0x7fffffffL, 0xffffffffL, 0x80000000L, 0x7fffffffffffffffL, -1L,
        0x100000000L, 0x7ffffff0L};

    @TempDir
    Path dir;

    /** Reads a file the way the library does for its kind; fails with an exception for a bad one. */
    private interface Reader {
        void read(Path file) throws IOException;
    }

    /**
     * A valid file and how to mutate it: {@code structure} are the [from, to) byte ranges that steer
     * parsing (headers, pickles, zip directories), {@code lengths} the {offset, width} of its binary
     * length fields, {@code text} its text header if it has one (.npy, .safetensors), else null.
     */
    private record Subject(String name, byte[] valid, int trials, List<int[]> structure, List<int[]> lengths,
            TextHeader text, Reader reader) {
    }

    /**
     * A text header of {@code length} bytes from {@code start}, whose length is stored little-endian
     * in the {@code width} bytes at {@code lengthAt}.
     */
    private record TextHeader(int lengthAt, int width, int start) {
        int length(byte[] b) {
            long v = 0;
            for (int i = width - 1; i >= 0; i--) {
                v = v << 8 | (b[lengthAt + i] & 0xff);
            }
            return (int) v;
        }

        void setLength(byte[] b, long length) {
            for (int i = 0; i < width; i++) {
                b[lengthAt + i] = (byte) (length >>> 8 * i);
            }
        }
    }

    /** What one mutation did, for messages. */
    private record Mutation(String what, byte[] bytes) {
    }

    @Test
    void mutatedFilesLoadOrFailWithInvalidFileException() throws IOException {
        List<Subject> subjects = subjects();
        assertThat(subjects.stream().mapToInt(Subject::trials).sum()).isEqualTo(560);
        int scale = Integer.parseInt(System.getenv().getOrDefault("FUZZ_SCALE", "1"));
        long seed = Long.parseLong(System.getenv().getOrDefault("FUZZ_SEED", "0"));
        List<String> bugs = new ArrayList<>();
        Map<String, int[]> outcomes = new TreeMap<>();
        int total = 0;
        long start = System.nanoTime();
        for (Subject s : subjects) {
            Random random = new Random(s.name().hashCode() + seed);
            int failures = 0;
            for (int trial = 0; trial < s.trials() * scale; trial++) {
                Mutation m = mutate(s, trial, random);
                Path file = Files.write(dir.resolve(s.name()), m.bytes());
                total++;
                String label = s.name() + " #" + trial + " (" + m.what() + ")";
                String problem = readOnce(s.reader(), file);
                if (problem == null) {
                    outcomes.computeIfAbsent(s.name() + " loaded", k -> new int[1])[0]++;
                } else if (problem.startsWith("failed: ")) {
                    failures++;
                    outcomes.computeIfAbsent(s.name() + " refused", k -> new int[1])[0]++;
                } else {
                    bugs.add(label + ": " + problem);
                }
            }
            assertThat(failures).as("mutations of %s refused", s.name()).isGreaterThan(s.trials() * scale / 3);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("reader fuzz: %d mutated files in %.1f s; %s%n", total, seconds,
                outcomes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0]).toList());
        assertThat(bugs).as("reads that ended in something other than success or InvalidFileException").isEmpty();
        assertThat(seconds).as("whole fuzz run (s)").isLessThan(60.0 * scale);
    }

    /**
     * Reads {@code file} once: null if it loaded, "failed: ..." if it was refused properly, otherwise
     * what was wrong (wrong exception type, message, time or allocation).
     */
    private static String readOnce(Reader reader, Path file) {
        long bytes = allocatedBytes();
        long t0 = System.nanoTime();
        String result;
        try {
            reader.read(file);
            result = null;
        } catch (InvalidFileException e) {
            Throwable bug = bugInCauses(e);
            if (bug != null) {
                result = "InvalidFileException caused by " + bug + " at " + firstFrames(bug);
            } else if (!e.getMessage().startsWith(file + ": ")) {
                result = "message does not name the file: " + e.getMessage();
            } else {
                result = "failed: " + e.getMessage();
            }
        } catch (Throwable t) {
            result = t + " at " + firstFrames(t);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        long allocated = bytes < 0 ? 0 : allocatedBytes() - bytes;
        if (millis > MAX_MILLIS) {
            return "took " + millis + " ms (" + result + ")";
        }
        if (allocated > MAX_ALLOCATION) {
            return "allocated " + (allocated >> 20) + " MiB (" + result + ")";
        }
        return result;
    }

    private static Throwable bugInCauses(Throwable e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            for (Class<? extends Throwable> bug : BUGS) {
                if (bug.isInstance(c)) {
                    return c;
                }
            }
        }
        return null;
    }

    private static String firstFrames(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(4, frames.length); i++) {
            b.append(i == 0 ? "" : " < ").append(frames[i]);
        }
        return b.toString();
    }

    /**
     * One mutation, chosen by {@code trial % 4}: a truncation, 1–4 flipped bits, 1–8 random bytes,
     * or a huge value in a length field (or at a random place of the structure, or in place of a
     * number of a text header); three quarters of the flipped and random bytes fall into the
     * structure.
     */
    private static Mutation mutate(Subject s, int trial, Random random) {
        byte[] b = s.valid().clone();
        switch (trial % 4) {
            case 0 -> {
                int cut = random.nextBoolean() ? at(s.structure(), random) : random.nextInt(b.length);
                return new Mutation("cut at " + cut, Arrays.copyOf(b, cut));
            }
            case 1 -> {
                int n = 1 + random.nextInt(4);
                StringBuilder what = new StringBuilder("bits flipped at");
                for (int i = 0; i < n; i++) {
                    int p = place(s, b.length, random);
                    b[p] ^= (byte) (1 << random.nextInt(8));
                    what.append(' ').append(p);
                }
                return new Mutation(what.toString(), b);
            }
            case 2 -> {
                int p = place(s, b.length, random);
                int n = Math.min(1 + random.nextInt(8), b.length - p);
                for (int i = 0; i < n; i++) {
                    b[p + i] = (byte) random.nextInt(256);
                }
                return new Mutation(n + " random bytes at " + p, b);
            }
            default -> {
                if (s.text() != null && random.nextBoolean()) {
                    return hugeNumber(s.text(), b, random);
                }
                int[] field = random.nextInt(3) > 0 && !s.lengths().isEmpty()
                        ? s.lengths().get(random.nextInt(s.lengths().size()))
                        : new int[] {at(s.structure(), random), random.nextBoolean() ? 4 : 8};
                int width = Math.min(field[1], b.length - field[0]);
                long value = HUGE[random.nextInt(HUGE.length)];
                ByteBuffer.wrap(b, field[0], width).order(ByteOrder.LITTLE_ENDIAN)
                        .put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array(), 0, width);
                return new Mutation(String.format("0x%x in the %d-byte field at %d", value, width, field[0]), b);
            }
        }
    }

    /** One number of a text header replaced by a huge one, the header's length field adjusted. */
    private static Mutation hugeNumber(TextHeader text, byte[] b, Random random) {
        int length = text.length(b);
        String header = new String(b, text.start(), length, StandardCharsets.ISO_8859_1);
        List<int[]> numbers = new ArrayList<>();
        for (Matcher m = DIGITS.matcher(header); m.find(); ) {
            numbers.add(new int[] {m.start(), m.end()});
        }
        int[] n = numbers.get(random.nextInt(numbers.size()));
        String huge = HUGE_TEXT[random.nextInt(HUGE_TEXT.length)];
        byte[] replaced = (header.substring(0, n[0]) + huge + header.substring(n[1]))
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(b.length - length + replaced.length);
        out.put(b, 0, text.start()).put(replaced).put(b, text.start() + length, b.length - text.start() - length);
        text.setLength(out.array(), replaced.length);
        return new Mutation("header number " + header.substring(n[0], n[1]) + " at " + (text.start() + n[0])
                + " replaced by " + huge, out.array());
    }

    /** A byte in the structure (three times in four) or anywhere in the file. */
    private static int place(Subject s, int length, Random random) {
        return random.nextInt(4) > 0 ? at(s.structure(), random) : random.nextInt(length);
    }

    private static int at(List<int[]> ranges, Random random) {
        int[] r = ranges.get(random.nextInt(ranges.size()));
        return r[0] + random.nextInt(r[1] - r[0]);
    }

    // --- the valid files -------------------------------------------------------------------------

    private List<Subject> subjects() throws IOException {
        List<Subject> out = new ArrayList<>();
        Reader model = ModelWeights::read;
        out.add(npy("image.npy", FIXTURES.resolve("usrnet/case00/lr.npy"), false, 50, ImageFiles::read));
        // the kernel marked Fortran-order (same values, transposed), so that the reordering is fuzzed too
        out.add(npy("kernel.npy", FIXTURES.resolve("data_module/case02/k.npy"), true, 30, KernelFiles::read));

        byte[] safetensors = Files.readAllBytes(FIXTURES.resolve("weights/odd.safetensors"));
        int header = 8 + (int) ByteBuffer.wrap(safetensors).order(ByteOrder.LITTLE_ENDIAN).getLong();
        out.add(new Subject("odd.safetensors", safetensors, 80, List.of(new int[] {0, header}),
                List.of(new int[] {0, 8}), new TextHeader(0, 8, 8), model));

        byte[] pth = Files.readAllBytes(FIXTURES.resolve("weights/odd.pth"));
        out.add(new Subject("odd.pth", pth, 80, zipStructure(pth), zipLengths(pth), null, model));

        StateDict odd = SafeTensors.read(FIXTURES.resolve("weights/odd.safetensors"));
        byte[] legacy = LegacyFiles.of(odd);
        List<int[]> counts = legacyCounts(legacy, odd);
        out.add(new Subject("legacy.pth", legacy, 60, List.of(new int[] {0, counts.get(0)[0]}), counts, null,
                model));

        Path mat = Path.of(TestData.KERNELS_12);
        byte[] compressed = Files.readAllBytes(mat);
        out.add(new Subject("compressed.mat", compressed, 50, List.of(new int[] {0, compressed.length}),
                List.of(new int[] {132, 4}), null, file -> KernelFiles.readAll(KernelSpec.of(file))));
        byte[] plain = uncompressed(mat);
        out.add(tiff("lzw-predictor.tif", Files.readAllBytes(TestData.TIFF.resolve("cv-u16-rgb.tif")), 40));
        out.add(tiff("tiled.tif", Files.readAllBytes(TestData.TIFF.resolve("tf-u16-tiled.tif")), 40));
        Path written = dir.resolve("written.tif");
        ImageFiles.write(written, new ImageData(TiffWriterTest.sample(SampleFormat.UINT16, 3, 9, 500, 3),
                TiffWriterTest.sample(SampleFormat.UINT16, 1, 9, 500, 4), SampleFormat.UINT16,
                new PixelSize(0.5, 0.5, "µm")));
        out.add(tiff("deflate.tif", Files.readAllBytes(written), 40));
        Path stack = dir.resolve("stack.tif");
        try (TiffStackWriter w = TiffStackWriter.builder(stack, 40, 9, SampleFormat.UINT16).hyperstack(2, 2, 1)
                .pixelSize(new PixelSize(0.5, 0.5, "µm")).open()) {
            for (int p = 0; p < 4; p++) {
                w.write(TiffWriterTest.sample(SampleFormat.UINT16, 1, 9, 40, p));
            }
        }
        out.add(tiff("stack.tif", Files.readAllBytes(stack), 40, file -> {
            try (TiffStack s = TiffStack.open(file)) {
                for (int p = 0; p < s.pages(); p++) {
                    s.read(p);
                }
            }
        }));
        out.add(new Subject("uncompressed.mat", plain, 50, List.of(new int[] {0, 1024}, new int[] {0, plain.length}),
                matLengths(plain), null, file -> KernelFiles.readAll(KernelSpec.of(file))));
        return out;
    }

    /**
     * A classic TIFF: its structure is the header and every image directory with the values it
     * points to outside the pixel data; its length fields are each entry's count and value offset.
     */
    private static Subject tiff(String name, byte[] b, int trials) {
        return tiff(name, b, trials, ImageFiles::read);
    }

    private static Subject tiff(String name, byte[] b, int trials, Reader reader) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        assertThat(buf.getShort(2)).as("%s is a classic TIFF", name).isEqualTo((short) 42);
        List<int[]> structure = new ArrayList<>(List.of(new int[] {0, 8}));
        List<int[]> lengths = new ArrayList<>(List.of(new int[] {4, 4}));
        for (int ifd = buf.getInt(4); ifd != 0; ifd = buf.getInt(ifd + 2 + 12 * (buf.getShort(ifd) & 0xffff))) {
            int entries = buf.getShort(ifd) & 0xffff;
            structure.add(new int[] {ifd, ifd + 6 + 12 * entries});
            for (int e = 0; e < entries; e++) {
                int at = ifd + 2 + 12 * e;
                lengths.add(new int[] {at + 4, 4});
                lengths.add(new int[] {at + 8, 4});
            }
        }
        return new Subject(name, b, trials, structure, lengths, null, reader);
    }

    private static Subject npy(String name, Path file, boolean fortran, int trials, Reader reader) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (fortran) {
            String text = new String(b, StandardCharsets.ISO_8859_1);
            assertThat(text).contains("'fortran_order': False");
            b = text.replace("'fortran_order': False", "'fortran_order': True ").getBytes(StandardCharsets.ISO_8859_1);
        }
        int dataStart = 10 + ((b[8] & 0xff) | (b[9] & 0xff) << 8);
        return new Subject(name, b, trials, List.of(new int[] {0, dataStart}), List.of(new int[] {8, 2}),
                new TextHeader(8, 2, 10), reader);
    }

    /** The local header and pickle of the first entries, and the central directory. */
    private static List<int[]> zipStructure(byte[] zip) {
        int eocd = eocd(zip);
        int directory = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(eocd + 16);
        return List.of(new int[] {0, Math.min(6000, zip.length)}, new int[] {directory, zip.length});
    }

    /** The size fields of the first local header, of every central directory entry and of the end record. */
    private static List<int[]> zipLengths(byte[] zip) {
        ByteBuffer buf = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = eocd(zip);
        List<int[]> fields = new ArrayList<>(List.of(new int[] {18, 4}, new int[] {22, 4}, new int[] {26, 2},
                new int[] {28, 2}, new int[] {eocd + 8, 2}, new int[] {eocd + 12, 4}, new int[] {eocd + 16, 4}));
        for (int p = buf.getInt(eocd + 16); buf.getInt(p) == 0x02014b50;
                p += 46 + (buf.getShort(p + 28) & 0xffff) + (buf.getShort(p + 30) & 0xffff)
                        + (buf.getShort(p + 32) & 0xffff)) {
            for (int offset : new int[] {20, 24, 28, 30, 42}) {
                fields.add(new int[] {p + offset, offset == 28 || offset == 30 ? 2 : 4});
            }
        }
        return fields;
    }

    private static int eocd(byte[] zip) {
        for (int p = zip.length - 22; p >= 0; p--) {
            if (zip[p] == 'P' && zip[p + 1] == 'K' && zip[p + 2] == 5 && zip[p + 3] == 6) {
                return p;
            }
        }
        throw new IllegalStateException("no zip end record");
    }

    /**
     * The int64 element counts of the storage records at the end of a legacy file of {@code dict}
     * (each followed by its float32s); the first one starts where the pickles end.
     */
    private static List<int[]> legacyCounts(byte[] legacy, StateDict dict) {
        int p = legacy.length - dict.tensors().values().stream().mapToInt(t -> 8 + 4 * t.size()).sum();
        List<int[]> fields = new ArrayList<>();
        for (var t : dict.tensors().values()) {
            fields.add(new int[] {p, 8});
            p += 8 + 4 * t.size();
        }
        return fields;
    }

    /** kernels_12.mat re-written without compression, so that mutations reach the array headers. */
    private byte[] uncompressed(Path mat) throws IOException {
        Path out = dir.resolve("plain.mat");
        try (Mat5File file = Mat5.readFromFile(mat.toFile()); Sink sink = Sinks.newStreamingFile(out.toFile())) {
            Mat5.newWriter(sink).setDeflateLevel(Deflater.NO_COMPRESSION).writeMat(file);
        }
        return Files.readAllBytes(out);
    }

    /**
     * The 4-byte words of the first kilobyte of an uncompressed file: the tags' byte counts, the
     * array flags, dimensions and name lengths of the first arrays are among them.
     */
    private static List<int[]> matLengths(byte[] mat) {
        List<int[]> fields = new ArrayList<>(List.of(new int[] {132, 4}));
        for (int p = 136; p < 1024; p += 8) {
            fields.add(new int[] {p + 4, 4});
        }
        return fields;
    }

    /** Heap bytes allocated so far by the current thread, or -1 where the JVM does not count them. */
    public static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }
}
