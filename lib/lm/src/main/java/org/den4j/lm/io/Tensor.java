package org.den4j.lm.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor's type, shape and raw little-endian bytes, as written to a safetensors file.
 *
 * @param dtype element type
 * @param shape dimensions, outermost first
 * @param data exactly {@code product(shape) * dtype.byteSize()} bytes from position to limit
 */
public record Tensor(DType dtype, long[] shape, ByteBuffer data) {
    public Tensor {
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n * dtype.byteSize() != data.remaining()) {
            throw new IllegalArgumentException("a " + dtype + " tensor of shape " + Arrays.toString(shape) + " needs "
                    + n * dtype.byteSize() + " bytes, got " + data.remaining());
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A floating-point tensor stored as {@code dtype} (values rounded to it). */
    public static Tensor ofFloats(DType dtype, long[] shape, float[] values) {
        return new Tensor(dtype, shape, dtype.fromFloats(values));
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The values as floats (floating-point types only). */
    public float[] toFloats() {
        return dtype.toFloats(data);
    }
}
