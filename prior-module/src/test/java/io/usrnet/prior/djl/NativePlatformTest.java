package io.usrnet.prior.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The choice of PyTorch's native jar per platform. Maven makes it at build time (the parent POM's
 * native-* profiles, activated by {@code <os>}), and Maven's OS activation reads the JVM's os.name and
 * os.arch once and cannot be told other values, so the platforms this build cannot run on are
 * checked here: the POM's profiles are evaluated for each platform by Maven's activation rules
 * (written out below), and must give the same classifier as {@link NativePlatform} and the table.
 * That the rules are Maven's is checked on the build's own platform, against the values the real
 * Maven computed (passed in by surefire) and the native jar it put on the class path.
 */
class NativePlatformTest {
    private static Element project;

    @BeforeAll
    static void readParentPom() throws Exception {
        Path pom = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../pom.xml").normalize();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        project = doc.getDocumentElement();
        assertThat(child(project, "artifactId").getTextContent()).isEqualTo("usrnet-parent");
    }

    /** os.name and os.arch as JVMs report them on each platform, and the classifier wanted. */
    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource({
        "Linux, amd64, linux-x86_64, true",
        "Linux, aarch64, linux-aarch64, true",
        "Mac OS X, aarch64, osx-aarch64, true",
        "Windows 11, amd64, win-x86_64, true",
        "Windows 10, amd64, win-x86_64, true",
        "Windows Server 2022, amd64, win-x86_64, true",
        // served by DJL for older PyTorch versions only, or never
        "Mac OS X, x86_64, osx-x86_64, false",
        "Windows 11, aarch64, win-aarch64, false",
        "Linux, ppc64le, linux-ppc64le, false",
        "FreeBSD, amd64, unknown-x86_64, false",
    })
    void thePomAndTheRuntimeChooseTheSameClassifier(String osName, String osArch, String classifier, boolean supported) {
        assertThat(pomClassifier(osName, osArch)).isEqualTo(classifier);
        assertThat(NativePlatform.classifier(osName, osArch)).isEqualTo(classifier);
        assertThat(classifier.matches(pomProperty("usrnet.native.supported"))).isEqualTo(supported);
        assertThat(NativePlatform.SUPPORTED.contains(classifier)).isEqualTo(supported);
    }

    @Test
    void bothListTheSameSupportedPlatforms() {
        assertThat(pomProperty("usrnet.native.supported")).isEqualTo(String.join("|", NativePlatform.SUPPORTED));
        assertThat(pomProperty("pytorch.native.version")).isEqualTo(NativePlatform.PYTORCH_VERSION);
    }

    @Test
    void theRulesAgreeWithMavenOnThisPlatform() throws Exception {
        String osName = System.getProperty("os.name");
        String osArch = System.getProperty("os.arch");
        Map<String, String> evaluated = pomProperties(osName, osArch);
        // what the real Maven's profiles set for this build (an explicit -Dusrnet.native.classifier
        // changes only the classifier)
        assertThat(evaluated.get("usrnet.os")).isEqualTo(System.getProperty("usrnet.os"));
        assertThat(interpolate(evaluated.get("usrnet.arch"), evaluated, osArch)).isEqualTo(System.getProperty("usrnet.arch"));
        assertThat(pomClassifier(osName, osArch)).isEqualTo(NativePlatform.current());

        // and the jar the build resolved is the one it chose
        Properties p = new Properties();
        try (InputStream in = DjlRuntime.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            p.load(in);
        }
        assertThat(p.getProperty("classifier")).isEqualTo(System.getProperty("usrnet.native.classifier"));
        assertThat(p.getProperty("version")).startsWith(NativePlatform.PYTORCH_VERSION + "-");
    }

    @Test
    void theErrorMessageNamesThisPlatformsClassifier() {
        String message = NativePlatform.describeCurrent();
        assertThat(message).contains("os.name=" + System.getProperty("os.name"), NativePlatform.current());
        if (NativePlatform.SUPPORTED.contains(NativePlatform.current())) {
            assertThat(message).contains("pytorch-native-cpu:2.7.1 with classifier", "-Dusrnet.native.classifier=");
        }
    }

    private static String pomClassifier(String osName, String osArch) {
        Map<String, String> props = pomProperties(osName, osArch);
        return interpolate(props.get("usrnet.native.classifier"), props, osArch);
    }

    private static String pomProperty(String name) {
        return child(child(project, "properties"), name).getTextContent().strip();
    }

    /** The project's properties with those of the profiles active on the platform (they override). */
    private static Map<String, String> pomProperties(String osName, String osArch) {
        Map<String, String> props = properties(child(project, "properties"));
        NodeList profiles = child(project, "profiles").getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            Element os = child(child(profile, "activation"), "os");
            if (os != null && osActivates(os, osName, osArch)) {
                props.putAll(properties(child(profile, "properties")));
            }
        }
        return props;
    }

    /**
     * Maven's {@code <os>} activation (Maven 3: plexus-utils' Os, the same in Maven 4): every given
     * condition must hold; {@code !} negates one; name and arch are compared ignoring case; a family
     * "mac" or "windows" holds if the lower-cased os.name contains it. Other families are not used by
     * the POM (and would fail here).
     */
    private static boolean osActivates(Element os, String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ENGLISH);
        String arch = osArch.toLowerCase(Locale.ENGLISH);
        boolean active = true;
        for (Node n = os.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                String value = e.getTextContent().strip().toLowerCase(Locale.ENGLISH);
                boolean negated = value.startsWith("!");
                value = negated ? value.substring(1) : value;
                boolean holds = switch (e.getTagName()) {
                    case "name" -> name.equals(value);
                    case "arch" -> arch.equals(value);
                    case "family" -> switch (value) {
                        case "mac", "windows" -> name.contains(value);
                        default -> throw new AssertionError("OS family not covered by this test: " + value);
                    };
                    default -> throw new AssertionError("OS condition not covered by this test: " + e.getTagName());
                };
                active &= holds != negated;
            }
        }
        return active;
    }

    private static String interpolate(String value, Map<String, String> props, String osArch) {
        Pattern ref = Pattern.compile("\\$\\{([^}]+)}");
        for (int depth = 0; depth < 5; depth++) {
            Matcher m = ref.matcher(value);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String key = m.group(1);
                String v = key.equals("os.arch") ? osArch : props.get(key);
                m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
            }
            m.appendTail(out);
            value = out.toString();
        }
        return value;
    }

    private static Map<String, String> properties(Element properties) {
        Map<String, String> map = new HashMap<>();
        for (Node n = properties.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                map.put(e.getTagName(), e.getTextContent().strip());
            }
        }
        return map;
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }
}
