/** The hyper-network of USRNet: the per-iteration weights α and β from the scale and noise level. */
module usrnet.hyper {
    exports io.usrnet.hyper;
}
