package org.den4j.lm.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.den4j.lm.ModelFileException;

/**
 * The architecture of a Qwen2-family model, as in a Hugging Face {@code config.json} with
 * {@code "model_type": "qwen2"}.
 *
 * <p>Required keys: {@code vocab_size}, {@code hidden_size}, {@code intermediate_size},
 * {@code num_hidden_layers}, {@code num_attention_heads}, {@code num_key_value_heads}. Others take
 * the Transformers defaults ({@code rms_norm_eps} 1e-6, {@code rope_theta} 10000,
 * {@code tie_word_embeddings} false, {@code max_position_embeddings} 32768).
 *
 * <p>Sizes are checked against sane maxima before anything is allocated for them, so that a damaged or
 * hostile {@code config.json} is a clear error instead of an exhausted heap: {@code vocab_size} at most
 * {@value #MAX_VOCAB_SIZE}, {@code hidden_size} at most {@value #MAX_HIDDEN_SIZE}, {@code intermediate_size}
 * at most {@value #MAX_INTERMEDIATE_SIZE}, {@code num_hidden_layers} at most {@value #MAX_LAYERS},
 * {@code max_position_embeddings} at most {@value #MAX_POSITIONS} (real Qwen2 models are far below each), and
 * the file itself at most {@value #MAX_FILE_BYTES} bytes.
 *
 * <pre>
 * Qwen2Config tiny = Qwen2Config.of(512, 64, 128, 2, 4, 2);   // vocab, hidden, intermediate, layers, heads, kv heads
 * tiny.write(dir.resolve("config.json"));
 * Qwen2Config read = Qwen2Config.read(dir.resolve("config.json"));
 * </pre>
 *
 * @param vocabSize rows of the embedding and of the LM head
 * @param hiddenSize width of the residual stream
 * @param intermediateSize width of the SwiGLU MLP
 * @param numHiddenLayers decoder layers
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads key/value heads (grouped-query attention); divides {@code numAttentionHeads}
 * @param rmsNormEps epsilon of every RMSNorm
 * @param ropeTheta base of the rotary embedding frequencies
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param maxPositionEmbeddings longest sequence the model is meant for
 * @param bosTokenId beginning-of-sequence token, or {@code null}
 * @param eosTokenIds end-of-sequence tokens (may be empty)
 * @param torchDtype dtype the weights were saved in ({@code bfloat16}, {@code float16}, {@code float32})
 */
