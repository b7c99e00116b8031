package io.usrnet.cli;

import io.usrnet.core.io.Compression;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --compression deflate|none}: how the image-writing subcommands compress TIFF outputs. */
final class CompressionOption {
    @Option(names = "--compression", paramLabel = "C", defaultValue = "deflate",
            description = "TIFF outputs: deflate (default, lossless, read by every TIFF reader) or none "
                    + "(uncompressed). PNG is always compressed, .npy never.")
    String compression = "deflate";

    /** The chosen compression, checked. */
    Compression compression() {
        return switch (compression.toLowerCase(Locale.ROOT)) {
            case "deflate" -> Compression.DEFLATE;
            case "none" -> Compression.NONE;
            default -> throw new IllegalArgumentException("--compression must be deflate or none, got '"
                    + compression + "'");
        };
    }
}
