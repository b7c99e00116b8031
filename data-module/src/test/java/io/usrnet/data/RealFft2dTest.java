package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RealFft2dTest {

    @ParameterizedTest(name = "{0}×{1}")
    @CsvSource({"1,1", "1,5", "5,1", "2,2", "3,7", "8,6", "9,10", "16,17", "7,2", "12,13"})
    void forwardMatchesNaiveDftAndInverseRoundTrips(int h, int w) {
        Random rnd = new Random(h * 31L + w);
        double[] x = new double[h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        RealFft2d fft = new RealFft2d(h, w);
        double[] spec = new double[fft.spectrumLength()];
        fft.forward(x, 0, spec);
        double maxErr = 0;
        for (int jj = 0; jj < fft.halfWidth; jj++) {
            for (int ii = 0; ii < h; ii++) {
                double re = 0;
                double im = 0;
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < w; c++) {
                        double a = -2 * Math.PI * ((double) ii * r / h + (double) jj * c / w);
                        re += x[r * w + c] * Math.cos(a);
                        im += x[r * w + c] * Math.sin(a);
                    }
                }
                int p = 2 * (jj * h + ii);
                maxErr = Math.max(maxErr, Math.max(Math.abs(spec[p] - re), Math.abs(spec[p + 1] - im)));
            }
        }
        assertThat(maxErr).isLessThan(1e-12);
        double[] back = new double[h * w];
        fft.inverse(spec, back, 0);
        for (int i = 0; i < x.length; i++) {
            assertThat(back[i]).isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-13));
        }
    }
}
