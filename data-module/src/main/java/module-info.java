/**
 * The data step of USRNet and its building blocks: images, blur kernels, the degradation model and
 * the closed-form FFT solution ({@code io.usrnet.data}), and NumPy {@code .npy} files
 * ({@code io.usrnet.data.io}).
 *
 * <p>JTransforms is an automatic module (it declares no module), hence requires-automatic.
 */
@SuppressWarnings("requires-automatic")
module usrnet.data {
    requires JTransforms;

    exports io.usrnet.data;
    exports io.usrnet.data.io;
}
