package io.usrnet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The build refuses a platform without a PyTorch native jar, saying which ones there are and how
 * to choose one: the real Maven, on the parent POM alone, with a classifier that no platform has
 * (the mapping from os.name and os.arch is NativePlatformTest's, in prior-module).
 */
class NativePlatformBuildTest {
    @Test
    void anUnsupportedPlatformFailsTheBuildWithTheSupportedOnesAndTheOverride() throws Exception {
        String mvn = Path.of(System.getProperty("usrnet.it.maven.home"), "bin",
                File.separatorChar == '\\' ? "mvn.cmd" : "mvn").toString();
        Path root = Path.of(System.getProperty("usrnet.it.root")).toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(mvn, "-o", "-B", "-N", "-f", root.resolve("pom.xml").toString(),
                "-Dmaven.repo.local=" + System.getProperty("usrnet.it.repo"),
                "-Dusrnet.native.classifier=solaris-sparcv9", "validate").redirectErrorStream(true);
        pb.environment().remove("MAVEN_ARGS");
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(output).isNotZero();
        assertThat(output).contains("No PyTorch native library (ai.djl.pytorch:pytorch-native-cpu:2.7.1) for this platform",
                "gives classifier solaris-sparcv9",
                "supported: " + String.join("|", List.of("linux-x86_64", "linux-aarch64", "osx-aarch64", "win-x86_64")),
                "-Dusrnet.native.classifier=CLASSIFIER");
    }
}
