/**
 * The prior of USRNet, the ResUNet denoiser, on DJL's PyTorch engine.
 *
 * <p>Exports {@code io.usrnet.prior}, whose signatures hold no DJL type, to everyone, and
 * {@code io.usrnet.prior.djl} (the network as DJL blocks, DJL's engine as this module starts it) to
 * the training module only.
 *
 * <p>DJL's jars and JNA are automatic modules (they declare no module), hence requires-automatic;
 * usrnet.train is built after this module, hence "module not found" (both warnings expected).
 */
@SuppressWarnings({"requires-automatic", "module"})
module usrnet.prior {
    requires ai.djl.api;
    requires ai.djl.pytorch_engine;
    requires com.sun.jna;
    requires org.slf4j;

    exports io.usrnet.prior;
    exports io.usrnet.prior.djl to usrnet.train;

    // DjlRuntime looks for an SLF4J provider (to quiet SLF4J's notice when there is none)
    uses org.slf4j.spi.SLF4JServiceProvider;
}
