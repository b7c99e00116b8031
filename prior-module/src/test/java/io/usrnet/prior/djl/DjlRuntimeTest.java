package io.usrnet.prior.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

    @Test
    void engineIsThePyTorchOfThePom() {
        Engine engine = DjlRuntime.engine();
        assertThat(engine.getEngineName()).isEqualTo(DjlRuntime.ENGINE).isEqualTo("PyTorch");
        // NativePlatformTest checks PYTORCH_VERSION against the POM's pytorch.native.version
        assertThat(engine.getVersion()).isEqualTo(NativePlatform.PYTORCH_VERSION);
    }

    /**
     * Surefire passes -Dai.djl.offline=true (parent POM), so this JVM cannot show that the library
     * sets it: a fresh JVM without it starts the engine through {@link DjlRuntime}, recording every URL
     * connection opened. The control: with -Dai.djl.offline=false (an explicit setting is kept), DJL's
     * start-up asks for EC2 metadata (its telemetry: http://169.254.169.254/latest/api/token, ...), so
     * the recording does see what offline mode prevents. Checked: without the static initializer's
     * setProperty, the first assertion fails with those four requests.
     */
    @Test
    void engineStartsOfflineInAJvmThatDidNotAskForIt() throws Exception {
        Map<String, String> offline = startEngineInFreshJvm(null);
        assertThat(offline.get("requests")).as("network requests at engine start-up").isEqualTo("[]");
        assertThat(offline.get("ai.djl.offline")).isEqualTo("true");
        assertThat(offline.get("engine")).isEqualTo("PyTorch " + NativePlatform.PYTORCH_VERSION);

        Map<String, String> online = startEngineInFreshJvm("false");
        assertThat(online.get("ai.djl.offline")).isEqualTo("false");
        assertThat(online.get("requests")).as("network requests at engine start-up, online").isNotEqualTo("[]");
    }

    /** Runs {@link StartEngine} in a new JVM (ai.djl.offline as given, or unset) and returns what it printed. */
    private static Map<String, String> startEngineInFreshJvm(String offlineProperty) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        if (offlineProperty != null) {
            command.add("-Dai.djl.offline=" + offlineProperty);
        }
        command.add(StartEngine.class.getName());
        Path log = Files.createTempFile("djl-runtime-test", ".log");
        String out;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // nothing else may switch DJL offline (or off tracking) for it
            pb.environment().keySet().removeIf(k -> k.equals("DJL_OFFLINE") || k.equals("OPT_OUT_TRACKING")
                    || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
            Process p = pb.start();
            boolean exited = p.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            out = Files.readString(log);
            assertThat(exited).as("exited within 120 s\n%s", out).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
        } finally {
            Files.deleteIfExists(log);
        }
        Map<String, String> printed = new HashMap<>();
        out.lines().filter(l -> l.startsWith(StartEngine.PREFIX)).forEach(l -> {
            String[] kv = l.substring(StartEngine.PREFIX.length()).split("=", 2);
            printed.put(kv[0], kv[1]);
        });
        assertThat(printed).as(out).containsKeys("engine", "ai.djl.offline", "requests");
        return printed;
    }

    /**
     * Started in a fresh JVM: records every http(s) connection that is opened, whatever its proxy
     * setting (DJL's own bypass the proxy selector), and fails it at once; starts the engine and prints
     * the engine, ai.djl.offline and the recorded URLs.
     */
    static final class StartEngine {
        static final String PREFIX = "probe: ";

        public static void main(String[] args) {
            List<String> requests = Collections.synchronizedList(new ArrayList<>());
            URL.setURLStreamHandlerFactory(protocol -> !protocol.equals("http") && !protocol.equals("https") ? null
                    : new URLStreamHandler() {
                        @Override
                        protected URLConnection openConnection(URL url) throws IOException {
                            return openConnection(url, null);
                        }

                        @Override
                        protected URLConnection openConnection(URL url, Proxy proxy) throws IOException {
                            requests.add(url.toString());
                            throw new IOException("no network in this test: " + url);
                        }
                    });
            Engine engine = DjlRuntime.engine();
            System.out.println(PREFIX + "engine=" + engine.getEngineName() + " " + engine.getVersion());
            System.out.println(PREFIX + "ai.djl.offline=" + System.getProperty("ai.djl.offline"));
            System.out.println(PREFIX + "requests=" + requests);
        }
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
