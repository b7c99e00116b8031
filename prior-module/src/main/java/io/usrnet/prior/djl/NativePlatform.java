package io.usrnet.prior.djl;

import java.util.List;
import java.util.Locale;

/**
 * Which of PyTorch's native library jars ({@code ai.djl.pytorch:pytorch-native-cpu}, one per
 * platform, told apart by classifier) a platform needs: the mapping that the parent POM's
 * {@code native-*} profiles make at build time, repeated here for the error message at run time
 * (NativePlatformTest checks that the two agree).
 */
final class NativePlatform {
    /** The PyTorch version of the native jars. */
    static final String PYTORCH_VERSION = "2.7.1";

    /** The classifiers served for {@link #PYTORCH_VERSION}, as the POM's usrnet.native.supported. */
    static final List<String> SUPPORTED = List.of("linux-x86_64", "linux-aarch64", "osx-aarch64", "win-x86_64");

    private NativePlatform() {
    }

    /**
     * The classifier for a platform.
     *
     * @param osName the JVM's {@code os.name}, e.g. "Linux", "Mac OS X", "Windows 11"
     * @param osArch the JVM's {@code os.arch}, e.g. "amd64", "aarch64"
     * @return e.g. "linux-x86_64"; "unknown-…" for an operating system without native jars; may not
     *     be {@link #SUPPORTED}
     */
    static String classifier(String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ROOT);
        String os;
        if (name.equals("linux")) {
            os = "linux";
        } else if (name.contains("mac")) {
            os = "osx";
        } else if (name.contains("windows")) {
            os = "win";
        } else {
            os = "unknown";
        }
        String arch = osArch.toLowerCase(Locale.ROOT);
        if (arch.equals("amd64")) {
            arch = "x86_64";
        }
        return os + "-" + arch;
    }

    /** The classifier for the running JVM. */
    static String current() {
        return classifier(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /** What this platform needs, or that it has no native jar: for error messages. */
    static String describeCurrent() {
        String platform = "os.name=" + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch");
        String classifier = current();
        if (SUPPORTED.contains(classifier)) {
            return "this platform (" + platform + ") needs ai.djl.pytorch:pytorch-native-cpu:" + PYTORCH_VERSION
                    + " with classifier " + classifier + " (a Maven build of usrnet chooses it; to pick another, "
                    + "build with -Dusrnet.native.classifier=CLASSIFIER)";
        }
        return "PyTorch " + PYTORCH_VERSION + " has no native library for this platform (" + platform
                + ", classifier " + classifier + "); supported: " + String.join(", ", SUPPORTED);
    }
}
