package io.usrnet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java quick start, as printed: its block is compiled against this module's test class
 * path (the imports kept, the statements put into {@code main(String[] args) throws IOException}, as
 * the README says) and run in a fresh JVM in a folder laid out like the repository root (a copy of
 * samples/), which is where the README says it runs.
 */
class ReadmeJavaQuickStartTest {
    /** The repository's samples/ (surefire passes it; see the parent pom); the README is beside it. */
    private static final Path SAMPLES = Path.of(System.getProperty("usrnet.samples", "../samples"));
    private static final Pattern IMPORT = Pattern.compile("import [\\w.]+(\\.\\*)?;");
    private static final Pattern ITERATION = Pattern.compile("(?m)^iteration (\\d+): alpha=(\\S+) beta=(\\S+)$");
    private static final String CLASS = "ReadmeQuickStart";

    @TempDir
    Path tmp;

    @Test
    void javaQuickStartCompilesAndRunsOnTheSamples() throws Exception {
        String block = javaBlock(Files.readString(SAMPLES.resolveSibling("README.md")));
        long t0 = System.nanoTime();
        Path classes = compile(block);
        long t1 = System.nanoTime();

        Path root = Files.createDirectories(tmp.resolve("clone"));
        Files.createDirectories(root.resolve("samples"));
        for (String f : new String[] {"butterfly.png", "kernels_12.mat"}) {
            Files.copy(SAMPLES.resolve(f), root.resolve("samples").resolve(f));
        }
        String out = run(classes, root);
        System.out.printf(Locale.ROOT, "README Java quick start: compiled in %.1f s, ran in %.1f s%n", (t1 - t0) / 1e9,
                (System.nanoTime() - t1) / 1e9);

        // the listener of the 4-iteration restore: one line per iteration, 1 to 4, α and β finite and > 0
        Matcher m = ITERATION.matcher(out);
        List<Integer> iterations = new ArrayList<>();
        while (m.find()) {
            iterations.add(Integer.parseInt(m.group(1)));
            assertThat(Double.parseDouble(m.group(2))).as(m.group()).isPositive().isFinite();
            assertThat(Double.parseDouble(m.group(3))).as(m.group()).isPositive().isFinite();
        }
        assertThat(iterations).as(out).containsExactly(1, 2, 3, 4);

        // sr.png: the ×4 restoration of the degraded butterfly, clearly better than its nearest upsampling
        Path srFile = root.resolve("sr.png");
        assertThat(srFile).as(out).isRegularFile();
        Image hr = ImageFiles.readImage(SAMPLES.resolve("butterfly.png"));
        Image sr = ImageFiles.readImage(srFile);
        assertThat(sr.shape()).isEqualTo(hr.shape());
        Kernel k = KernelFiles.read(SAMPLES.resolve("kernels_12.mat") + ":kernels:3");
        Image nearest = Degradations.upsampleNearest(Degradation.of(k, 4, 2.55).apply(hr, 0), 4);
        double psnrNearest = Metrics.psnr(nearest, hr, 0);
        double psnrSr = Metrics.psnr(sr, hr, 0);
        System.out.printf(Locale.ROOT, "README Java quick start: sr.png %.2f dB, nearest %.2f dB%n", psnrSr,
                psnrNearest);
        assertThat(psnrSr).as("PSNR of sr.png against butterfly.png (nearest: %.2f dB)", psnrNearest)
                .isGreaterThan(psnrNearest + 3);
    }

    /** The ```java block of the section "Quick start: Java". */
    static String javaBlock(String readme) {
        int section = readme.indexOf("## Quick start: Java");
        assertThat(section).as("README section 'Quick start: Java'").isNotNegative();
        int start = readme.indexOf("```java\n", section);
        assertThat(start).as("```java block in 'Quick start: Java'").isNotNegative();
        start += "```java\n".length();
        int end = readme.indexOf("\n```", start);
        assertThat(end).as("end of the ```java block").isGreaterThan(start);
        return readme.substring(start, end + 1);
    }

    /** The block's imports, then its statements in main, as one compilation unit. */
    static String wrap(String block) {
        List<String> imports = new ArrayList<>();
        List<String> body = new ArrayList<>();
        for (String line : block.split("\n", -1)) {
            (IMPORT.matcher(line.strip()).matches() ? imports : body).add(line);
        }
        assertThat(imports).as("the block's imports").isNotEmpty();
        return String.join("\n", imports) + "\n\npublic class " + CLASS + " {\n"
                + "    public static void main(String[] args) throws java.io.IOException {\n"
                + body.stream().map(l -> l.isEmpty() ? l : "        " + l).collect(Collectors.joining("\n"))
                + "\n    }\n}\n";
    }

    private Path compile(String block) throws IOException {
        String source = wrap(block);
        Path src = Files.createDirectories(tmp.resolve("src")).resolve(CLASS + ".java");
        Files.writeString(src, source);
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler (javax.tools)").isNotNull();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            ok = javac.getTask(null, files, diagnostics, List.of("-classpath", System.getProperty("java.class.path"),
                    "-d", classes.toString(), "-proc:none", "-encoding", "UTF-8"), null,
                    files.getJavaFileObjects(src.toFile())).call();
        }
        String report = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("\n"));
        assertThat(ok).as("the README's Java quick start compiles:\n%s\n%s", report, numbered(source)).isTrue();
        return classes;
    }

    /** Runs the compiled block in a new JVM in {@code dir}; returns stdout and stderr. */
    private String run(Path classes, Path dir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = classes + File.pathSeparator + System.getProperty("java.class.path");
        Path log = tmp.resolve("run.log");
        Process p = new ProcessBuilder(java, "-cp", classPath, CLASS).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = p.waitFor(300, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertThat(exited).as("the quick start ran within 300 s:\n%s", out).isTrue();
        assertThat(p.exitValue()).as("exit status of the quick start:\n%s", out).isZero();
        return out;
    }

    private static String numbered(String source) {
        String[] lines = source.split("\n", -1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            b.append(String.format(Locale.ROOT, "%3d  %s%n", i + 1, lines[i]));
        }
        return b.toString();
    }
}
