package org.den4j.lm.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.den4j.den.ProgressListener;
import org.den4j.lm.LmException;

/**
 * Writes a GGUF v3 file: the magic {@code GGUF}, version 3, typed key/value metadata, tensor
 * descriptions, then the tensor data, each aligned to {@value #ALIGNMENT} bytes (recorded as
 * {@code general.alignment}).
 *
 * <pre>
 * new GgufWriter()
 *     .putString("general.architecture", "qwen2")
 *     .putUInt32("qwen2.block_count", 2)
 *     .addTensor("token_embd.weight", new long[] {vocab, hidden}, GgmlType.F16, () -&gt; embeddings)
 *     .write(file, ProgressListener.NONE);
 * </pre>
 *
 * <p>Tensor values are asked for one tensor at a time while writing, so a model need not fit in
 * memory twice. The file is written beside its target and moved into place when complete. Not
 * thread-safe.
 */
public final class GgufWriter {
    /** Data alignment in bytes. */
    public static final int ALIGNMENT = 32;
    static final byte[] MAGIC = {'G', 'G', 'U', 'F'};
    static final int VERSION = 3;

    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();

    /** A writer with {@code general.alignment} set. */
    public GgufWriter() {
        putUInt32("general.alignment", ALIGNMENT);
    }

    private record Value(GgufValueType type, Object value) {
    }

    private record PendingTensor(String name, long[] dims, GgmlType type, Supplier<float[]> values) {
    }

