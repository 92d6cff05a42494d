package org.den4j.lm.gguf;

import java.util.Arrays;

/**
 * A tensor as a GGUF file describes it.
 *
 * @param name llama.cpp's tensor name, such as {@code blk.0.attn_q.weight}
 * @param dims dimensions in GGUF order: the fastest-varying first (the reverse of PyTorch's shape)
 * @param type element type
 * @param offset byte offset of its data from the start of the file's data section
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset) {
    public GgufTensorInfo {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** The number of values. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** The dimensions in PyTorch order (outermost first). */
    public long[] shape() {
        long[] shape = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = dims[dims.length - 1 - i];
        }
        return shape;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && Arrays.equals(dims, t.dims)
                && type == t.type && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(dims) + " " + type + " @" + offset;
    }
}
