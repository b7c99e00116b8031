package io.usrnet.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PrecisionTest {
    @Test
    void parsesTheCommandLineNames() {
        assertThat(Precision.parse("fp32")).isEqualTo(Precision.FP32);
        assertThat(Precision.parse(" BF16 ")).isEqualTo(Precision.BF16);
        assertThat(Precision.BF16.label()).isEqualTo("bf16");
        assertThatThrownBy(() -> Precision.parse("fp16")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("precision must be fp32 or bf16, got 'fp16'");
        assertThatThrownBy(() -> Precision.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bf16NeedsBfloat16InstructionsThatOneDnnMayUse() {
        assertThat(Precision.cpuHasBf16(Set.of("avx512f", "avx512_bf16", "avx512_vnni"))).isTrue();
        assertThat(Precision.cpuHasBf16(Set.of("avx512f", "amx_bf16", "amx_tile"))).isTrue();
        assertThat(Precision.cpuHasBf16(Set.of("avx512f", "avx512bw", "avx2"))).isFalse();
        assertThat(Precision.cpuHasBf16(Set.of())).isFalse();
        assertThat(Precision.isaCapAllowsBf16(null)).isTrue();
        assertThat(Precision.isaCapAllowsBf16("ALL")).isTrue();
        assertThat(Precision.isaCapAllowsBf16("avx512_core_bf16")).isTrue();
        assertThat(Precision.isaCapAllowsBf16("AVX512_CORE_AMX")).isTrue();
        assertThat(Precision.isaCapAllowsBf16("SSE41")).isFalse();
        assertThat(Precision.isaCapAllowsBf16("AVX2")).isFalse();
        assertThat(Precision.isaCapAllowsBf16("AVX512_CORE_VNNI")).isFalse();
    }

    @Test
    void fp32IsSupportedEverywhereAndUnsupportedPrecisionsFallBackToIt() {
        assertThat(Precision.FP32.isSupported()).isTrue();
        assertThat(Precision.FP32.resolve()).isEqualTo(Precision.FP32);
        assertThat(Precision.BF16.resolve()).isEqualTo(Precision.BF16.isSupported() ? Precision.BF16 : Precision.FP32);
    }

    @Test
    void cpuFlagsAreReadWhereTheSystemListsThem() {
        Set<String> flags = Precision.cpuFlags();
        if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").contains("64")
                && System.getProperty("os.arch").startsWith("amd64")) {
            assertThat(flags).contains("sse2"); // every x86-64 CPU
        }
    }
}
