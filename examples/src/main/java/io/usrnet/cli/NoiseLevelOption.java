package io.usrnet.cli;

import io.usrnet.data.NoiseEstimate;
import io.usrnet.data.NoiseEstimator;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * restore's {@code --sigma}: a noise level in [0, 255] units given by the user, or {@code auto}, measured
 * in each input by {@link NoiseEstimator}.
 *
 * @param value the noise level; NaN for {@code auto}
 */
record NoiseLevelOption(double value) {
    /** The noise level is measured in each input. */
    static final NoiseLevelOption AUTO = new NoiseLevelOption(Double.NaN);

    /** True for {@code auto}. */
    boolean auto() {
        return Double.isNaN(value);
    }

    /** One stderr line saying what was measured, e.g. {@code bird.png: noise level measured: sigma 2.55 (...)}. */
    static String measured(String label, NoiseEstimate e) {
        return String.format(Locale.ROOT, "%s: noise level measured: %s", label, e);
    }

    /** Reads a number or {@code auto}; anything else is a usage error. */
    static final class Converter implements ITypeConverter<NoiseLevelOption> {
        @Override
        public NoiseLevelOption convert(String text) {
            if (text.trim().equalsIgnoreCase("auto")) {
                return AUTO;
            }
            try {
                return new NoiseLevelOption(Double.parseDouble(text.trim()));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is neither a number (in [0, 255] units) nor 'auto'");
            }
        }
    }
}
