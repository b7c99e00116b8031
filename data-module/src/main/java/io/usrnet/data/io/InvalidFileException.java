package io.usrnet.data.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file exists and could be read, but its content is not what it claims to be or not what was
 * asked for (corrupt, truncated, unsupported layout, absurd dimensions). The message names the file
 * and says what is wrong, in words a user can act on.
 */
public class InvalidFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the file
     * @param problem what is wrong with it, e.g. "truncated: 12 of 40 bytes"
     */
    public InvalidFileException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /**
     * @param file the file
     * @param problem what is wrong with it
     * @param cause the error that revealed it
     */
    public InvalidFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
