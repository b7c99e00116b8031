package io.usrnet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.data.Boundary;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.data.PeriodicExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RestoreOptions.Builder#boundary}: smooth extension at the entry, crop at the exit. */
class RestorerBoundaryTest {
    private static Restorer restorer;

    @BeforeAll
    static void load() throws IOException {
        restorer = Restorer.builder().weights(TestData.TINY_WEIGHTS).build();
    }

    @AfterAll
    static void close() {
        restorer.close();
    }

    private static Image random(int c, int h, int w, long seed) {
        Random r = new Random(seed);
        float[] v = new float[c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return Image.wrap(c, h, w, v);
    }

    @Test
    void periodicIsTheDefaultAndUnchanged() {
        Image lr = random(3, 12, 10, 1);
        Kernel k = Kernels.gaussian(9, 1.2);
        assertThat(Degradation.of(k, 2, 2.55).boundary()).isEqualTo(Boundary.PERIODIC);
        Image plain = restorer.restore(lr, Degradation.of(k, 2, 2.55));
        Image explicit = restorer.restore(lr, smooth(k, 2, 2.55).toBuilder().boundary(Boundary.PERIODIC).build());
        assertThat(explicit).isEqualTo(plain);
    }

    @Test
    void smoothRestoresTheExtendedImageAndCropsToScaleTimesSize() {
        Image lr = random(3, 12, 10, 2);
        Kernel k = Kernels.gaussian(9, 1.2);
        List<Iteration> seen = new ArrayList<>();
        Image out = restorer.restore(lr, smooth(k, 2, 2.55),
                RestoreOptions.builder().iterations(2).listener(seen::add).build());
        assertThat(out.shape()).isEqualTo(Image.zeros(3, 24, 20).shape());
        Image padded = PeriodicExtension.extendLr(lr, 2);
        // ⌈2·12/8 + 2⌉·8 = 40, ⌈2·10/8 + 2⌉·8 = 40: the network ran at 40×40.
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).x().height()).isEqualTo(40);
        Image manual = restorer.restore(padded, Degradation.of(k, 2, 2.55), RestoreOptions.builder().iterations(2).build());
        assertThat(out).isEqualTo(PeriodicExtension.crop(manual, 24, 20));
    }

    @Test
    void smoothKeepsGreyAndOddSizes() {
        Image grey = random(1, 7, 9, 3);
        Image out = restorer.restore(grey, smooth(Kernels.gaussian(7, 1.0), 3, 0),
                RestoreOptions.builder().iterations(1).build());
        assertThat(out.channels()).isEqualTo(1);
        assertThat(out.height()).isEqualTo(21);
        assertThat(out.width()).isEqualTo(27);
        assertThat(out.isFinite()).isTrue();
        assertThatThrownBy(() -> Degradation.builder().kernel(Kernel.delta()).boundary(null).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("boundary");
        // grey is restored as R = G = B and averaged back: the same as restoring the RGB copy
        Image rgb = restorer.restore(grey.toRgb(), smooth(Kernels.gaussian(7, 1.0), 3, 0),
                RestoreOptions.builder().iterations(1).build());
        assertThat(out).isEqualTo(rgb.meanOfChannels());
    }

    private static Degradation smooth(Kernel k, int scale, double sigma) {
        return Degradation.of(k, scale, sigma).toBuilder().boundary(Boundary.SMOOTH).build();
    }
}
