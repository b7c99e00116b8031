package io.usrnet.data;

/**
 * How a restoration treats the image border. The data step's closed form assumes a circular
 * ({@code wrap}) convolution: exact for synthetic circular blur, but real photographs are not
 * periodic, and the jump between opposite edges rings into the result.
 */
public enum Boundary {
    /**
     * Use the image as it is: the circular model of PROTOCOL.md §1, exact for synthetic circular
     * blur (the Table-1 protocol and the reference fixtures).
     */
    PERIODIC,
    /**
     * Extend the low-resolution image with a smooth periodic extension (PROTOCOL.md §3.4, see
     * {@link PeriodicExtension#extendLr}), restore at the larger size, crop the result back to
     * s·h×s·w. For real images, whose blur is not circular.
     */
    SMOOTH
}
