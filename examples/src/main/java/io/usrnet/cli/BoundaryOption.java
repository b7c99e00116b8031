package io.usrnet.cli;

import io.usrnet.data.Boundary;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --boundary periodic|smooth}: shared by solve and restore. */
final class BoundaryOption {
    @Option(names = "--boundary", paramLabel = "B", defaultValue = "smooth",
            description = "Border handling: smooth (default; the LR is extended smoothly, restored and cropped "
                    + "back, as for real photos) or periodic (the circular model as it is: exact for "
                    + "synthetic circular blur).")
    String boundary = "smooth";

    /** The chosen handling, checked. */
    Boundary boundary() {
        return switch (boundary.toLowerCase(Locale.ROOT)) {
            case "periodic" -> Boundary.PERIODIC;
            case "smooth" -> Boundary.SMOOTH;
            default -> throw new IllegalArgumentException("--boundary must be periodic or smooth, got '" + boundary + "'");
        };
    }
}
