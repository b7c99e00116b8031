/**
 * The data step of USRNet and its building blocks: images, blur kernels, the degradation model and
 * the closed-form FFT solution ({@code io.usrnet.data}), and NumPy {@code .npy} files
 * ({@code io.usrnet.data.io}); estimators of the degradation from images (EJML).
 *
 * <p>JTransforms and EJML are automatic modules (they declare no module), hence requires-automatic.
 */
@SuppressWarnings("requires-automatic")
module usrnet.data {
    requires JTransforms;
    requires ejml.core;
    requires ejml.ddense;

    exports io.usrnet.data;
    exports io.usrnet.data.io;
}