    /** Sets a string value. */
    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    /** Sets an unsigned 32-bit value. */
    public GgufWriter putUInt32(String key, long value) {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new LmException("GGUF key " + key + ": " + value + " does not fit in uint32");
        }
        return put(key, GgufValueType.UINT32, value);
    }

    /** Sets a 32-bit float value. */
    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    /** Sets a boolean value. */
    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    /** Sets an array of strings. */
    public GgufWriter putStringArray(String key, List<String> values) {
        return put(key, GgufValueType.ARRAY, new Object[] {GgufValueType.STRING, List.copyOf(values)});
    }

    /** Sets an array of signed 32-bit integers. */
    public GgufWriter putInt32Array(String key, int[] values) {
        return put(key, GgufValueType.ARRAY, new Object[] {GgufValueType.INT32, values.clone()});
    }

    private GgufWriter put(String key, GgufValueType type, Object value) {
        if (key == null || key.isEmpty()) {
            throw new LmException("a GGUF metadata key must not be empty");
        }
        metadata.put(key, new Value(type, value));
        return this;
    }

    /**
     * Adds a tensor.
     *
     * @param name llama.cpp's name for it
     * @param shape dimensions in PyTorch order (outermost first); written reversed, as GGUF wants
     * @param type how to store it; Q8_0 needs the innermost dimension to be a multiple of 32
     * @param values called once while writing; must return {@code product(shape)} values
     * @throws LmException for a repeated name or a shape the type cannot store
     */
    public GgufWriter addTensor(String name, long[] shape, GgmlType type, Supplier<float[]> values) {
        for (PendingTensor t : tensors) {
            if (t.name.equals(name)) {
                throw new LmException("GGUF tensor " + name + " is added twice");
            }
        }
        if (shape.length == 0 || shape.length > 4) {
            throw new LmException("GGUF tensor " + name + " has " + shape.length + " dimensions; ggml takes 1 to 4");
        }
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[shape.length - 1 - i];
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new LmException("GGUF tensor " + name + " of shape " + Arrays.toString(shape) + " cannot be stored as "
                    + type + ": rows of " + dims[0] + " values are not a multiple of " + type.blockSize());
        }
        tensors.add(new PendingTensor(name, dims, type, values));
        return this;
    }

    /**
     * Writes the file: to a temporary file beside {@code file}, then moved over it.
     *
     * @param progress told of the tensor bytes written
     * @throws LmException if the file cannot be written or a tensor's values have the wrong count
     */
    public void write(Path file, ProgressListener progress) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            long[] offsets = new long[tensors.size()];
            long dataBytes = 0;
            for (int i = 0; i < tensors.size(); i++) {
                offsets[i] = dataBytes;
                PendingTensor t = tensors.get(i);
                dataBytes = align(dataBytes + t.type.byteCount(product(t.dims)));
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20)) {
                LittleEndian out = new LittleEndian(raw);
                out.bytes(MAGIC);
                out.u32(VERSION);
                out.u64(tensors.size());
                out.u64(metadata.size());
                for (Map.Entry<String, Value> e : metadata.entrySet()) {
                    out.string(e.getKey());
                    out.u32(e.getValue().type.id());
                    writeValue(out, e.getValue().type, e.getValue().value);
                }
                for (int i = 0; i < tensors.size(); i++) {
                    PendingTensor t = tensors.get(i);
                    out.string(t.name);
                    out.u32(t.dims.length);
                    for (long d : t.dims) {
                        out.u64(d);
                    }
                    out.u32(t.type.id());
                    out.u64(offsets[i]);
                }
                out.pad(ALIGNMENT);
                progress.start("write " + file.getFileName(), dataBytes);
                for (int i = 0; i < tensors.size(); i++) {
                    PendingTensor t = tensors.get(i);
                    float[] values = t.values.get();
                    if (values.length != product(t.dims)) {
                        throw new LmException("GGUF tensor " + t.name + " should have " + product(t.dims)
                                + " values, its source gave " + values.length);
                    }
                    ByteBuffer bytes = t.type.encode(values);
                    long n = bytes.remaining();
                    out.buffer(bytes);
                    out.pad(ALIGNMENT);
                    progress.advance(n);
                }
                progress.finish();
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new LmException("cannot write GGUF file " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one to report
                }
            }
        }
    }

    private static void writeValue(LittleEndian out, GgufValueType type, Object value) throws IOException {
        switch (type) {
            case STRING -> out.string((String) value);
            case UINT32 -> out.u32((Long) value);
            case FLOAT32 -> out.f32((Float) value);
            case BOOL -> out.u8((Boolean) value ? 1 : 0);
            case ARRAY -> {
                Object[] array = (Object[]) value;
                GgufValueType element = (GgufValueType) array[0];
                out.u32(element.id());
                if (element == GgufValueType.STRING) {
                    List<?> strings = (List<?>) array[1];
                    out.u64(strings.size());
                    for (Object s : strings) {
                        out.string((String) s);
                    }
                } else {
                    int[] ints = (int[]) array[1];
                    out.u64(ints.length);
                    for (int v : ints) {
                        out.u32(v & 0xFFFFFFFFL);
                    }
                }
            }
            default -> throw new IllegalStateException("unwritten GGUF type " + type);
        }
    }

    private static long product(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Little-endian primitives over a stream, counting bytes for padding. */
    private static final class LittleEndian {
        private final OutputStream out;
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        private long written;

        LittleEndian(OutputStream out) {
            this.out = out;
        }

        void bytes(byte[] b) throws IOException {
            out.write(b);
            written += b.length;
        }

        void buffer(ByteBuffer b) throws IOException {
            if (b.hasArray()) {
                out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                written += b.remaining();
            } else {
                byte[] copy = new byte[b.remaining()];
                b.duplicate().get(copy);
                bytes(copy);
            }
        }

        void u8(int v) throws IOException {
            out.write(v);
            written++;
        }

        void u32(long v) throws IOException {
            scratch.clear();
            scratch.putInt((int) v);
            out.write(scratch.array(), 0, 4);
            written += 4;
        }

        void f32(float v) throws IOException {
            scratch.clear();
            scratch.putFloat(v);
            out.write(scratch.array(), 0, 4);
            written += 4;
        }

        void u64(long v) throws IOException {
            scratch.clear();
            scratch.putLong(v);
            out.write(scratch.array(), 0, 8);
            written += 8;
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void pad(int alignment) throws IOException {
            while (written % alignment != 0) {
                u8(0);
            }
        }
    }
}
