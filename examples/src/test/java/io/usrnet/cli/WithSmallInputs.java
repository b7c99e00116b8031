package io.usrnet.cli;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.data.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * For CLI tests that need no shared data: a fresh temporary folder {@link #dir} holding a small
 * 8-bit RGB image {@link #y} (y.png, 6 wide, 8 high, a ramp) and a 3×3 blur kernel {@link #k}
 * (k.txt, taps summing to 1).
 */
abstract class WithSmallInputs {
    @TempDir
    Path dir;
    Path y;
    Path k;

    @BeforeEach
    void writeSmallInputs() throws IOException {
        float[] v = new float[3 * 8 * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 17) / 16f;
        }
        y = dir.resolve("y.png");
        ImageFiles.write(y, Image.of(3, 8, 6, v));
        k = dir.resolve("k.txt");
        Files.writeString(k, "0 0.2 0\n0.2 0.2 0.2\n0 0.2 0\n");
    }
}
