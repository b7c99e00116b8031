/**
 * Training USRNet in Java with DJL (PyTorch engine, CPU).
 *
 * <ul>
 * <li>{@link io.usrnet.train.DjlDataStep}: the closed-form data step on batched DJL arrays,
 *     differentiable with respect to the estimate and α;</li>
 * <li>{@link io.usrnet.train.HyperBlock}: the trainable hyper-network;</li>
 * <li>{@link io.usrnet.train.UsrnetTrainingBlock}: the whole unfolded network (hyper-network,
 *     data steps, ResUNet prior) as one block whose weights move to and from
 *     {@link io.usrnet.core.weights.ModelWeights} in the original layout;</li>
 * <li>{@link io.usrnet.train.TrainingImages} and {@link io.usrnet.train.TrainingSampler}:
 *     images held in memory and seeded synthetic degradations following the USRNet recipe;</li>
 * <li>{@link io.usrnet.train.Trainer} with {@link io.usrnet.train.TrainingConfig}: Adam, L1
 *     loss, denoiser pre-training, end-to-end training, validation on held-out training images,
 *     checkpoints and exact resumption.</li>
 * </ul>
 */
package io.usrnet.train;
