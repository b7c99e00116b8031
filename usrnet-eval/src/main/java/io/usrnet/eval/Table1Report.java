package io.usrnet.eval;

import io.usrnet.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;

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

    /**
     * Reads the per-image scores of CSV files this class wrote ({@link #CSV}) and joins them into
     * one result, as if one evaluation had covered all their images: how an evaluation run in
     * parts (e.g. over sessions, or several machines) gives the table of the whole. Methods,
     * settings, kernels and images keep the order in which they first appear.
     *
     * @throws IllegalArgumentException if a file is not such a CSV (the line is named), a score
     *                                  appears twice, or the images were not all scored on the
     *                                  same grid of methods, settings and kernels (a table over
     *                                  them would mix different image sets)
     * @throws IOException              if a file cannot be read
     */
    public static EvaluationResult merge(List<Path> csvFiles) throws IOException {
        List<Score> scores = new ArrayList<>();
        for (Path f : csvFiles) {
            scores.addAll(read(f));
        }
        Set<Method> methods = new LinkedHashSet<>();
        Set<Setting> settings = new LinkedHashSet<>();
        Set<Integer> kernels = new LinkedHashSet<>();
        Set<String> images = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        for (Score s : scores) {
            methods.add(s.method());
            settings.add(s.setting());
            kernels.add(s.kernel());
            images.add(s.image());
            if (!seen.add(cell(s.method(), s.setting(), s.kernel(), s.image()))) {
                throw new IllegalArgumentException("the score of " + s.image() + " for " + s.method().id() + " "
                        + s.setting() + " k" + s.kernel() + " appears twice in " + csvFiles);
            }
        }
        for (String image : images) {
            for (Method m : methods) {
                for (Setting st : settings) {
                    for (int k : kernels) {
                        if (!seen.contains(cell(m, st, k, image))) {
                            throw new IllegalArgumentException(image + " has no score for " + m.id() + " " + st + " k" + k
                                    + ": the files do not cover one grid of methods, settings and kernels");
                        }
                    }
                }
            }
        }
        return new EvaluationResult(List.copyOf(methods), List.copyOf(settings), List.copyOf(kernels),
                List.copyOf(images), scores, 0);
    }

    private static String cell(Method m, Setting s, int kernel, String image) {
        return m.id() + '|' + s + '|' + kernel + '|' + image;
    }

    /** The scores of one {@link #CSV} file. */
    static List<Score> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(CSV_HEADER)) {
            throw new IllegalArgumentException(csv + ": not a table1.csv of eval (its first line must be "
                    + CSV_HEADER + ")");
        }
        List<Score> scores = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> f = fields(lines.get(i));
            try {
                if (f.size() != 8) {
                    throw new IllegalArgumentException(f.size() + " fields, 8 expected");
                }
                Setting setting = new Setting(Integer.parseInt(f.get(1)), Double.parseDouble(f.get(2)));
                scores.add(new Score(Method.parse(f.get(0)), setting, Integer.parseInt(f.get(3)), f.get(4),
                        Double.parseDouble(f.get(5)), Double.parseDouble(f.get(6)), Double.parseDouble(f.get(7))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(csv + ", line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return scores;
    }

    /** The fields of one CSV line, quotes as {@link #quote} writes them undone. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
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
