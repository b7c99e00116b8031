package io.usrnet.core;

import io.usrnet.data.Image;

/**
 * One finished iteration of the unfolded network.
 *
 * @param index 1-based iteration number
 * @param count number of iterations this restoration runs
 * @param alpha data-step weight α of this iteration
 * @param beta noise level β given to the prior in this iteration ([0,1] units)
 * @param z the data step's output (HR size)
 * @param x the prior's output, the new estimate (HR size)
 */
public record Iteration(int index, int count, double alpha, double beta, Image z, Image x) {
}
