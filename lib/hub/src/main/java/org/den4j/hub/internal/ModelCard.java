package org.den4j.hub.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.den4j.den.DataType;
import org.den4j.den.HardwareRequirements;
import org.den4j.den.IoSpec;
import org.den4j.den.ModelMetadata;

/**
 * Registry metadata derived from a Hub snapshot: its {@code config.json} (architecture, model type, inputs
 * and outputs for the task, a parameter estimate) and its {@code README.md} front matter (license, tags).
 *
 * <p>Everything here is an estimate from configuration, not from the weights.
 */
public final class ModelCard {
    /** Bytes per parameter for the weights' dtype; 16-bit unless config.json says otherwise. */
    private static final Map<String, Integer> DTYPE_BYTES = Map.of("float32", 4, "float16", 2, "bfloat16", 2,
            "float64", 8, "int8", 1, "float8_e4m3fn", 1);
    /** Memory needed over the weights themselves: activations, buffers, the runtime. */
    public static final double MEMORY_OVERHEAD = 1.2;
    private static final Set<String> VISION = Set.of("vit", "deit", "beit", "swin", "swinv2", "convnext",
            "convnextv2", "resnet", "dinov2", "regnet", "efficientnet", "mobilenet_v2", "detr", "yolos",
            "segformer", "clip_vision_model", "siglip_vision_model", "dit", "levit", "poolformer");
    private static final Set<String> AUDIO = Set.of("whisper", "wav2vec2", "wav2vec2-bert", "hubert", "wavlm",
            "audio-spectrogram-transformer", "speecht5", "encodec", "clap", "seamless_m4t", "unispeech",
            "data2vec-audio", "musicgen");
    private static final Set<String> MULTIMODAL = Set.of("llava", "llava_next", "qwen2_vl", "qwen2_5_vl",
            "idefics", "idefics2", "idefics3", "paligemma", "blip", "blip-2", "clip", "siglip", "mllama",
            "gemma3", "pixtral", "kosmos-2");
    private static final Set<String> ENCODER_ONLY = Set.of("bert", "roberta", "distilbert", "albert", "electra",
            "deberta", "deberta-v2", "xlm-roberta", "camembert", "modernbert", "mpnet", "nomic_bert", "ernie");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private ModelCard() {
    }

    /** The parts of a model card's YAML front matter the registry uses. */
    public record FrontMatter(String license, List<String> tags, String pipelineTag, String libraryName) {
        public static final FrontMatter NONE = new FrontMatter(null, List.of(), null, null);
    }

