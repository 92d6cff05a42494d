package org.den4j.lm.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.den4j.lm.ModelFileException;

/**
 * A safetensors file opened for reading: its header is parsed and checked at open, tensor data is
 * memory-mapped on demand.
 *
 * <p>The format: an unsigned 64-bit little-endian header length N, N bytes of JSON mapping each
 * tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the
 * end of the header) plus an optional {@code "__metadata__"} string map, then the raw
 * little-endian data.
 *
 * <pre>
 * try (SafetensorsFile st = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
 *     float[] w = st.floats("model.norm.weight");
 * }
 * </pre>
 *
 * <p>The caller closes it; buffers returned by {@link #data} stay valid after close (they are
 * mappings), but should not be kept longer than needed.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Headers larger than this are refused as corrupt (the reference implementation uses 100 MB). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens {@code file} and checks its header: the length, the JSON, every dtype, shape and
     * offset range.
     *
     * @throws ModelFileException when the file is missing or its header is malformed, naming the
     *     file and the tensor at fault
     */
    public static SafetensorsFile open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, null, "Safetensors file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ModelFileException(file, null, "Cannot open safetensors file " + file + ": " + e.getMessage(), e);
        }
        try {
            SafetensorsFile opened = parse(file, channel);
            return opened;
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    private static SafetensorsFile parse(Path file, FileChannel channel) {
        try {
            long size = channel.size();
            if (size < 8) {
                throw bad(file, null, "is " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > size - 8 || headerLength > MAX_HEADER_BYTES) {
                throw bad(file, null, "declares a header of " + Long.toUnsignedString(headerLength)
                        + " bytes but the file has " + (size - 8) + " bytes after the length field"
                        + " (limit " + MAX_HEADER_BYTES + "); the file is truncated or not safetensors");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            JsonNode root;
            try {
                root = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw bad(file, null, "has a header that is not valid JSON: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) {
                throw bad(file, null, "has a header that is not a JSON object");
            }
            long dataSize = size - 8 - headerLength;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<TensorInfo> list = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    if (!e.getValue().isObject()) {
                        throw bad(file, "__metadata__", "has a __metadata__ entry that is not an object of strings");
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> m = e.getValue().fields(); m.hasNext(); ) {
                        Map.Entry<String, JsonNode> kv = m.next();
                        if (!kv.getValue().isTextual()) {
                            throw bad(file, "__metadata__", "has __metadata__." + kv.getKey()
                                    + " that is not a string");
                        }
                        metadata.put(kv.getKey(), kv.getValue().asText());
                    }
                    continue;
                }
                list.add(tensorInfo(file, e.getKey(), e.getValue(), dataSize));
            }
            list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
            for (int i = 1; i < list.size(); i++) {
                TensorInfo prev = list.get(i - 1);
                TensorInfo cur = list.get(i);
                if (cur.begin() < prev.end()) {
                    throw bad(file, cur.name(), "has tensor '" + cur.name() + "' at bytes [" + cur.begin() + ", "
                            + cur.end() + ") overlapping tensor '" + prev.name() + "' at [" + prev.begin() + ", "
                            + prev.end() + ")");
                }
            }
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            for (TensorInfo t : list) {
                tensors.put(t.name(), t);
            }
            return new SafetensorsFile(file, channel, 8 + headerLength, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            throw new ModelFileException(file, null, "Cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    private static TensorInfo tensorInfo(Path file, String name, JsonNode node, long dataSize) {
        if (!node.isObject()) {
            throw bad(file, name, "has header entry '" + name + "' that is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw bad(file, name, "has tensor '" + name + "' without a string \"dtype\"");
        }
        DType dtype;
        try {
            dtype = DType.fromName(dtypeNode.asText());
        } catch (IllegalArgumentException e) {
            throw bad(file, name, "has tensor '" + name + "' with an unknown dtype: " + e.getMessage());
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw bad(file, name, "has tensor '" + name + "' without a \"shape\" array");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw bad(file, name, "has tensor '" + name + "' with shape " + shapeNode
                        + ": dimensions must be non-negative integers");
            }
            shape[i] = d.asLong();
            elements = multiply(file, name, shapeNode, elements, shape[i]);
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber()) {
            throw bad(file, name, "has tensor '" + name + "' without \"data_offsets\": [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw bad(file, name, "has tensor '" + name + "' with data_offsets [" + begin + ", " + end
                    + "] out of range: the data section has " + dataSize + " bytes; the file is truncated or"
                    + " its header is wrong");
        }
        // Overflow-checked: a shape like [2^62] must not wrap around to the 0 bytes its data_offsets give.
        long expected = multiply(file, name, shapeNode, elements, dtype.byteSize());
        if (end - begin != expected) {
            throw bad(file, name, "has tensor '" + name + "' of " + dtype + " shape " + shapeNode + " that needs "
                    + expected + " bytes but data_offsets [" + begin + ", " + end + "] give " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long multiply(Path file, String name, JsonNode shape, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw bad(file, name, "has tensor '" + name + "' with shape " + shape + " whose size does not fit in "
                    + "64 bits; the header is damaged");
        }
    }

    private static ModelFileException bad(Path file, String entry, String what) {
        return new ModelFileException(file, entry, "Safetensors file " + file + " " + what);
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long pos = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static void closeQuietly(FileChannel channel, RuntimeException primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    /** The file this was opened from. */
    public Path file() {
        return file;
    }

    /** The {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensors in data order, by name. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** Whether the file holds a tensor called {@code name}. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * The header entry of tensor {@code name}.
     *
     * @throws ModelFileException when there is no such tensor
     */
    public TensorInfo tensor(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFileException(file, name, "Safetensors file " + file + " has no tensor '" + name
                    + "' (it has " + tensors.size() + " tensors" + (tensors.isEmpty() ? "" : ", e.g. '"
                    + tensors.keySet().iterator().next() + "'") + ")");
        }
        return t;
    }

    /**
     * The raw little-endian bytes of tensor {@code name}, a read-only memory mapping.
     *
     * @throws ModelFileException when there is no such tensor or it cannot be read
     */
    public ByteBuffer data(String name) {
        TensorInfo t = tensor(name);
        try {
            if (t.byteCount() == 0) {
                return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), t.byteCount())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelFileException(file, name, "Cannot read tensor '" + name + "' from " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads bytes of tensor {@code name}, from {@code byteOffset} into the tensor's data, until
     * {@code into} is full; no memory mapping is left behind.
     *
     * @throws ModelFileException when there is no such tensor, the range passes its end, or reading fails
     */
    public void read(String name, long byteOffset, ByteBuffer into) {
        TensorInfo t = tensor(name);
        if (byteOffset < 0 || byteOffset + into.remaining() > t.byteCount()) {
            throw new IllegalArgumentException("bytes [" + byteOffset + ", " + (byteOffset + into.remaining())
                    + ") are outside tensor '" + name + "' of " + t.byteCount() + " bytes");
        }
        try {
            readFully(channel, into, dataStart + t.begin() + byteOffset);
        } catch (IOException e) {
            throw new ModelFileException(file, name, "Cannot read tensor '" + name + "' from " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /** Tensor {@code name} with its bytes (a mapping, see {@link #data}). */
    public Tensor read(String name) {
        TensorInfo t = tensor(name);
        return new Tensor(t.dtype(), t.shape(), data(name));
    }

    /**
     * The values of floating-point tensor {@code name} as floats.
     *
     * @throws ModelFileException when there is no such tensor or it is not floating-point
     */
    public float[] floats(String name) {
        TensorInfo t = tensor(name);
        if (!t.dtype().isFloatingPoint()) {
            throw new ModelFileException(file, name, "Tensor '" + name + "' in " + file + " is " + t.dtype()
                    + ", not a floating-point type");
        }
        return t.dtype().toFloats(data(name));
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
