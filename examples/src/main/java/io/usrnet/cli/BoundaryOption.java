package io.usrnet.cli;

import io.usrnet.data.Boundary;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --boundary periodic|smooth}: shared by solve and restore. */
final class BoundaryOption {
    @Option(names = "--boundary", paramLabel = "B", defaultValue = "periodic",
            description = "Border handling: periodic (default: the circular model as it is, exact for synthetic "
                    + "circular blur such as 'usrnet degrade' makes, and what the reference implementation does) "
                    + "or smooth (recommended for real photos: the LR is extended smoothly, restored and "
                    + "cropped back; +1 to +2.4 dB on the border band, see the README).")
    String boundary = "periodic";

    /** The chosen handling, checked. */
    Boundary boundary() {
        return switch (boundary.toLowerCase(Locale.ROOT)) {
            case "periodic" -> Boundary.PERIODIC;
            case "smooth" -> Boundary.SMOOTH;
            default -> throw new IllegalArgumentException("--boundary must be periodic or smooth, got '" + boundary + "'");
        };
    }
}
