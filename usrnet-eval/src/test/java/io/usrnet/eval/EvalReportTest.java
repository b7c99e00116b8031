package io.usrnet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Markdown and CSV content of the report, on hand-made scores. */
class EvalReportTest {
    private static final Setting X2 = new Setting(2, 0);
    private static final Setting X3N = new Setting(3, 2.55);

    static EvaluationResult result() {
        List<Score> scores = new ArrayList<>();
        double v = 20;
        for (Method m : List.of(Method.NEAREST, Method.BICUBIC)) {
            for (Setting s : List.of(X2, X3N)) {
                for (int k : List.of(1, 12)) {
                    for (String img : List.of("a.png", "b,c.png")) {
                        scores.add(new Score(m, s, k, img, v, v + 1, 0.5));
                        v += 0.5;
                    }
                }
            }
        }
        return new EvaluationResult(List.of(Method.NEAREST, Method.BICUBIC), List.of(X2, X3N), List.of(1, 12),
                List.of("a.png", "b,c.png"), scores, 1.0);
    }

    @Test
    void markdownHasOneRowPerMethodAndSettingAndMeansOfKernels() {
        String md = Table1Report.markdown(result());
        List<String> rows = md.lines().filter(l -> l.startsWith("|")).toList();
        assertThat(rows.get(0)).isEqualTo("| Method | Scale | σ | k1 | k12 | Mean |");
        assertThat(rows.get(1)).isEqualTo("|---|---|---|---:|---:|---:|");
        assertThat(rows).hasSize(2 + 4);
        // nearest x2: k1 images 20, 20.5 → 20.25; k12 21, 21.5 → 21.25; mean 20.75
        assertThat(rows.get(2)).isEqualTo("| nearest | x2 | 0 | 20.25 | 21.25 | 20.75 |");
        assertThat(rows.get(3)).isEqualTo("| nearest | x3 | 2.55 | 22.25 | 23.25 | 22.75 |");
        for (String row : rows.subList(2, rows.size())) {
            String[] cells = row.split("\\|");
            double k1 = Double.parseDouble(cells[4].trim());
            double k12 = Double.parseDouble(cells[5].trim());
            assertThat(Double.parseDouble(cells[6].trim())).isCloseTo((k1 + k12) / 2, within(0.0051));
        }
        assertThat(md).contains("mean over 2 images");
    }

    @Test
    void csvHasEveryScoreAndIsWrittenWithTheTable(@TempDir Path dir) throws IOException {
        EvaluationResult r = result();
        Table1Report.write(r, dir);
        List<String> lines = Files.readAllLines(dir.resolve("table1.csv"));
        assertThat(lines.get(0)).isEqualTo("method,scale,sigma,kernel,image,psnr_rgb,psnr_y,ssim");
        assertThat(lines).hasSize(1 + r.scores().size());
        assertThat(lines.get(1)).isEqualTo("nearest,2,0,1,a.png,20.0,21.0,0.5");
        assertThat(lines.get(2)).isEqualTo("nearest,2,0,1,\"b,c.png\",20.5,21.5,0.5");
        assertThat(lines).filteredOn(l -> l.startsWith("bicubic,3,2.55,12,")).hasSize(2);
        assertThat(Files.readString(dir.resolve("table1.md"))).isEqualTo(Table1Report.markdown(r));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("table1.csv", "table1.md");
        }
    }

    @Test
    void partsOfAnEvaluationMergeIntoTheTableOfTheWhole(@TempDir Path dir) throws IOException {
        EvaluationResult whole = result();
        // the same scores split by image into two runs' CSV files
        for (String img : whole.images()) {
            List<Score> part = whole.scores().stream().filter(s -> s.image().equals(img)).toList();
            Path d = Files.createDirectories(dir.resolve(img.replace(",", "_")));
            Table1Report.write(new EvaluationResult(whole.methods(), whole.settings(), whole.kernels(), List.of(img),
                    part, 1.0), d);
        }
        List<Path> parts = List.of(dir.resolve("a.png/table1.csv"), dir.resolve("b_c.png/table1.csv"));
        EvaluationResult merged = Table1Report.merge(parts);
        assertThat(Table1Report.markdown(merged)).isEqualTo(Table1Report.markdown(whole));
        assertThat(merged.scores()).containsExactlyInAnyOrderElementsOf(whole.scores());
        // the same part twice: a score twice
        assertThatThrownBy(() -> Table1Report.merge(List.of(parts.get(0), parts.get(0))))
                .hasMessageContaining("appears twice");
        // a part on another grid: refused, naming what is missing
        List<String> lines = new ArrayList<>(Files.readAllLines(parts.get(1)));
        lines.remove(lines.size() - 1);
        Path cut = dir.resolve("cut.csv");
        Files.write(cut, lines);
        assertThatThrownBy(() -> Table1Report.merge(List.of(parts.get(0), cut)))
                .hasMessageContaining("b,c.png has no score for bicubic x3:2.55 k12");
        Files.writeString(cut, "image,psnr\n");
        assertThatThrownBy(() -> Table1Report.merge(List.of(cut))).hasMessageContaining("not a table1.csv of eval");
    }
}
