package org.den4j.lm.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.den4j.lm.ModelFileException;

/**
 * The weights of a Hugging Face model folder: {@code model.safetensors}, or the shards listed by
 * {@code model.safetensors.index.json}, seen as one set of named tensors.
 *
 * <pre>
 * try (SafetensorsFolder weights = SafetensorsFolder.open(modelDir)) {
 *     TensorInfo embed = weights.tensor("model.embed_tokens.weight");
 * }
 * </pre>
 *
 * <p>The caller closes it, which closes every shard.
 */
public final class SafetensorsFolder implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Map<String, SafetensorsFile> byTensor;
    private final Map<String, SafetensorsFile> files;

    private SafetensorsFolder(Path dir, Map<String, SafetensorsFile> byTensor, Map<String, SafetensorsFile> files) {
        this.dir = dir;
        this.byTensor = byTensor;
        this.files = files;
    }

    /**
     * Opens the weights in {@code dir}: the index when there is one, else {@code model.safetensors}.
     *
     * @throws ModelFileException when neither exists, the index is malformed, or it names a tensor
     *     its shard does not hold
     */
    public static SafetensorsFolder open(Path dir) {
        Path index = dir.resolve(Safetensors.INDEX_FILE);
        Path single = dir.resolve(Safetensors.MODEL_FILE);
        Map<String, SafetensorsFile> files = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            if (Files.isRegularFile(index)) {
                JsonNode root;
                try {
                    root = JSON.readTree(index.toFile());
                } catch (IOException e) {
                    throw new ModelFileException(index, null, "Index " + index + " is not valid JSON: " + e.getMessage(),
                            e);
                }
                JsonNode map = root == null ? null : root.get("weight_map");
                if (map == null || !map.isObject()) {
                    throw new ModelFileException(index, "weight_map", "Index " + index
                            + " has no \"weight_map\" object mapping tensor names to shard files");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String shardName = e.getValue().asText();
                    Path shard = dir.resolve(shardName).normalize();
                    if (!shard.startsWith(dir.normalize()) || !Files.isRegularFile(shard)) {
                        throw new ModelFileException(index, e.getKey(), "Index " + index + " puts tensor '"
                                + e.getKey() + "' in shard '" + shardName + "', which is not a file in " + dir);
                    }
                    SafetensorsFile file = files.get(shardName);
                    if (file == null) {
                        file = SafetensorsFile.open(shard);
                        files.put(shardName, file);
                    }
                    if (!file.contains(e.getKey())) {
                        throw new ModelFileException(index, e.getKey(), "Index " + index + " puts tensor '"
                                + e.getKey() + "' in " + shard + ", which does not hold it");
                    }
                    byTensor.put(e.getKey(), file);
                }
            } else if (Files.isRegularFile(single)) {
                SafetensorsFile file = SafetensorsFile.open(single);
                files.put(Safetensors.MODEL_FILE, file);
                for (String name : file.tensors().keySet()) {
                    byTensor.put(name, file);
                }
            } else {
                throw new ModelFileException(dir, null, "No weights in " + dir + ": expected "
                        + Safetensors.MODEL_FILE + " or " + Safetensors.INDEX_FILE
                        + " (only safetensors are read; convert .bin/.pt weights with save_pretrained)");
            }
        } catch (RuntimeException e) {
            for (SafetensorsFile f : files.values()) {
                try {
                    f.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return new SafetensorsFolder(dir, Collections.unmodifiableMap(byTensor), Collections.unmodifiableMap(files));
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** Names of all tensors, in index (or file) order. */
    public Set<String> tensorNames() {
        return byTensor.keySet();
    }

    /** Whether a tensor called {@code name} exists. */
    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    /**
     * The header entry of tensor {@code name}.
     *
     * @throws ModelFileException when no file holds it
     */
    public TensorInfo tensor(String name) {
        return file(name).tensor(name);
    }

    /** Tensor {@code name} with its bytes (a read-only mapping). */
    public Tensor read(String name) {
        return file(name).read(name);
    }

    /** Reads bytes of tensor {@code name} into {@code into}, see {@link SafetensorsFile#read(String, long, java.nio.ByteBuffer)}. */
    public void read(String name, long byteOffset, java.nio.ByteBuffer into) {
        file(name).read(name, byteOffset, into);
    }

    /** The values of floating-point tensor {@code name} as floats. */
    public float[] floats(String name) {
        return file(name).floats(name);
    }

    /** Total bytes of tensor data. */
    public long byteCount() {
        long n = 0;
        for (SafetensorsFile f : files.values()) {
            for (TensorInfo t : f.tensors().values()) {
                n += t.byteCount();
            }
        }
        return n;
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new ModelFileException(dir, name, "The weights in " + dir + " have no tensor '" + name + "'");
        }
        return f;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (SafetensorsFile f : files.values()) {
            try {
                f.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
