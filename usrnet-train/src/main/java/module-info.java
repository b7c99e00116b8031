/**
 * Training and fine-tuning of the unfolding network in Java, on DJL's PyTorch engine. Unlike the
 * library modules, its API holds DJL types (the network as DJL blocks). It is the one module that
 * {@code usrnet.prior} exports its DJL package {@code io.usrnet.prior.djl} to.
 *
 * <p>DJL's jars are automatic modules (they declare no module), hence requires-automatic and
 * requires-transitive-automatic.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module usrnet.train {
    requires transitive usrnet.core;
    requires transitive ai.djl.api;
    requires ai.djl.pytorch_engine;
    requires transitive com.google.gson;

    exports io.usrnet.train;
}
