package org.den4j.lm.gguf;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.den4j.lm.ModelFileException;

/**
 * The header of a GGUF file (version 2 or 3), read back: metadata, tensor descriptions, and the
 * tensors' values on request.
 *
 * <p>Metadata values become Java values: integers as {@code Long} (or {@code Integer} for
 * 8/16/32-bit signed), floats as {@code Float}/{@code Double}, {@code Boolean}, {@code String},
 * and arrays as {@code List}. Tensor values are read from the file when asked for; only F32, F16
 * and Q8_0 tensors can be read.
 *
 * <pre>
 * GgufFile gguf = GgufFile.read(Path.of("model.gguf"));
 * String arch = (String) gguf.metadata().get("general.architecture");
 * float[] norm = gguf.floats("output_norm.weight");
 * </pre>
 */
public final class GgufFile {
    private static final int MAX_STRING = 1 << 28;
    private final Path file;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataOffset;

    private GgufFile(Path file, int version, Map<String, Object> metadata, Map<String, GgufTensorInfo> tensors,
            long dataOffset) {
        this.file = file;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.dataOffset = dataOffset;
    }

    /**
     * Reads the header of {@code file}.
     *
     * @throws ModelFileException if the file is missing, not GGUF, of another version, truncated,
     *     or describes tensors beyond its end
     */
    public static GgufFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFileException(file, null, "GGUF file " + file + " does not exist; export one with "
                    + "./jbang export-model --format gguf");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            Reader r = new Reader(in, file);
            byte[] magic = r.bytes(4);
            if (!Arrays.equals(magic, GgufWriter.MAGIC)) {
                throw new ModelFileException(file, null, "file " + file + " is not a GGUF file: it starts with "
                        + printable(magic) + " instead of 'GGUF'");
            }
            int version = (int) r.u32();
            if (version != 2 && version != 3) {
                throw new ModelFileException(file, null, "GGUF file " + file + " has version " + version
                        + "; den4j reads versions 2 and 3");
            }
            long tensorCount = r.u64();
            long kvCount = r.u64();
            if (tensorCount < 0 || tensorCount > 1 << 20 || kvCount < 0 || kvCount > 1 << 20) {
                throw new ModelFileException(file, null, "GGUF file " + file + " claims " + tensorCount
                        + " tensors and " + kvCount + " metadata entries; the header is corrupt");
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = r.string();
                int type = (int) r.u32();
                metadata.put(key, r.value(type, key));
            }
            Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
            for (long i = 0; i < tensorCount; i++) {
                String name = r.string();
                int nDims = (int) r.u32();
                if (nDims < 1 || nDims > 4) {
                    throw new ModelFileException(file, name, "GGUF tensor " + name + " in " + file + " has " + nDims
                            + " dimensions; ggml allows 1 to 4");
                }
                long[] dims = new long[nDims];
                for (int d = 0; d < nDims; d++) {
                    dims[d] = r.u64();
                }
                GgmlType type = GgmlType.ofId((int) r.u32());
                tensors.put(name, new GgufTensorInfo(name, dims, type, r.u64()));
            }
            Object alignmentValue = metadata.get("general.alignment");
            long alignment = alignmentValue instanceof Number n ? n.longValue() : GgufWriter.ALIGNMENT;
            long dataOffset = (r.position + alignment - 1) / alignment * alignment;
            long size = Files.size(file);
            for (GgufTensorInfo t : tensors.values()) {
                long end = dataOffset + t.offset() + t.type().byteCount(t.elementCount());
                if (t.offset() < 0 || end > size) {
                    throw new ModelFileException(file, t.name(), "GGUF tensor " + t.name() + " in " + file
                            + " ends at byte " + end + " but the file has " + size + " bytes; the file is truncated");
                }
            }
            return new GgufFile(file, version, metadata, tensors, dataOffset);
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot read GGUF file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder("'");
        for (byte x : b) {
            s.append(x >= 32 && x < 127 ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        }
        return s.append("'").toString();
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The format version (2 or 3). */
    public int version() {
        return version;
    }

    /** Metadata in file order. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** Tensor descriptions by name, in file order. */
    public Map<String, GgufTensorInfo> tensors() {
        return tensors;
    }

    /** Where the data section starts in the file. */
    public long dataOffset() {
        return dataOffset;
    }

    /**
     * The values of tensor {@code name}, dequantised to floats, in PyTorch (row-major) order.
     *
     * @throws ModelFileException if there is no such tensor or it cannot be read
     */
    public float[] floats(String name) {
        GgufTensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFileException(file, name, "GGUF file " + file + " has no tensor " + name);
        }
        long bytes = t.type().byteCount(t.elementCount());
        if (bytes > Integer.MAX_VALUE) {
            throw new ModelFileException(file, name, "GGUF tensor " + name + " is too large to read into one array");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            long at = dataOffset + t.offset();
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, at + buffer.position()) < 0) {
                    throw new EOFException("end of file inside tensor " + name);
                }
            }
            buffer.flip();
            return t.type().decode(buffer, (int) t.elementCount());
        } catch (IOException e) {
            throw new ModelFileException(file, name, "cannot read GGUF tensor " + name + " from " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /** Sequential little-endian reads that know their position. */
    private static final class Reader {
        private final InputStream in;
        private final Path file;
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long position;

        Reader(InputStream in, Path file) {
            this.in = in;
            this.file = file;
        }

        byte[] bytes(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length != n) {
                throw new ModelFileException(file, null, "GGUF file " + file + " ends early, inside its header at byte "
                        + (position + b.length) + "; the file is truncated");
            }
            position += n;
            return b;
        }

        private ByteBuffer fill(int n) throws IOException {
            scratch.clear();
            scratch.put(bytes(n));
            scratch.flip();
            return scratch;
        }

        long u32() throws IOException {
            return fill(4).getInt() & 0xFFFFFFFFL;
        }

        long u64() throws IOException {
            return fill(8).getLong();
        }

        String string() throws IOException {
            long n = u64();
            if (n < 0 || n > MAX_STRING) {
                throw new ModelFileException(file, null, "GGUF file " + file + " has a string of " + n
                        + " bytes at byte " + position + "; the header is corrupt");
            }
            return new String(bytes((int) n), StandardCharsets.UTF_8);
        }

        Object value(int typeId, String key) throws IOException {
            GgufValueType type = GgufValueType.ofId(typeId);
            if (type == null) {
                throw new ModelFileException(file, key, "GGUF key " + key + " in " + file + " has unknown value type "
                        + typeId);
            }
            switch (type) {
                case UINT8:
                    return (long) (bytes(1)[0] & 0xff);
                case INT8:
                    return (int) bytes(1)[0];
                case UINT16:
                    return (long) (fill(2).getShort() & 0xffff);
                case INT16:
                    return (int) fill(2).getShort();
                case UINT32:
                    return u32();
                case INT32:
                    return fill(4).getInt();
                case FLOAT32:
                    return fill(4).getFloat();
                case BOOL:
                    return bytes(1)[0] != 0;
                case STRING:
                    return string();
                case UINT64:
                case INT64:
                    return u64();
                case FLOAT64:
                    return fill(8).getDouble();
                default: {
                    int elementType = (int) u32();
                    long n = u64();
                    if (n < 0 || n > MAX_STRING) {
                        throw new ModelFileException(file, key, "GGUF key " + key + " in " + file + " claims an array of "
                                + n + " values; the header is corrupt");
                    }
                    List<Object> list = new ArrayList<>((int) Math.min(n, 1 << 20));
                    for (long i = 0; i < n; i++) {
                        list.add(value(elementType, key));
                    }
                    return list;
                }
            }
        }
    }
}
