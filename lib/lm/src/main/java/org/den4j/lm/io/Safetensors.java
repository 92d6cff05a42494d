package org.den4j.lm.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.den4j.lm.ModelFileException;

/**
 * Writes safetensors files, single or sharded with a {@code model.safetensors.index.json}.
 *
 * <p>Files are written to a temporary name beside the target and then moved into place, so a
 * reader never sees a half-written file. Read with {@link SafetensorsFile} or {@link SafetensorsFolder}.
 *
 * <pre>
 * Map&lt;String, Tensor&gt; tensors = new LinkedHashMap&lt;&gt;();
 * tensors.put("model.norm.weight", Tensor.ofFloats(DType.BF16, new long[] {64}, values));
 * Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
 * </pre>
 */
public final class Safetensors {
    /** Name of a single-file model's weights. */
    public static final String MODEL_FILE = "model.safetensors";
    /** Name of the index of a sharded model's weights. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {
    }

    /**
     * Writes {@code tensors} (in map order) and {@code metadata} to {@code file}, atomically.
     *
     * @throws ModelFileException when the file cannot be written
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
            }
            Tensor t = e.getValue();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long size = t.data().remaining();
            entry.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new ModelFileException(file, null, "Cannot encode the safetensors header for " + file, e);
        }
        // Pad the header with spaces to a multiple of 8 so the data is aligned, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeFully(out, head);
                for (Tensor t : tensors.values()) {
                    writeFully(out, t.data());
                }
                out.force(false);
            }
            moveIntoPlace(tmp, file);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new ModelFileException(file, null, "Cannot write safetensors file " + file + ": " + e, e);
        }
    }

    /**
     * Writes {@code tensors} into {@code dir} as {@code model.safetensors} when they fit in
     * {@code maxShardBytes}, else as {@code model-0000i-of-0000n.safetensors} shards plus
     * {@code model.safetensors.index.json} (written last).
     *
     * @return the files written, index last
     */
    public static List<Path> writeModel(Path dir, Map<String, Tensor> tensors, Map<String, String> metadata,
            long maxShardBytes) {
        List<Map<String, Tensor>> shards = new ArrayList<>();
        Map<String, Tensor> current = new LinkedHashMap<>();
        long currentBytes = 0;
        long total = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long size = e.getValue().data().remaining();
            if (!current.isEmpty() && currentBytes + size > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += size;
            total += size;
        }
        shards.add(current);
        List<Path> written = new ArrayList<>();
        if (shards.size() == 1) {
            Path file = dir.resolve(MODEL_FILE);
            write(file, tensors, metadata);
            written.add(file);
            return written;
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            Path file = dir.resolve(name);
            write(file, shards.get(i), metadata);
            written.add(file);
            for (String tensor : shards.get(i).keySet()) {
                weightMap.put(tensor, name);
            }
        }
        Path indexFile = dir.resolve(INDEX_FILE);
        try {
            writeAtomically(indexFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index));
        } catch (IOException e) {
            throw new ModelFileException(indexFile, null, "Cannot write " + indexFile + ": " + e, e);
        }
        written.add(indexFile);
        return written;
    }

    /** Writes {@code text} as UTF-8 to {@code file} through a temporary file and a move. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            moveIntoPlace(tmp, file);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private static void moveIntoPlace(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            out.write(data);
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the write already failed and that error is reported
            }
        }
    }
}
