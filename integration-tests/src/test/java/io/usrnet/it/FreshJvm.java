package io.usrnet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A program run in a fresh JVM as a user would run it, with none of what usrnet's launcher sets up. */
final class FreshJvm {
    private FreshJvm() {
    }

    /** What the program printed, line by line. */
    record Output(List<String> stdout, List<String> stderr) {
    }

    /**
     * Runs {@code java ARGUMENTS} (this JVM's java) and waits for it.
     *
     * @return its output; it must have exited with status 0
     */
    static Output run(List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        // nothing of what usrnet's own launcher sets up: the library must manage by itself
        env.keySet().removeIf(k -> k.startsWith("TORCH_") || k.startsWith("MALLOC_") || k.startsWith("SLF4J")
                || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS"));
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished").isTrue();
        Output out = new Output(stdout.get().lines().toList(), stderr.get().lines().toList());
        assertThat(p.exitValue()).as("exit code; output: %s", out).isZero();
        return out;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
