package io.usrnet.eval;

import io.usrnet.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Writes an {@link EvaluationResult} as the paper's Table 1 (Markdown) and as a CSV of every
 * per-image number.
 */
public final class Table1Report {
    /** File name of the Markdown table. */
    public static final String MARKDOWN = "table1.md";
    /** File name of the CSV file. */
    public static final String CSV = "table1.csv";
    /** The CSV header line. */
    public static final String CSV_HEADER = "method,scale,sigma,kernel,image,psnr_rgb,psnr_y,ssim";

    private Table1Report() {
    }

    /**
     * The Markdown table: one row per method and setting, one column per kernel (k1 …) and the
     * mean over kernels; each value is the mean RGB PSNR (dB, border s²) over the images, with two
     * decimals.
     */
    public static String markdown(EvaluationResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("RGB PSNR (dB) on 8 bits, border s², mean over ").append(r.images().size()).append(" image")
                .append(r.images().size() == 1 ? "" : "s").append(" (PROTOCOL.md §2).\n\n");
        sb.append("| Method | Scale | σ |");
        for (int k : r.kernels()) {
            sb.append(" k").append(k).append(" |");
        }
        sb.append(" Mean |\n|---|---|---|");
        sb.append("---:|".repeat(r.kernels().size() + 1)).append('\n');
        for (Method m : r.methods()) {
            for (Setting s : r.settings()) {
                sb.append("| ").append(m.id()).append(" | x").append(s.scale()).append(" | ").append(s.sigmaText())
                        .append(" |");
                for (int k : r.kernels()) {
                    sb.append(' ').append(format(r.meanPsnr(m, s, k))).append(" |");
                }
                sb.append(' ').append(format(r.meanPsnr(m, s))).append(" |\n");
            }
        }
        return sb.toString();
    }

    /** The CSV: {@link #CSV_HEADER}, then one row per score (full double precision, '.' decimals). */
    public static String csv(EvaluationResult r) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Score s : r.scores()) {
            sb.append(s.method().id()).append(',').append(s.setting().scale()).append(',')
                    .append(s.setting().sigmaText()).append(',').append(s.kernel()).append(',')
                    .append(quote(s.image())).append(',').append(s.psnr()).append(',').append(s.psnrY()).append(',')
                    .append(s.ssim()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes {@link #MARKDOWN} and {@link #CSV} into {@code dir} (each atomically).
     *
     * @throws IOException if the directory does not exist or a file cannot be written
     */
    public static void write(EvaluationResult r, Path dir) throws IOException {
        String md = markdown(r);
        String csv = csv(r);
        AtomicFiles.write(dir.resolve(MARKDOWN), tmp -> Files.writeString(tmp, md, StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve(CSV), tmp -> Files.writeString(tmp, csv, StandardCharsets.UTF_8));
    }

    private static String format(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.2f", v.getAsDouble()) : "–";
    }

    private static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
