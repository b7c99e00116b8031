/**
 * The prior of USRNet: the ResUNet denoiser (PROTOCOL §6.5) on DJL's PyTorch engine.
 *
 * <ul>
 *   <li>{@link io.usrnet.prior.ResUNetConfig}: the architecture (widths, blocks, channels) and the
 *       original {@code state_dict} names and shapes of its weights.</li>
 *   <li>{@link io.usrnet.prior.ResUNet}: inference on planar {@code float[]} images; thread-safe,
 *       {@code AutoCloseable}.</li>
 *   <li>{@link io.usrnet.prior.ResUNetBlock}, {@link io.usrnet.prior.ResBlock},
 *       {@link io.usrnet.prior.ConvTranspose2x2}: the network as DJL blocks with real parameters,
 *       for training.</li>
 * </ul>
 *
 * <p>DJL makes network calls at engine start-up unless the system property
 * {@code ai.djl.offline} is {@code true}. The classes of this package set it when it is absent,
 * in static initializers that run before they touch any DJL engine class; an application that uses
 * DJL before this package should pass {@code -Dai.djl.offline=true} itself. Nothing is ever
 * downloaded: the PyTorch native library comes from the {@code pytorch-native-cpu} jar on the class
 * path.
 */
package io.usrnet.prior;
