package org.den4j.lm.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication and division by a constant that are safe under autograd.
 *
 * <p>DJL 0.35.1's {@code NDArray.mul(Number)} wraps the number in a tensor that borrows a Java
 * direct buffer and closes it right after the operation. PyTorch saves that tensor for the
 * backward pass, so once the garbage collector frees the buffer the gradient is computed from
 * freed memory (seen as NaN gradients at random steps). Here the constant is a tensor PyTorch owns.
 */
public final class Scalars {
    private Scalars() {
    }

    /** {@code x * value}. */
    public static NDArray mul(NDArray x, double value) {
        try (NDArray s = x.getManager().full(new Shape(), (float) value, x.getDataType())) {
            return x.mul(s.toDevice(x.getDevice(), false));
        }
    }

    /** {@code x / value}. */
    public static NDArray div(NDArray x, double value) {
        return mul(x, 1.0 / value);
    }
}
