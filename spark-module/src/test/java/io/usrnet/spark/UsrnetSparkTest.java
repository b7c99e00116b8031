package io.usrnet.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's checks, which run before any Spark context starts. */
class UsrnetSparkTest {
    private static String[] run(String... args) {
        CommandLine cl = UsrnetSpark.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void badOptionsAreOneLineErrorsWithStatusTwo() {
        String[] missing = run("--input", "in");
        assertThat(missing[0]).isEqualTo("2");
        assertThat(missing[1]).contains("Missing required options");
        String[] sigma = run("--input", "in", "--output", "out", "--kernel", "k.npy", "--scale", "2", "--sigma", "high");
        assertThat(sigma[0]).isEqualTo("2");
        assertThat(sigma[1].strip()).isEqualTo("usrnet-spark: error: --sigma must be a number in [0, 255] units or auto, "
                + "got 'high'");
        String[] boundary = run("--input", "in", "--output", "out", "--kernel", "k.npy", "--scale", "2", "--sigma", "2",
                "--boundary", "wrap");
        assertThat(boundary[1].strip()).isEqualTo("usrnet-spark: error: --boundary must be periodic or smooth, got wrap");
        String[] scale = run("--input", "in", "--output", "out", "--kernel", "k.npy", "--scale", "0", "--sigma", "2");
        assertThat(scale[1]).contains("--scale must be a positive integer, got 0");
        String[] ensemble = run("--input", "in", "--output", "out", "--kernel", "k.npy", "--scale", "2", "--sigma", "2",
                "--ensemble", "4");
        assertThat(ensemble[1]).contains("--ensemble must be 1 (off) or 8 (all flips and rotations), got 4");
        String[] precision = run("--input", "in", "--output", "out", "--kernel", "k.npy", "--scale", "2", "--sigma",
                "2", "--precision", "fp16");
        assertThat(precision[0]).isEqualTo("2");
        assertThat(precision[1].strip()).isEqualTo("usrnet-spark: error: --precision must be fp32 or bf16, got 'fp16'");
        String[] split = run("--input", "in", "--output", "out", "--kernel", "k.npy", "--scale", "2", "--sigma", "2",
                "--split", "1024", "--split-margin", "2000");
        assertThat(split[0]).isEqualTo("2");
        assertThat(split[1].strip()).isEqualTo("usrnet-spark: error: --split-margin must be from 0 to less than --split, "
                + "got 2000");
    }

    @Test
    void threadsPerTaskShareTheCores() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(UsrnetSpark.defaultThreads(new SparkConf().set("spark.master", "local[1]"))).isEqualTo(cores);
        assertThat(UsrnetSpark.defaultThreads(new SparkConf().set("spark.master", "local[" + 4 * cores + "]")))
                .isEqualTo(1);
        assertThat(UsrnetSpark.defaultThreads(new SparkConf().set("spark.master", "spark://h:7077")
                .set("spark.task.cpus", "3"))).isEqualTo(3);
    }
}
