package org.den4j.den;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Registry metadata of a model: what it is, what it takes and gives, and what it needs.
 *
 * <pre>{@code
 * ModelMetadata meta = ModelMetadata.builder()
 *     .modelType(ModelMetadata.DECODER_ONLY).architecture("Qwen2ForCausalLM")
 *     .inputs(List.of(IoSpec.of("prompt", DataType.TEXT)))
 *     .outputs(List.of(IoSpec.of("icd_codes", DataType.TEXT)))
 *     .metric("f1_micro", 0.41).license("apache-2.0").build();
 * }</pre>
 *
 * @param displayName a human-readable name beside the id, for example {@code ICD coder (MIMIC-IV)}; null when none
 * @param modelType one of the known types ({@link #KNOWN_MODEL_TYPES}) or free text; null when unknown
 * @param architecture the architecture, for example {@code Qwen2ForCausalLM}
 * @param inputs the inputs
 * @param outputs the outputs
 * @param hfConfig the Hugging Face {@code config.json} contents, or empty
 * @param inferenceCode where the code that runs the model lives (a class, script or URL), or null
 * @param supportedBackends engines that run it, for example {@code pytorch}, {@code llama.cpp}
 * @param hardware hardware requirements
 * @param metrics performance metrics by name, for example {@code f1_micro}
 * @param sourceUrl where the model came from, or null
 * @param license the license identifier, or null
 * @param extra any other string properties
 */
public record ModelMetadata(String displayName, String modelType, String architecture, List<IoSpec> inputs,
        List<IoSpec> outputs, Map<String, Object> hfConfig, String inferenceCode, List<String> supportedBackends,
        HardwareRequirements hardware, Map<String, Double> metrics, String sourceUrl, String license,
        Map<String, String> extra) {
    public static final String LANGUAGE = "language";
    public static final String VISION = "vision";
    public static final String AUDIO = "audio";
    public static final String MULTIMODAL = "multimodal";
    public static final String EMBEDDING = "embedding";
    public static final String ENCODER_DECODER = "encoder-decoder";
    public static final String ENCODER_ONLY = "encoder-only";
    public static final String DECODER_ONLY = "decoder-only";
    /** The model types the registry knows; any other text is accepted as a free-text type. */
    public static final Set<String> KNOWN_MODEL_TYPES = Set.of(LANGUAGE, VISION, AUDIO, MULTIMODAL, EMBEDDING,
            ENCODER_DECODER, ENCODER_ONLY, DECODER_ONLY);
    /** Metadata with nothing known. */
    public static final ModelMetadata EMPTY = builder().build();

    public ModelMetadata {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        hfConfig = hfConfig == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hfConfig));
        supportedBackends = supportedBackends == null ? List.of() : List.copyOf(supportedBackends);
        hardware = hardware == null ? HardwareRequirements.NONE : hardware;
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        modelType = modelType == null || modelType.isBlank() ? null : modelType.trim();
        displayName = displayName == null || displayName.isBlank() ? null : displayName.strip();
    }

    /** Metadata without a display name, as records were before it existed. */
    public ModelMetadata(String modelType, String architecture, List<IoSpec> inputs, List<IoSpec> outputs,
            Map<String, Object> hfConfig, String inferenceCode, List<String> supportedBackends,
            HardwareRequirements hardware, Map<String, Double> metrics, String sourceUrl, String license,
            Map<String, String> extra) {
        this(null, modelType, architecture, inputs, outputs, hfConfig, inferenceCode, supportedBackends, hardware,
                metrics, sourceUrl, license, extra);
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this metadata's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.displayName = displayName;
        b.modelType = modelType;
        b.architecture = architecture;
        b.inputs = inputs;
        b.outputs = outputs;
        b.hfConfig = hfConfig;
        b.inferenceCode = inferenceCode;
        b.supportedBackends = supportedBackends;
        b.hardware = hardware;
        b.metrics = new LinkedHashMap<>(metrics);
        b.sourceUrl = sourceUrl;
        b.license = license;
        b.extra = new LinkedHashMap<>(extra);
        return b;
    }

    /** The key of {@link #extra()} that names the external reference a model's bytes come from. */
    public static final String SOURCE = "source";

    /**
     * The external reference the model's bytes can be fetched from ({@code extra.source}, such as
     * {@code hf:org/name@commit}, which {@code hf:} imports and registrations record), or null.
     */
    public String externalSource() {
        String source = extra.get(SOURCE);
        return source != null && ExternalSources.schemeOf(source) != null ? source : null;
    }

    /** True when some input carries the given data type. */
    public boolean hasInput(DataType type) {
        return inputs.stream().anyMatch(io -> io.dataType() == type);
    }

    /** True when some output carries the given data type. */
    public boolean hasOutput(DataType type) {
        return outputs.stream().anyMatch(io -> io.dataType() == type);
    }

    /** Builds {@link ModelMetadata}; every property is optional. */
    public static final class Builder {
        private String displayName;
        private String modelType;
        private String architecture;
        private List<IoSpec> inputs = List.of();
        private List<IoSpec> outputs = List.of();
        private Map<String, Object> hfConfig = Map.of();
        private String inferenceCode;
        private List<String> supportedBackends = List.of();
        private HardwareRequirements hardware = HardwareRequirements.NONE;
        private Map<String, Double> metrics = new LinkedHashMap<>();
        private String sourceUrl;
        private String license;
        private Map<String, String> extra = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder displayName(String displayName) {
            this.displayName = displayName;
            return this;
        }

        public Builder modelType(String modelType) {
            this.modelType = modelType;
            return this;
        }

        public Builder architecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        public Builder inputs(List<IoSpec> inputs) {
            this.inputs = inputs;
            return this;
        }

        public Builder outputs(List<IoSpec> outputs) {
            this.outputs = outputs;
            return this;
        }

        public Builder hfConfig(Map<String, Object> hfConfig) {
            this.hfConfig = hfConfig;
            return this;
        }

        public Builder inferenceCode(String inferenceCode) {
            this.inferenceCode = inferenceCode;
            return this;
        }

        public Builder supportedBackends(List<String> supportedBackends) {
            this.supportedBackends = supportedBackends;
            return this;
        }

        public Builder hardware(HardwareRequirements hardware) {
            this.hardware = hardware;
            return this;
        }

        public Builder metric(String name, double value) {
            this.metrics.put(name, value);
            return this;
        }

        public Builder metrics(Map<String, Double> metrics) {
            this.metrics = new LinkedHashMap<>(metrics);
            return this;
        }

        public Builder sourceUrl(String sourceUrl) {
            this.sourceUrl = sourceUrl;
            return this;
        }

        public Builder license(String license) {
            this.license = license;
            return this;
        }

        public Builder extra(String key, String value) {
            this.extra.put(key, value);
            return this;
        }

        public ModelMetadata build() {
            return new ModelMetadata(displayName, modelType, architecture, inputs, outputs, hfConfig, inferenceCode,
                    supportedBackends, hardware, metrics, sourceUrl, license, extra);
        }
    }
}
