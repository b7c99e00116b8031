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
 *
 * <p><b>A rule for code in the training graph (issue 11).</b> Do not give a DJL array operation a
 * {@code Number} operand ({@code x.mul(2)}, {@code x.div(n)}, ...) on arrays that require gradients.
 * DJL wraps the number in a tensor over a Java direct buffer (PyTorch {@code from_blob}: PyTorch
 * does not own the memory) and closes it as soon as the operation returns; autograd keeps that
 * tensor for the backward pass (the derivative of {@code x·c} needs {@code c}), and once the Java
 * garbage collector has released the buffer, backward multiplies by whatever the memory then
 * holds: gradients a few percent off, or NaN, depending on when the collector ran. This was the
 * cause of the NaN and non-deterministic training runs; {@code TrainingParityTest} collects
 * garbage and overwrites freed native memory between forward and backward to keep it out. Use
 * operations with no scalar operand ({@code mean()} for {@code sum()/n}) or an array the engine owns
 * ({@code manager.full(shape, value)}).
 */
package io.usrnet.train;
