package org.den4j.coder.lm;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@value #FILE_NAME} of an {@code lm-label-attention} coder folder: how the head reads the backbone, its
 * labels in output order, and the thresholds tuned on validation.
 *
 * @param chunk tokens per chunk of a note
 * @param projection size of the token context vectors
 * @param width convolution width in tokens
 * @param backbone {@code frozen} or {@code lora} (then {@code adapter/} holds the PEFT adapter)
 * @param labels code keys ({@code ICD-10-CM|E11.9}) in the head's output order
 */
public record LabelAttentionConfig(@JsonProperty("chunk") int chunk, @JsonProperty("projection") int projection,
        @JsonProperty("width") int width, @JsonProperty("backbone") String backbone,
        @JsonProperty("labels") List<String> labels) {
    /** The file name in a coder folder. */
    public static final String FILE_NAME = "label-attention.json";
    /** The folder of the LoRA adapter in a coder folder, when the backbone was tuned. */
    public static final String ADAPTER_DIR = "adapter";

    public LabelAttentionConfig {
        labels = List.copyOf(labels);
    }

    /** Whether the backbone carries a LoRA adapter. */
    public boolean tuned() {
        return "lora".equals(backbone);
    }

    /** Reads it from a coder folder. */
    public static LabelAttentionConfig read(Path folder) {
        return CoderFolders.readJson(folder, FILE_NAME, "lm-label-attention", LabelAttentionConfig.class);
    }

    /** Writes it into a coder folder. */
    public void write(Path folder) {
        CoderFolders.writeJson(folder, FILE_NAME, this);
    }
}
