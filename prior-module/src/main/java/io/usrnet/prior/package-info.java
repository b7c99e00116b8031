/**
 * The prior of USRNet: the ResUNet denoiser (PROTOCOL §6.5) on DJL's PyTorch engine. No DJL type
 * appears in this package's signatures.
 *
 * <ul>
 *   <li>{@link io.usrnet.prior.ResUNetConfig}: the architecture (widths, blocks, channels) and the
 *       original {@code state_dict} names and shapes of its weights.</li>
 *   <li>{@link io.usrnet.prior.ResUNet}: inference on planar {@code float[]} images; thread-safe,
 *       {@code AutoCloseable}.</li>
 *   <li>{@link io.usrnet.prior.Tiling}: how {@code ResUNet.denoiseTiled} cuts an image into tiles.</li>
 *   <li>{@link io.usrnet.prior.PriorEngine}: the engine's start-up (offline mode, preloading the
 *       native library, starting it ahead of the first network).</li>
 *   <li>{@link io.usrnet.prior.EngineFaultException}: a non-finite result of the engine.</li>
 * </ul>
 *
 * <p>The network as DJL blocks with real parameters, for training, and DJL's engine itself are in
 * {@code io.usrnet.prior.djl}, which the module {@code usrnet.prior} exports to {@code usrnet.train}
 * only.
 *
 * <p>DJL makes network calls at engine start-up unless the system property
 * {@code ai.djl.offline} is {@code true}. The classes of this module set it when it is absent,
 * in static initializers that run before they touch any DJL engine class; an application that uses
 * DJL before this package should pass {@code -Dai.djl.offline=true} itself. Nothing is ever
 * downloaded: the PyTorch native library comes from the {@code pytorch-native-cpu} jar on the class
 * path.
 */
package io.usrnet.prior;
