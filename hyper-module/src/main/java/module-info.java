/** The hyper-network of USRNet: the per-iteration weights α and β from the scale and noise level. */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module usrnet.hyper {
    // EJML 0.46.1 jars name no module: these are the automatic names of their file names; no EJML
    // type appears in this module's API, so they are not passed on
    requires ejml.core;
    requires ejml.ddense;

    exports io.usrnet.hyper;
}
