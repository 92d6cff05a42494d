package org.den4j.lm.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.den4j.lm.LmException;
import org.den4j.lm.io.DType;

/**
 * Tensor element types of GGUF files that den4j writes: F32, F16 and Q8_0.
 *
 * <p>Q8_0 stores blocks of 32 values as one F16 scale {@code d = max|x| / 127} followed by 32
 * signed bytes {@code round(x / d)}, as llama.cpp's reference quantiser does.
 */
public enum GgmlType {
    /** 32-bit floats. */
    F32(0, 1, 4),
    /** IEEE half floats, round to nearest even. */
    F16(1, 1, 2),
    /** 8-bit blocks of 32 with an F16 scale (34 bytes a block). */
    Q8_0(8, 32, 34);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The number ggml gives this type in files. */
    public int id() {
        return id;
    }

    /** Values per block (32 for Q8_0, else 1). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes that {@code elements} values take. */
    public long byteCount(long elements) {
        return elements / blockSize * blockBytes;
    }

    /**
     * The type with ggml number {@code id}.
     *
     * @throws LmException for types den4j does not read
     */
    public static GgmlType ofId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new LmException("ggml tensor type " + id + " is not one den4j reads (F32=0, F16=1, Q8_0=8)");
    }

    /**
     * The type named {@code name} ({@code f32}, {@code f16}, {@code q8_0}), case-insensitive.
     *
     * @throws LmException for another name
     */
    public static GgmlType ofName(String name) {
        for (GgmlType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new LmException("'" + name + "' is not a GGUF dtype den4j writes; use f32, f16 or q8_0");
    }

    /** The bytes of {@code values} in this type (length a multiple of the block size). */
    public ByteBuffer encode(float[] values) {
        switch (this) {
            case F32:
                return DType.F32.fromFloats(values);
            case F16:
                return DType.F16.fromFloats(values);
            default:
                return quantizeQ80(values);
        }
    }

    /** The values held by {@code data} in this type. */
    public float[] decode(ByteBuffer data, int elements) {
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case F32:
            case F16: {
                ByteBuffer slice = b.slice().order(ByteOrder.LITTLE_ENDIAN);
                slice.limit((int) byteCount(elements));
                return (this == F32 ? DType.F32 : DType.F16).toFloats(slice);
            }
            default: {
                float[] out = new float[elements];
                int blocks = elements / 32;
                int base = b.position();
                ByteBuffer scales = ByteBuffer.allocate(blocks * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (int k = 0; k < blocks; k++) {
                    scales.putShort(b.getShort(base + k * 34));
                }
                scales.flip();
                float[] d = DType.F16.toFloats(scales);
                for (int k = 0; k < blocks; k++) {
                    for (int j = 0; j < 32; j++) {
                        out[k * 32 + j] = d[k] * b.get(base + k * 34 + 2 + j);
                    }
                }
                return out;
            }
        }
    }

    private static ByteBuffer quantizeQ80(float[] values) {
        if (values.length % 32 != 0) {
            throw new LmException("Q8_0 needs rows whose length is a multiple of 32, got " + values.length + " values");
        }
        int blocks = values.length / 32;
        float[] scales = new float[blocks];
        for (int k = 0; k < blocks; k++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(values[k * 32 + j]));
            }
            scales[k] = amax / 127f;
        }
        ByteBuffer halfScales = DType.F16.fromFloats(scales);
        ByteBuffer out = ByteBuffer.allocate(blocks * 34).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < blocks; k++) {
            out.putShort(halfScales.getShort(k * 2));
            float inverse = scales[k] != 0 ? 1f / scales[k] : 0f;
            for (int j = 0; j < 32; j++) {
                float x = values[k * 32 + j] * inverse;
                // C's roundf: halves away from zero
                out.put((byte) (x < 0 ? -Math.floor(-x + 0.5f) : Math.floor(x + 0.5f)));
            }
        }
        out.flip();
        return out;
    }
}
