package io.usrnet.prior.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

    @Test
    void engineStartsOffline() {
        assertThat(DjlRuntime.engine().getEngineName()).isEqualTo("PyTorch");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    }

    @Test
    void missingEngineGivesAnExplanation() {
        assertThatThrownBy(() -> DjlRuntime.engine("NoSuchEngine"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot start DJL's NoSuchEngine engine")
                .hasMessageContaining("pytorch-native-cpu")
                .hasMessageContaining(NativePlatform.current());
    }

    @Test
    void libtorchLogsOnlyErrorsUnlessToldOtherwise() {
        DjlRuntime.engine();
        int level = NativeLibrary.getInstance(Path.of(LibUtils.getLibtorchPath(), System.mapLibraryName("c10")).toString())
                .getGlobalVariableAddress("FLAGS_caffe2_log_level").getInt(0);
        Integer expected = DjlRuntime.torchLogLevel(System.getenv("TORCH_CPP_LOG_LEVEL"));
        if (expected != null) {
            assertThat(level).isEqualTo(expected);
        }
    }

    @Test
    void torchCppLogLevelIsReadAsLibtorchReadsIt() {
        assertThat(DjlRuntime.torchLogLevel(null)).isEqualTo(2);
        assertThat(DjlRuntime.torchLogLevel(" ")).isEqualTo(2);
        assertThat(DjlRuntime.torchLogLevel("info")).isEqualTo(0);
        assertThat(DjlRuntime.torchLogLevel("WARNING")).isEqualTo(1);
        assertThat(DjlRuntime.torchLogLevel("2")).isEqualTo(2);
        assertThat(DjlRuntime.torchLogLevel("FATAL")).isEqualTo(3);
        assertThat(DjlRuntime.torchLogLevel("verbose")).isNull();
    }

    @Test
    void theCudaProbeIsSkippedForTheCpuEngine() {
        DjlRuntime.ensureOffline();
        assertThat(System.getProperty("ai.djl.util.cuda.fork")).isNull(); // set only while DJL reads it
        assertThat(CudaUtils.getGpuCount()).isZero();
        assertThat(CudaUtils.hasCuda()).isFalse();
    }

    @Test
    void slf4jsNoProviderNoticeIsOffWithoutAProvider() {
        DjlRuntime.ensureOffline();
        // this module's tests have no SLF4J provider on the class path, like an application without one
        assertThat(System.getProperty("slf4j.internal.verbosity")).isEqualTo("ERROR");
    }
}
