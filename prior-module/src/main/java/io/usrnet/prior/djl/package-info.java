/**
 * The ResUNet prior as DJL blocks, and DJL's PyTorch engine as the prior starts it: for training
 * (the module {@code usrnet.prior} exports this package to {@code usrnet.train} only; on the class
 * path it is public like any other).
 *
 * <ul>
 *   <li>{@link io.usrnet.prior.djl.ResUNetBlock}, {@link io.usrnet.prior.djl.ResBlock},
 *       {@link io.usrnet.prior.djl.ConvTranspose2x2}: the network as DJL blocks with real
 *       parameters, differentiable throughout.</li>
 *   <li>{@link io.usrnet.prior.djl.DjlRuntime}: the engine, root managers and autograd mode; its
 *       static initializer makes the start-up settings described at
 *       {@link io.usrnet.prior.PriorEngine}.</li>
 * </ul>
 */
package io.usrnet.prior.djl;
