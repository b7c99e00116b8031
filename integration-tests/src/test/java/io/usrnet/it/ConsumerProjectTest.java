package io.usrnet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that depends on usrnet-core alone: its run-time class path is this module's
 * (which declares only usrnet-core; maven-dependency-plugin writes it to a file), the program
 * (src/test/resources/consumer) is compiled against it and run in a fresh JVM with no options, as
 * a user would. It must restore the image and print its own line and nothing else: no SLF4J notice
 * without a logging provider, no DJL warning with one, no libtorch warnings. {@link ModulePathTest}
 * runs the same program on the module path.
 */
class ConsumerProjectTest {
    private static final List<String> EXPECTED = List.of("restored 3x48x48");

    @TempDir
    static Path classes;

    private static List<String> consumerClassPath;

    @BeforeAll
    static void compileTheProgram() throws IOException, URISyntaxException {
        String cp = Files.readString(Path.of(System.getProperty("usrnet.it.classpath"))).strip();
        consumerClassPath = Arrays.asList(cp.split(File.pathSeparator));
        Path source = Path.of(ConsumerProjectTest.class.getResource("/consumer/RestoreExample.java").toURI());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", cp, source.toString());
        assertThat(rc).as("javac").isZero();
    }

    @Test
    void theClassPathIsUsrnetsAloneWithoutALoggingProvider() {
        // usrnet's own modules are jars, or target/classes when Maven stops before package
        assertThat(consumerClassPath).anyMatch(p -> p.contains("usrnet-core"));
        List<String> jars = consumerClassPath.stream().map(p -> Path.of(p).getFileName().toString()).toList();
        assertThat(jars).anyMatch(j -> j.startsWith("pytorch-native-cpu-"))
                .anyMatch(j -> j.startsWith("slf4j-api-"))
                .noneMatch(j -> j.startsWith("slf4j-simple") || j.startsWith("slf4j-nop") || j.startsWith("logback")
                        || j.startsWith("slf4j-reload4j") || j.startsWith("slf4j-jdk14") || j.startsWith("log4j-slf4j"))
                .noneMatch(j -> j.startsWith("junit") || j.startsWith("assertj") || j.startsWith("picocli"));
        // the library alone: training, evaluation and the command line are modules of their own
        assertThat(consumerClassPath).noneMatch(p -> p.contains("usrnet-train") || p.contains("usrnet-eval")
                || p.contains("usrnet-examples") || p.contains("examples" + File.separator + "target"));
    }

    @Test
    void withoutALoggingProviderItPrintsOnlyItsOwnOutput() throws Exception {
        FreshJvm.Output out = run(consumerClassPath);
        assertThat(out.stderr()).as("stderr").isEmpty();
        assertThat(out.stdout()).as("stdout").isEqualTo(EXPECTED);
    }

    @Test
    void withALoggingProviderAtWarnItPrintsOnlyItsOwnOutput() throws Exception {
        // an application that logs through slf4j-simple at warn: DJL's GPU-probe warning must not come
        List<String> cp = new ArrayList<>(consumerClassPath);
        cp.add(jarOf(org.slf4j.simple.SimpleLogger.class));
        FreshJvm.Output out = run(cp, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        assertThat(out.stderr()).as("stderr").isEmpty();
        assertThat(out.stdout()).as("stdout").isEqualTo(EXPECTED);
    }

    private static FreshJvm.Output run(List<String> classPath, String... jvmOptions) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(jvmOptions));
        arguments.add("-cp");
        arguments.add(String.join(File.pathSeparator, classPath) + File.pathSeparator + classes);
        arguments.add("RestoreExample");
        return FreshJvm.run(arguments);
    }

    private static String jarOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
