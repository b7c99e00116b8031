package io.usrnet.prior;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The arithmetic of the prior's convolutions.
 *
 * <p>{@link #FP32} is the default and matches the original PyTorch code to float precision.
 * {@link #BF16} runs the prior's weights and activations in bfloat16 (8 bits of mantissa; the
 * engine still sums each convolution's products in float32, and the data step and the
 * hyper-network are unchanged): 2.2–3.1× faster prior passes on CPUs with bfloat16 instructions, with
 * outputs that differ from FP32 by about 1e-3 of the value range (measured: −0.004 dB of PSNR on
 * the Table-1 grid, README "Speed"). On CPUs without them (or with oneDNN capped below them by
 * {@code ONEDNN_MAX_CPU_ISA}) bfloat16 is emulated and slower than FP32, so {@link #resolve()} falls
 * back to FP32 there. The system property {@value #BF16_PROPERTY} ({@code true}/{@code false})
 * overrides the check.
 */
public enum Precision {
    /** float32 convolutions (exact mode). */
    FP32,
    /** bfloat16 prior where the CPU has AVX512-BF16 or AMX. */
    BF16;

    /** System property that overrides the CPU check: {@code true} or {@code false}. */
    public static final String BF16_PROPERTY = "usrnet.bf16";

    private static volatile Boolean bf16Supported;

    /**
     * Parses a command-line or settings value.
     *
     * @param text {@code fp32} or {@code bf16}, any case
     * @return the precision
     * @throws IllegalArgumentException for anything else, naming the accepted values
     */
    public static Precision parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Precision p : values()) {
            if (p.label().equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision must be fp32 or bf16, got '" + text + "'");
    }

    /** @return the lower-case name used on the command line ({@code fp32}, {@code bf16}) */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return true if this precision runs at full speed on this machine's CPU */
    public boolean isSupported() {
        return this == FP32 || bf16Supported();
    }

    /**
     * The precision that will run here: this one if {@link #isSupported()}, else {@link #FP32}.
     *
     * @return this or FP32
     */
    public Precision resolve() {
        return isSupported() ? this : FP32;
    }

    /**
     * Why {@link #BF16} does not run here, for messages.
     *
     * @return a sentence naming what the CPU lacks
     */
    public static String bf16Unsupported() {
        return "this CPU has no bfloat16 instructions (AVX512-BF16 or AMX) or oneDNN is capped below them "
                + "(ONEDNN_MAX_CPU_ISA), where bf16 would be emulated and slower than fp32";
    }

    private static boolean bf16Supported() {
        Boolean known = bf16Supported;
        if (known == null) {
            String forced = System.getProperty(BF16_PROPERTY);
            known = forced != null ? Boolean.parseBoolean(forced.trim())
                    : cpuHasBf16(cpuFlags()) && isaCapAllowsBf16(System.getenv("ONEDNN_MAX_CPU_ISA"));
            bf16Supported = known;
        }
        return known;
    }

    /**
     * True if a CPU flag set (as in {@code /proc/cpuinfo}) names bfloat16 arithmetic that oneDNN
     * uses for convolutions: {@code avx512_bf16} (AMD Zen 4+, Intel Cooper Lake) or {@code amx_bf16}
     * (Intel Sapphire Rapids+).
     *
     * @param flags lower-case flag names
     * @return whether bf16 convolutions run natively
     */
    static boolean cpuHasBf16(Set<String> flags) {
        return flags.contains("avx512_bf16") || flags.contains("amx_bf16");
    }

    /**
     * False if oneDNN is capped (environment variable {@code ONEDNN_MAX_CPU_ISA}) below the
     * instruction sets with bfloat16 arithmetic, e.g. at {@code SSE41} (the work-around of
     * {@link ResUNet#requireExactKernels}): bf16 would then be emulated.
     *
     * @param cap the variable's value, or null if unset
     * @return whether bf16 convolutions can use the CPU's bfloat16 instructions under the cap
     */
    static boolean isaCapAllowsBf16(String cap) {
        if (cap == null || cap.isBlank()) {
            return true;
        }
        String c = cap.trim().toUpperCase(Locale.ROOT);
        return c.equals("ALL") || c.contains("BF16") || c.contains("AMX") || c.contains("FP16") || c.startsWith("AVX10");
    }

    /** The flags of the first processor in {@code /proc/cpuinfo}; empty where there is none (not Linux). */
    static Set<String> cpuFlags() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return Set.of();
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> Stream.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toUnmodifiableSet()))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }
}
