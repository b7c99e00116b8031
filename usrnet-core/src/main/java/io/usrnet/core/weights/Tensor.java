package io.usrnet.core.weights;

import java.util.Arrays;

/**
 * An immutable float32 tensor of a model's state: a shape and its elements in C order.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative tensor dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " needs " + n
                    + " elements, got " + data.length);
        }
        this.shape = shape;
        this.data = data;
    }

    /** A tensor holding copies of {@code shape} and {@code data}. */
    public static Tensor of(int[] shape, float[] data) {
        return new Tensor(shape.clone(), data.clone());
    }

    /** A tensor taking ownership of {@code data} (the caller must not modify it afterwards). */
    public static Tensor wrap(int[] shape, float[] data) {
        return new Tensor(shape.clone(), data);
    }

    /** The dimensions (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}. */
    public int dim(int i) {
        return shape[i];
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /** The elements in C order (a copy). */
    public float[] toArray() {
        return data.clone();
    }

    /** The elements without copying, for readers and writers of this package; never modify. */
    float[] data() {
        return data;
    }

    /** True if this tensor has exactly the given shape. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
