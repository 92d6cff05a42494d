package org.den4j.lm.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.den4j.den.ProgressListener;
import org.den4j.lm.ModelFileException;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.SafetensorsFolder;
import org.den4j.lm.io.TensorInfo;
import org.den4j.lm.tokenizer.BpeTokenizer;

/**
 * Exports a Qwen2 Hugging Face model folder ({@code config.json}, safetensors,
 * {@code tokenizer.json}, optional {@code tokenizer_config.json}) to a GGUF v3 file that
 * llama.cpp and LM Studio load.
 *
 * <p>Metadata: {@code general.*}, the {@code qwen2.*} sizes, and the tokenizer as llama.cpp's
 * {@code gpt2} BPE with the {@code qwen2} pre-tokenizer (tokens, token types, merges, special
 * token ids, chat template). Tensors take llama.cpp's names ({@code token_embd},
 * {@code blk.N.attn_q}, ...); Qwen2's rotary embedding is NEOX style in llama.cpp, so Q and K
 * are written as they are. Norms and biases stay F32 whatever the chosen type; a matrix whose
 * rows Q8_0 cannot split into blocks of 32 is written as F16, as llama.cpp's converter does.
 *
 * <pre>
 * Qwen2GgufExport.export(modelDir, GgmlType.Q8_0, Path.of("model.gguf"), ProgressListener.NONE);
 * </pre>
 */
