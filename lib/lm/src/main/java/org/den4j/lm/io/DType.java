package org.den4j.lm.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Element types of safetensors files, named as in the format's header ({@code "F32"}, {@code "BF16"}, ...).
 *
 * <p>Conversion to and from {@code float} is offered for the floating-point types.
 */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether this is F64, F32, F16 or BF16. */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /**
     * The type named {@code name} in a safetensors header, case-insensitive.
     *
     * @throws IllegalArgumentException when the name is not a known type
     */
    public static DType fromName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "' is not a safetensors dtype; known: F64, F32, F16, "
                    + "BF16, I64, I32, I16, I8, U8, BOOL", e);
        }
    }

    /**
     * Decodes little-endian elements of this floating-point type into floats.
     *
     * @param data bytes from position to limit; not modified
     * @throws UnsupportedOperationException for integer types
     */
    public float[] toFloats(ByteBuffer data) {
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.remaining() / byteSize;
        float[] out = new float[n];
        switch (this) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble();
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(b.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                }
            }
            default -> throw new UnsupportedOperationException(this + " is not a floating-point type");
        }
        return out;
    }

    /**
     * Encodes floats as little-endian elements of this floating-point type (round to nearest even).
     *
     * @throws UnsupportedOperationException for integer types
     */
    public ByteBuffer fromFloats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * byteSize).order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case F32 -> b.asFloatBuffer().put(values);
            case F64 -> {
                for (float v : values) {
                    b.putDouble(v);
                }
            }
            case F16 -> {
                for (float v : values) {
                    b.putShort(floatToHalf(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    b.putShort(toBf16(v));
                }
            }
            default -> throw new UnsupportedOperationException(this + " is not a floating-point type");
        }
        b.rewind();
        return b;
    }

    /** IEEE 754 binary16 bits to float (Float.float16ToFloat needs Java 20). */
    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Float to IEEE 754 binary16 bits, round to nearest even, overflow to infinity. */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    private static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