public record Qwen2Config(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
        int numAttentionHeads, int numKeyValueHeads, double rmsNormEps, double ropeTheta, boolean tieWordEmbeddings,
        int maxPositionEmbeddings, Integer bosTokenId, List<Integer> eosTokenIds, String torchDtype) {

    /** The file name in a model folder. */
    public static final String FILE = "config.json";
    /** The largest {@code vocab_size} read (Qwen2's is 151,936). */
    public static final int MAX_VOCAB_SIZE = 1 << 24;
    /** The largest {@code hidden_size} read (Qwen2-72B's is 8,192). */
    public static final int MAX_HIDDEN_SIZE = 1 << 16;
    /** The largest {@code intermediate_size} read (Qwen2-72B's is 29,568). */
    public static final int MAX_INTERMEDIATE_SIZE = 1 << 20;
    /** The largest {@code num_hidden_layers} read (Qwen2-72B has 80). */
    public static final int MAX_LAYERS = 1 << 10;
    /** The largest {@code max_position_embeddings} read (Qwen2.5-1M's is 1,010,000). */
    public static final int MAX_POSITIONS = 1 << 24;
    /** The largest {@code config.json} read, in bytes. */
    public static final int MAX_FILE_BYTES = 1 << 24;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Checks the values are consistent.
     *
     * @throws IllegalArgumentException naming the key at fault
     */
    public Qwen2Config {
        eosTokenIds = List.copyOf(eosTokenIds);
        torchDtype = torchDtype == null ? "float32" : torchDtype;
        String problem = problem(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, rmsNormEps, ropeTheta, maxPositionEmbeddings);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** A config with the given sizes, untied embeddings, eps 1e-6, theta 10000, 2048 positions, float32. */
    public static Qwen2Config of(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
            int numAttentionHeads, int numKeyValueHeads) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, 1e-6, 10000.0, false, 2048, null, List.of(), "float32");
    }

    /** Width of one attention head, {@code hiddenSize / numAttentionHeads}. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** This config with {@code tieWordEmbeddings} set. */
    public Qwen2Config withTiedEmbeddings(boolean tied) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, rmsNormEps, ropeTheta, tied, maxPositionEmbeddings, bosTokenId, eosTokenIds,
                torchDtype);
    }

    /** This config with the given special token ids. */
    public Qwen2Config withSpecialTokens(Integer bosTokenId, List<Integer> eosTokenIds) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, rmsNormEps, ropeTheta, tieWordEmbeddings, maxPositionEmbeddings, bosTokenId,
                eosTokenIds, torchDtype);
    }

    /** This config with {@code rope_theta}, {@code rms_norm_eps} and {@code max_position_embeddings} set. */
    public Qwen2Config withRope(double ropeTheta, double rmsNormEps, int maxPositionEmbeddings) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, rmsNormEps, ropeTheta, tieWordEmbeddings, maxPositionEmbeddings, bosTokenId,
                eosTokenIds, torchDtype);
    }

    /** This config with {@code torch_dtype} set ({@code bfloat16}, {@code float16} or {@code float32}). */
    public Qwen2Config withTorchDtype(String torchDtype) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, rmsNormEps, ropeTheta, tieWordEmbeddings, maxPositionEmbeddings, bosTokenId,
                eosTokenIds, torchDtype);
    }

    /** Number of parameters (weights of embedding, layers, final norm and, when untied, the LM head). */
    public long parameterCount() {
        long h = hiddenSize;
        long kv = (long) numKeyValueHeads * headDim();
        long attention = h * h + h + 2 * (h * kv + kv) + h * h;
        long mlp = 3 * h * intermediateSize;
        long layer = attention + mlp + 2 * h;
        long embed = (long) vocabSize * h;
        return embed + numHiddenLayers * layer + h + (tieWordEmbeddings ? 0 : embed);
    }

    private static String problem(int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads,
            double eps, double theta, int maxPositions) {
        if (vocab <= 0 || vocab > MAX_VOCAB_SIZE) {
            return "vocab_size must be between 1 and " + MAX_VOCAB_SIZE + ", got " + vocab;
        }
        if (hidden <= 0 || hidden > MAX_HIDDEN_SIZE) {
            return "hidden_size must be between 1 and " + MAX_HIDDEN_SIZE + ", got " + hidden;
        }
        if (intermediate <= 0 || intermediate > MAX_INTERMEDIATE_SIZE) {
            return "intermediate_size must be between 1 and " + MAX_INTERMEDIATE_SIZE + ", got " + intermediate;
        }
        if (layers <= 0 || layers > MAX_LAYERS) {
            return "num_hidden_layers must be between 1 and " + MAX_LAYERS + ", got " + layers;
        }
        if (heads <= 0) {
            return "num_attention_heads must be positive, got " + heads;
        }
        if (kvHeads <= 0) {
            return "num_key_value_heads must be positive, got " + kvHeads;
        }
        if (hidden % heads != 0) {
            return "num_attention_heads (" + heads + ") must divide hidden_size (" + hidden + ")";
        }
        if ((hidden / heads) % 2 != 0) {
            return "hidden_size / num_attention_heads (" + hidden / heads + ") must be even for rotary embeddings";
        }
        if (heads % kvHeads != 0) {
            return "num_key_value_heads (" + kvHeads + ") must divide num_attention_heads (" + heads + ")";
        }
        if (!(eps > 0)) {
            return "rms_norm_eps must be positive, got " + eps;
        }
        if (!(theta > 0)) {
            return "rope_theta must be positive, got " + theta;
        }
        if (maxPositions <= 0 || maxPositions > MAX_POSITIONS) {
            return "max_position_embeddings must be between 1 and " + MAX_POSITIONS + ", got " + maxPositions;
        }
        return null;
    }

    /**
     * Reads a {@code config.json}, or the one inside {@code path} when it is a folder.
     *
     * @throws ModelFileException when the file is missing, not JSON, not a Qwen2 config, lacks a
     *     required key or has inconsistent values; the message names the key and the file
     */
    public static Qwen2Config read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FILE) : path;
        JsonNode root;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ModelFileException(file, null, "Model config " + file + " has " + Files.size(file)
                        + " bytes, more than the " + MAX_FILE_BYTES + " a config.json may have; it is not a "
                        + "model config");
            }
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, null, "Model config " + file + " does not exist; a Hugging Face "
                    + "model folder needs config.json beside its safetensors", e);
        } catch (IOException e) {
            throw new ModelFileException(file, null, "Model config " + file + " is not valid JSON: " + e.getMessage(),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(file, null, "Model config " + file + " is not a JSON object");
        }
        JsonNode type = root.get("model_type");
        if (type != null && !type.asText().equals("qwen2")) {
            throw new ModelFileException(file, "model_type", "Model config " + file + " has model_type \""
                    + type.asText() + "\"; den4j runs Qwen2-architecture models (model_type \"qwen2\")");
        }
        JsonNode act = root.get("hidden_act");
        if (act != null && !act.asText().equals("silu")) {
            throw new ModelFileException(file, "hidden_act", "Model config " + file + " has hidden_act \""
                    + act.asText() + "\"; Qwen2 uses \"silu\"");
        }
        JsonNode scaling = root.get("rope_scaling");
        if (scaling != null && !scaling.isNull()) {
            throw new ModelFileException(file, "rope_scaling", "Model config " + file + " sets rope_scaling "
                    + scaling + ", which den4j does not support; remove it or set it to null");
        }
        int vocab = requiredInt(root, file, "vocab_size");
        int hidden = requiredInt(root, file, "hidden_size");
        int intermediate = requiredInt(root, file, "intermediate_size");
        int layers = requiredInt(root, file, "num_hidden_layers");
        int heads = requiredInt(root, file, "num_attention_heads");
        int kvHeads = requiredInt(root, file, "num_key_value_heads");
        double eps = optionalDouble(root, file, "rms_norm_eps", 1e-6);
        double theta = optionalDouble(root, file, "rope_theta", 10000.0);
        int maxPositions = root.has("max_position_embeddings")
                ? requiredInt(root, file, "max_position_embeddings") : 32768;
        JsonNode tied = root.get("tie_word_embeddings");
        if (tied != null && !tied.isBoolean()) {
            throw new ModelFileException(file, "tie_word_embeddings", "Model config " + file
                    + " has tie_word_embeddings " + tied + "; use true or false");
        }
        JsonNode headDim = root.get("head_dim");
        if (headDim != null && !headDim.isNull() && heads > 0 && headDim.asInt() != hidden / heads) {
            throw new ModelFileException(file, "head_dim", "Model config " + file + " has head_dim "
                    + headDim.asInt() + " but hidden_size / num_attention_heads is " + (heads == 0 ? 0 : hidden / heads)
                    + "; Qwen2 needs them equal");
        }
        Integer bos = root.hasNonNull("bos_token_id") ? root.get("bos_token_id").asInt() : null;
        List<Integer> eos = new ArrayList<>();
        JsonNode eosNode = root.get("eos_token_id");
        if (eosNode != null && eosNode.isArray()) {
            eosNode.forEach(n -> eos.add(n.asInt()));
        } else if (eosNode != null && eosNode.isIntegralNumber()) {
            eos.add(eosNode.asInt());
        }
        String dtype = root.hasNonNull("torch_dtype") ? root.get("torch_dtype").asText() : "float32";
        String problem = problem(vocab, hidden, intermediate, layers, heads, kvHeads, eps, theta, maxPositions);
        if (problem != null) {
            String key = problem.substring(0, problem.indexOf(' '));
            throw new ModelFileException(file, key, "Model config " + file + ": " + problem);
        }
        return new Qwen2Config(vocab, hidden, intermediate, layers, heads, kvHeads, eps, theta,
                tied != null && tied.asBoolean(), maxPositions, bos, eos, dtype);
    }

    private static int requiredInt(JsonNode root, Path file, String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            throw new ModelFileException(file, key, "Model config " + file + " lacks \"" + key
                    + "\", which a Qwen2 config needs; add it (see the model's original config.json)");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ModelFileException(file, key, "Model config " + file + " has \"" + key + "\": " + n
                    + ", which is not an integer");
        }
        return n.asInt();
    }

    private static double optionalDouble(JsonNode root, Path file, String key, double defaultValue) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.isNumber()) {
            throw new ModelFileException(file, key, "Model config " + file + " has \"" + key + "\": " + n
                    + ", which is not a number");
        }
        return n.asDouble();
    }

    /** This config as Hugging Face {@code config.json} text ({@code Qwen2ForCausalLM}). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add("Qwen2ForCausalLM");
        root.put("model_type", "qwen2");
        root.put("attention_dropout", 0.0);
        if (bosTokenId != null) {
            root.put("bos_token_id", bosTokenId);
        }
        if (eosTokenIds.size() == 1) {
            root.put("eos_token_id", eosTokenIds.get(0));
        } else if (!eosTokenIds.isEmpty()) {
            ArrayNode eos = root.putArray("eos_token_id");
            eosTokenIds.forEach(eos::add);
        }
        root.put("hidden_act", "silu");
        root.put("hidden_size", hiddenSize);
        root.put("initializer_range", 0.02);
        root.put("intermediate_size", intermediateSize);
        root.put("max_position_embeddings", maxPositionEmbeddings);
        root.put("max_window_layers", numHiddenLayers);
        root.put("num_attention_heads", numAttentionHeads);
        root.put("num_hidden_layers", numHiddenLayers);
        root.put("num_key_value_heads", numKeyValueHeads);
        root.put("rms_norm_eps", rmsNormEps);
        root.putNull("rope_scaling");
        root.put("rope_theta", ropeTheta);
        root.putNull("sliding_window");
        root.put("tie_word_embeddings", tieWordEmbeddings);
        root.put("torch_dtype", torchDtype);
        root.put("use_cache", true);
        root.put("use_sliding_window", false);
        root.put("vocab_size", vocabSize);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@link #toJson()} to {@code file} atomically.
     *
     * @throws ModelFileException when it cannot be written
     */
    public void write(Path file) {
        try {
            Safetensors.writeAtomically(file, toJson());
        } catch (IOException e) {
            throw new ModelFileException(file, null, "Cannot write " + file + ": " + e, e);
        }
    }
}
