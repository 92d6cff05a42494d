package org.den4j.lm.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.SafetensorsFolder;
import org.den4j.lm.io.TensorInfo;

/**
 * Reads safetensors tensors into NDArrays of a compute type, converting in bounded chunks.
 *
 * <p>Peak extra memory is two chunk buffers, not a copy of the tensor: the target array is
 * allocated once and filled chunk by chunk. DJL's PyTorch binding aliases direct buffers instead
 * of copying them, so every chunk is copied into the target before the buffer is reused.
 */
public final class Weights {
    private final long chunkElements;
    private ByteBuffer raw;
    private ByteBuffer converted;

    /** @param chunkElements elements converted at a time */
    public Weights(long chunkElements) {
        this.chunkElements = chunkElements;
    }

    /** Tensor {@code name} of {@code folder} as a new array of {@code type} owned by {@code manager}. */
    public NDArray read(SafetensorsFolder folder, String name, NDManager manager, DataType type) {
        TensorInfo info = folder.tensor(name);
        long n = info.elementCount();
        NDArray target = manager.create(new Shape(info.shape()), type);
        target.setName(name);
        if (n == 0) {
            return target;
        }
        int chunk = (int) Math.min(n, chunkElements);
        DType src = info.dtype();
        int dstSize = type == DataType.FLOAT16 ? 2 : 4;
        raw = ensure(raw, chunk * src.byteSize());
        converted = ensure(converted, chunk * dstSize);
        boolean same = (src == DType.F32 && type == DataType.FLOAT32) || (src == DType.F16 && type == DataType.FLOAT16);
        NDArray flat = target.reshape(-1);
        try (NDManager scratch = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (long start = 0; start < n; start += chunk) {
                int count = (int) Math.min(chunk, n - start);
                ByteBuffer r = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                r.clear().limit(count * src.byteSize());
                folder.read(name, start * src.byteSize(), r);
                r.flip();
                ByteBuffer out;
                if (same) {
                    out = r;
                } else {
                    out = converted.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                    out.clear().limit(count * dstSize);
                    convert(src, r, type, out, count);
                    out.flip();
                }
                try (NDArray part = scratch.create(out, new Shape(count), type)) {
                    flat.set(new NDIndex("{}:{}", start, start + count), part);
                }
            }
        } finally {
            flat.close();
        }
        return target;
    }

    private static ByteBuffer ensure(ByteBuffer buffer, int bytes) {
        if (buffer != null && buffer.capacity() >= bytes) {
            return buffer;
        }
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void convert(DType src, ByteBuffer in, DataType dst, ByteBuffer out, int count) {
        for (int i = 0; i < count; i++) {
            float v = switch (src) {
                case F32 -> in.getFloat();
                case F16 -> DType.halfToFloat(in.getShort());
                case BF16 -> Float.intBitsToFloat((in.getShort() & 0xffff) << 16);
                case F64 -> (float) in.getDouble();
                default -> throw new IllegalArgumentException(src + " is not a floating-point type");
            };
            if (dst == DataType.FLOAT16) {
                out.putShort(DType.floatToHalf(v));
            } else {
                out.putFloat(v);
            }
        }
    }
}