    /** Reads {@code config.json}, or an empty map when the snapshot has none. */
    public static Map<String, Object> readConfig(Path snapshot) throws IOException {
        Path file = snapshot.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        return JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    /** Reads the YAML front matter of {@code README.md} (between leading {@code ---} lines), or nothing. */
    public static FrontMatter readFrontMatter(Path snapshot) throws IOException {
        Path file = snapshot.resolve("README.md");
        if (!Files.isRegularFile(file)) {
            return FrontMatter.NONE;
        }
        return frontMatter(Files.readString(file));
    }

    /** The front matter of a model card's text; {@link FrontMatter#NONE} when it has none or it is not YAML. */
    public static FrontMatter frontMatter(String readme) {
        List<String> lines = readme.lines().toList();
        if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
            return FrontMatter.NONE;
        }
        int end = -1;
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("---")) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return FrontMatter.NONE;
        }
        Map<String, Object> yaml;
        try {
            yaml = YAML.readValue(String.join("\n", lines.subList(1, end)),
                    new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException | RuntimeException e) {
            return FrontMatter.NONE;
        }
        if (yaml == null) {
            return FrontMatter.NONE;
        }
        List<String> tags = new ArrayList<>();
        for (String tag : strings(yaml.get("tags"))) {
            if (!tag.isBlank() && !tag.contains(",") && !tags.contains(tag.strip())) {
                tags.add(tag.strip());
            }
        }
        List<String> licenses = strings(yaml.get("license"));
        return new FrontMatter(licenses.isEmpty() ? null : String.join(" OR ", licenses), tags,
                text(yaml.get("pipeline_tag")), text(yaml.get("library_name")));
    }

    /**
     * The registry metadata of a snapshot with this configuration and model card.
     *
     * @param sourceUrl where the model came from
     * @param sizeBytes the sum of the snapshot's file sizes, or -1 when unknown (left out)
     */
    public static ModelMetadata metadata(Map<String, Object> config, FrontMatter card, String sourceUrl,
            long sizeBytes) {
        String architecture = firstArchitecture(config);
        String hfType = text(config.get("model_type"));
        ModelMetadata.Builder b = ModelMetadata.builder().architecture(architecture)
                .modelType(modelType(architecture, hfType, config)).hfConfig(config).sourceUrl(sourceUrl)
                .license(card.license());
        String dtype = text(config.get("torch_dtype"));
        if (dtype == null) {
            dtype = text(config.get("dtype"));
        }
        io(b, architecture, config, dtype);
        long parameters = parameterEstimate(config);
        if (parameters > 0) {
            b.extra("parameters_estimate", Long.toString(parameters));
            int bytes = DTYPE_BYTES.getOrDefault(dtype == null ? "" : dtype, 2);
            long memoryMb = Math.max(1, (long) Math.ceil(parameters * bytes * MEMORY_OVERHEAD / (1 << 20)));
            b.hardware(new HardwareRequirements(memoryMb, false, null, null, "estimate: " + bytes
                    + " bytes per parameter (" + (dtype == null ? "16-bit" : dtype) + ") x " + MEMORY_OVERHEAD));
        }
        if (sizeBytes >= 0) {
            b.extra("size_bytes", Long.toString(sizeBytes));
        }
        if (hfType != null) {
            b.extra("hf_model_type", hfType);
        }
        if (card.pipelineTag() != null) {
            b.extra("pipeline_tag", card.pipelineTag());
        }
        if (card.libraryName() != null) {
            b.extra("library_name", card.libraryName());
        }
        return b.build();
    }

    /** {@code architectures[0]}, or null. */
    static String firstArchitecture(Map<String, Object> config) {
        List<String> architectures = strings(config.get("architectures"));
        return architectures.isEmpty() ? null : architectures.get(0);
    }

    /**
     * The registry's model type: audio, vision and multimodal by the HF {@code model_type}, then by the
     * architecture's head: decoder-only for causal LMs, encoder-only for masked LMs and BERT-like models,
     * encoder-decoder for conditional generation with {@code is_encoder_decoder}; else the HF
     * {@code model_type} as free text.
     */
    public static String modelType(String architecture, String hfType, Map<String, Object> config) {
        String type = hfType == null ? "" : hfType.toLowerCase(Locale.ROOT);
        String arch = architecture == null ? "" : architecture;
        if (AUDIO.contains(type)) {
            return ModelMetadata.AUDIO;
        }
        if (VISION.contains(type)) {
            return ModelMetadata.VISION;
        }
        if (MULTIMODAL.contains(type)) {
            return ModelMetadata.MULTIMODAL;
        }
        if (arch.endsWith("ForCausalLM") || arch.endsWith("LMHeadModel")) {
            return ModelMetadata.DECODER_ONLY;
        }
        if (Boolean.TRUE.equals(config.get("is_encoder_decoder"))
                && (arch.endsWith("ForConditionalGeneration") || arch.endsWith("Seq2SeqLM") || arch.isEmpty())) {
            return ModelMetadata.ENCODER_DECODER;
        }
        if (arch.endsWith("ForMaskedLM") || ENCODER_ONLY.contains(type)) {
            return ModelMetadata.ENCODER_ONLY;
        }
        return hfType;
    }

    private static void io(ModelMetadata.Builder b, String architecture, Map<String, Object> config, String dtype) {
        if (architecture == null) {
            return;
        }
        long vocab = number(config.get("vocab_size"), -1);
        long hidden = number(config.get("hidden_size"), number(config.get("d_model"), -1));
        long labels = numLabels(config);
        IoSpec ids = new IoSpec("input_ids", DataType.TOKENS, List.of(-1L, -1L), "int64", "token ids, batch x sequence",
                false);
        IoSpec mask = new IoSpec("attention_mask", DataType.TOKENS, List.of(-1L, -1L), "int64",
                "1 for tokens to attend to, 0 for padding", true);
        String out = dtype == null ? "float32" : dtype;
        if (architecture.endsWith("ForCausalLM") || architecture.endsWith("LMHeadModel")
                || architecture.endsWith("ForMaskedLM")) {
            b.inputs(List.of(ids, mask)).outputs(List.of(new IoSpec("logits", DataType.LOGITS,
                    List.of(-1L, -1L, vocab), out, "next-token scores over the vocabulary", false)));
        } else if (architecture.endsWith("ForConditionalGeneration") || architecture.endsWith("Seq2SeqLM")) {
            if (Boolean.TRUE.equals(config.get("is_encoder_decoder"))
                    && !AUDIO.contains(String.valueOf(config.get("model_type")))) {
                b.inputs(List.of(ids, mask, new IoSpec("decoder_input_ids", DataType.TOKENS, List.of(-1L, -1L),
                        "int64", "decoder token ids, batch x sequence", false)))
                        .outputs(List.of(new IoSpec("logits", DataType.LOGITS, List.of(-1L, -1L, vocab), out,
                                "scores over the vocabulary", false)));
            }
        } else if (architecture.endsWith("ForSequenceClassification")) {
            b.inputs(List.of(ids, mask)).outputs(List.of(new IoSpec("logits", DataType.LOGITS,
                    List.of(-1L, labels), out, "class scores, batch x labels", false)));
        } else if (architecture.endsWith("ForTokenClassification")) {
            b.inputs(List.of(ids, mask)).outputs(List.of(new IoSpec("logits", DataType.LOGITS,
                    List.of(-1L, -1L, labels), out, "label scores per token", false)));
        } else if (architecture.endsWith("ForQuestionAnswering")) {
            b.inputs(List.of(ids, mask)).outputs(List.of(
                    new IoSpec("start_logits", DataType.LOGITS, List.of(-1L, -1L), out, "answer start scores", false),
                    new IoSpec("end_logits", DataType.LOGITS, List.of(-1L, -1L), out, "answer end scores", false)));
        } else if (architecture.endsWith("ForImageClassification")) {
            long size = number(config.get("image_size"), -1);
            b.inputs(List.of(new IoSpec("pixel_values", DataType.IMAGE,
                    List.of(-1L, number(config.get("num_channels"), 3), size, size), "float32",
                    "normalized pixels, batch x channels x height x width", false)))
                    .outputs(List.of(new IoSpec("logits", DataType.LOGITS, List.of(-1L, labels), out,
                            "class scores, batch x labels", false)));
        } else if (architecture.endsWith("Model") && vocab > 0 && hidden > 0) {
            b.inputs(List.of(ids, mask)).outputs(List.of(new IoSpec("last_hidden_state", DataType.EMBEDDINGS,
                    List.of(-1L, -1L, hidden), out, "hidden states, batch x sequence x hidden", false)));
        }
    }

    private static long numLabels(Map<String, Object> config) {
        if (config.get("id2label") instanceof Map<?, ?> labels && !labels.isEmpty()) {
            return labels.size();
        }
        return number(config.get("num_labels"), 2);
    }

    /**
     * The parameter count of a decoder-only transformer configuration, or 0 when the configuration lacks
     * the sizes: embeddings {@code vocab x hidden} (twice unless {@code tie_word_embeddings}), then per layer
     * attention (q and o {@code hidden^2} each; k and v {@code hidden x kv_heads x head_dim} each, which is
     * grouped-query attention when {@code num_key_value_heads < num_attention_heads}), a gated MLP
     * {@code 3 x hidden x intermediate} and two norms of {@code hidden}, plus the final norm. Biases are left out.
     */
    public static long parameterEstimate(Map<String, Object> config) {
        long vocab = number(config.get("vocab_size"), -1);
        long hidden = number(config.get("hidden_size"), -1);
        long layers = number(config.get("num_hidden_layers"), -1);
        long heads = number(config.get("num_attention_heads"), -1);
        long intermediate = number(config.get("intermediate_size"), -1);
        if (vocab <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || intermediate <= 0) {
            return 0;
        }
        long kvHeads = number(config.get("num_key_value_heads"), heads);
        long headDim = number(config.get("head_dim"), hidden / heads);
        boolean tied = Boolean.TRUE.equals(config.get("tie_word_embeddings"));
        long embeddings = vocab * hidden * (tied ? 1 : 2);
        long attention = 2 * hidden * heads * headDim + 2 * hidden * kvHeads * headDim;
        long mlp = 3 * hidden * intermediate;
        long norms = 2 * hidden;
        return embeddings + layers * (attention + mlp + norms) + hidden;
    }

    private static long number(Object value, long otherwise) {
        return value instanceof Number n ? n.longValue() : otherwise;
    }

    private static String text(Object value) {
        return value == null || value instanceof Map || value instanceof List || value.toString().isBlank() ? null
                : value.toString().strip();
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                if (o != null && !(o instanceof Map) && !(o instanceof List)) {
                    out.add(o.toString());
                }
            }
        } else if (text(value) != null) {
            out.add(text(value));
        }
        return out;
    }
}