public final class Qwen2GgufExport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");
    private static final Map<String, String> LAYER_NAMES = Map.ofEntries(
            Map.entry("input_layernorm.weight", "attn_norm.weight"),
            Map.entry("self_attn.q_proj.weight", "attn_q.weight"),
            Map.entry("self_attn.q_proj.bias", "attn_q.bias"),
            Map.entry("self_attn.k_proj.weight", "attn_k.weight"),
            Map.entry("self_attn.k_proj.bias", "attn_k.bias"),
            Map.entry("self_attn.v_proj.weight", "attn_v.weight"),
            Map.entry("self_attn.v_proj.bias", "attn_v.bias"),
            Map.entry("self_attn.o_proj.weight", "attn_output.weight"),
            Map.entry("post_attention_layernorm.weight", "ffn_norm.weight"),
            Map.entry("mlp.gate_proj.weight", "ffn_gate.weight"),
            Map.entry("mlp.up_proj.weight", "ffn_up.weight"),
            Map.entry("mlp.down_proj.weight", "ffn_down.weight"));

    /** llama.cpp token types. */
    static final int TOKEN_NORMAL = 1;
    static final int TOKEN_CONTROL = 3;
    static final int TOKEN_UNUSED = 5;

    private Qwen2GgufExport() {
    }

    /**
     * Writes the GGUF file for the model in {@code modelDir}.
     *
     * @param type F32, F16 or Q8_0 for the matrices
     * @param out the .gguf file; written beside itself first, then moved into place
     * @throws ModelFileException if the folder lacks a file, its config is not Qwen2, a tensor is
     *     missing or has the wrong shape, or the tokenizer is larger than the model's vocabulary
     */
    public static void export(Path modelDir, GgmlType type, Path out, ProgressListener progress) {
        if (!Files.isDirectory(modelDir)) {
            throw new ModelFileException(modelDir, null, "model folder " + modelDir + " does not exist; pass a "
                    + "Hugging Face folder with config.json, model.safetensors and tokenizer.json");
        }
        Qwen2Config config = Qwen2Config.read(modelDir);
        BpeTokenizer tokenizer = BpeTokenizer.load(modelDir.resolve("tokenizer.json"));
        JsonNode tokenizerConfig = readTokenizerConfig(modelDir.resolve("tokenizer_config.json"));
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new ModelFileException(modelDir.resolve("tokenizer.json"), null, "the tokenizer in " + modelDir
                    + " has " + tokenizer.vocabSize() + " tokens but config.json says vocab_size "
                    + config.vocabSize() + "; the tokenizer does not belong to this model");
        }
        try (SafetensorsFolder weights = SafetensorsFolder.open(modelDir)) {
            checkEmbedding(weights, config, modelDir); // before the vocabulary-sized tables are allocated
            GgufWriter writer = new GgufWriter();
            writeModelMetadata(writer, config, type, modelDir.getFileName().toString());
            writeTokenizerMetadata(writer, tokenizer, tokenizerConfig, config);
            for (Map.Entry<String, String> e : tensorNames(weights, config, modelDir).entrySet()) {
                String hfName = e.getKey();
                TensorInfo info = weights.tensor(hfName);
                long[] shape = info.shape();
                GgmlType tensorType = shape.length == 1 ? GgmlType.F32
                        : type == GgmlType.Q8_0 && shape[shape.length - 1] % 32 != 0 ? GgmlType.F16 : type;
                writer.addTensor(e.getValue(), shape, tensorType, () -> weights.floats(hfName));
            }
            writer.write(out, progress);
        }
    }

    /** The embedding's shape must be config.json's {@code [vocab_size, hidden_size]}. */
    private static void checkEmbedding(SafetensorsFolder weights, Qwen2Config config, Path modelDir) {
        String name = "model.embed_tokens.weight";
        if (!weights.tensorNames().contains(name)) {
            throw new ModelFileException(modelDir, name, "the weights in " + modelDir + " have no " + name
                    + "; they are not a Qwen2 model's");
        }
        long[] shape = weights.tensor(name).shape();
        if (shape.length != 2 || shape[0] != config.vocabSize() || shape[1] != config.hiddenSize()) {
            throw new ModelFileException(modelDir.resolve(Qwen2Config.FILE), "vocab_size", "config.json in "
                    + modelDir + " says vocab_size " + config.vocabSize() + " and hidden_size "
                    + config.hiddenSize() + " but " + name + " has shape " + java.util.Arrays.toString(shape)
                    + "; the config does not belong to these weights");
        }
    }

    private static void writeModelMetadata(GgufWriter w, Qwen2Config c, GgmlType type, String name) {
        w.putString("general.architecture", "qwen2");
        w.putString("general.type", "model");
        w.putString("general.name", name);
        w.putUInt32("general.file_type", switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 7;
        });
        w.putUInt32("general.quantization_version", 2);
        w.putUInt32("qwen2.context_length", c.maxPositionEmbeddings());
        w.putUInt32("qwen2.embedding_length", c.hiddenSize());
        w.putUInt32("qwen2.block_count", c.numHiddenLayers());
        w.putUInt32("qwen2.feed_forward_length", c.intermediateSize());
        w.putUInt32("qwen2.attention.head_count", c.numAttentionHeads());
        w.putUInt32("qwen2.attention.head_count_kv", c.numKeyValueHeads());
        w.putFloat32("qwen2.rope.freq_base", (float) c.ropeTheta());
        w.putFloat32("qwen2.attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
    }

    private static void writeTokenizerMetadata(GgufWriter w, BpeTokenizer tokenizer, JsonNode tokenizerConfig,
            Qwen2Config config) {
        List<String> tokens = new ArrayList<>(tokenizer.tokens());
        int[] types = new int[config.vocabSize()];
        for (int i = 0; i < types.length; i++) {
            if (i >= tokens.size()) {
                tokens.add("[PAD" + i + "]");
                types[i] = TOKEN_UNUSED;
            } else {
                types[i] = tokenizer.isSpecial(i) ? TOKEN_CONTROL : TOKEN_NORMAL;
            }
        }
        w.putString("tokenizer.ggml.model", "gpt2");
        w.putString("tokenizer.ggml.pre", "qwen2");
        w.putStringArray("tokenizer.ggml.tokens", tokens);
        w.putInt32Array("tokenizer.ggml.token_type", types);
        w.putStringArray("tokenizer.ggml.merges", tokenizer.merges().stream().map(Object::toString).toList());
        String eos = text(tokenizerConfig, "eos_token", BpeTokenizer.END_OF_TEXT);
        String bos = text(tokenizerConfig, "bos_token", eos);
        String pad = text(tokenizerConfig, "pad_token", eos);
        int eosId = config.eosTokenIds().isEmpty() ? idOrNegative(tokenizer, eos) : config.eosTokenIds().get(0);
        int bosId = config.bosTokenId() != null ? config.bosTokenId() : idOrNegative(tokenizer, bos);
        int padId = idOrNegative(tokenizer, pad);
        if (eosId >= 0) {
            w.putUInt32("tokenizer.ggml.eos_token_id", eosId);
        }
        if (bosId >= 0) {
            w.putUInt32("tokenizer.ggml.bos_token_id", bosId);
        }
        if (padId >= 0) {
            w.putUInt32("tokenizer.ggml.padding_token_id", padId);
        }
        w.putBool("tokenizer.ggml.add_bos_token", tokenizerConfig != null
                && tokenizerConfig.path("add_bos_token").asBoolean(false));
        String template = text(tokenizerConfig, "chat_template", null);
        if (template != null) {
            w.putString("tokenizer.chat_template", template);
        }
    }

    private static int idOrNegative(BpeTokenizer tokenizer, String token) {
        return token != null && tokenizer.tokens().contains(token) ? tokenizer.idOf(token) : -1;
    }

    private static String text(JsonNode config, String key, String fallback) {
        if (config == null) {
            return fallback;
        }
        JsonNode v = config.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        // tokenizer_config.json may hold an AddedToken object instead of a string
        return v.isObject() ? v.path("content").asText(fallback) : v.asText();
    }

    private static JsonNode readTokenizerConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFileException(file, null, "tokenizer config " + file + " is not valid JSON: "
                    + e.getMessage(), e);
        }
    }

    /** HF tensor names to llama.cpp names, in llama.cpp's usual order; checks that none is missing. */
    static Map<String, String> tensorNames(SafetensorsFolder weights, Qwen2Config config, Path modelDir) {
        Map<String, String> names = new java.util.LinkedHashMap<>();
        Map<Integer, Map<String, String>> layers = new TreeMap<>();
        for (String hf : weights.tensorNames()) {
            if (hf.endsWith("rotary_emb.inv_freq")) {
                continue;
            }
            Matcher m = LAYER.matcher(hf);
            if (m.matches() && LAYER_NAMES.containsKey(m.group(2))) {
                int layer = Integer.parseInt(m.group(1));
                if (layer >= config.numHiddenLayers()) {
                    throw new ModelFileException(modelDir, hf, "tensor " + hf + " in " + modelDir + " belongs to layer "
                            + layer + " but config.json says num_hidden_layers " + config.numHiddenLayers());
                }
                layers.computeIfAbsent(layer, k -> new TreeMap<>()).put(hf, "blk." + layer + "." + LAYER_NAMES.get(m.group(2)));
            } else if (!hf.equals("model.embed_tokens.weight") && !hf.equals("model.norm.weight")
                    && !hf.equals("lm_head.weight")) {
                throw new ModelFileException(modelDir, hf, "tensor " + hf + " in " + modelDir + " is not a Qwen2 weight; "
                        + "is this a Qwen2 model (or an unmerged adapter)?");
            }
        }
        long h = config.hiddenSize();
        long kv = (long) config.numKeyValueHeads() * config.headDim();
        long ff = config.intermediateSize();
        require(weights, modelDir, "model.embed_tokens.weight", config.vocabSize(), h);
        names.put("model.embed_tokens.weight", "token_embd.weight");
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            String p = "model.layers." + layer + ".";
            require(weights, modelDir, p + "input_layernorm.weight", h);
            require(weights, modelDir, p + "self_attn.q_proj.weight", h, h);
            require(weights, modelDir, p + "self_attn.k_proj.weight", kv, h);
            require(weights, modelDir, p + "self_attn.v_proj.weight", kv, h);
            require(weights, modelDir, p + "self_attn.o_proj.weight", h, h);
            require(weights, modelDir, p + "post_attention_layernorm.weight", h);
            require(weights, modelDir, p + "mlp.gate_proj.weight", ff, h);
            require(weights, modelDir, p + "mlp.up_proj.weight", ff, h);
            require(weights, modelDir, p + "mlp.down_proj.weight", h, ff);
            String[] order = {"input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.q_proj.bias",
                "self_attn.k_proj.weight", "self_attn.k_proj.bias", "self_attn.v_proj.weight", "self_attn.v_proj.bias",
                "self_attn.o_proj.weight", "post_attention_layernorm.weight", "mlp.gate_proj.weight",
                "mlp.up_proj.weight", "mlp.down_proj.weight"};
            for (String suffix : order) {
                if (weights.contains(p + suffix)) {
                    names.put(p + suffix, "blk." + layer + "." + LAYER_NAMES.get(suffix));
                }
            }
        }
        require(weights, modelDir, "model.norm.weight", h);
        names.put("model.norm.weight", "output_norm.weight");
        if (!config.tieWordEmbeddings()) {
            require(weights, modelDir, "lm_head.weight", config.vocabSize(), h);
            names.put("lm_head.weight", "output.weight");
        }
        return names;
    }

    private static void require(SafetensorsFolder weights, Path modelDir, String name, long... shape) {
        if (!weights.contains(name)) {
            throw new ModelFileException(modelDir, name, "the weights in " + modelDir + " lack tensor " + name
                    + ", which config.json's sizes call for");
        }
        long[] actual = weights.tensor(name).shape();
        if (!Arrays.equals(actual, shape)) {
            throw new ModelFileException(modelDir, name, "tensor " + name + " in " + modelDir + " has shape "
                    + Arrays.toString(actual) + " but config.json's sizes call for " + Arrays.toString(shape));
        }
        if (!weights.tensor(name).dtype().isFloatingPoint()) {
            throw new ModelFileException(modelDir, name, "tensor " + name + " in " + modelDir + " is "
                    + weights.tensor(name).dtype() + "; GGUF export needs floating-point weights");
        }
    }
}
