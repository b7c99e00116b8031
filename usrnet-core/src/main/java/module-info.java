/**
 * usrnet-java, the library: {@code Restorer} ({@code io.usrnet.core}), image, kernel and file I/O
 * ({@code io.usrnet.core.io}), weight files ({@code io.usrnet.core.weights}) and image metrics
 * ({@code io.usrnet.core.metrics}).
 *
 * <p>pickle and mfl-core are automatic modules (they declare no module), hence requires-automatic.
 */
@SuppressWarnings("requires-automatic")
module usrnet.core {
    requires transitive usrnet.data;
    requires transitive usrnet.hyper;
    requires transitive usrnet.prior;
    requires com.google.gson;
    requires java.desktop;
    requires org.slf4j;
    requires pickle;
    requires us.hebi.matlab.mat.mfl.core;

    exports io.usrnet.core;
    exports io.usrnet.core.io;
    exports io.usrnet.core.metrics;
    exports io.usrnet.core.weights;
}
