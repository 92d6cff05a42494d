package org.den4j.coder.lm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;

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
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public LabelAttentionConfig {
        labels = List.copyOf(labels);
    }

    /** Whether the backbone carries a LoRA adapter. */
    public boolean tuned() {
        return "lora".equals(backbone);
    }

    /** Reads it from a coder folder. */
    public static LabelAttentionConfig read(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        try {
            return JSON.readValue(Files.readString(file), LabelAttentionConfig.class);
        } catch (NoSuchFileException e) {
            throw new CoderInputException("Coder folder " + folder + " has no " + FILE_NAME + "; it is not a complete "
                    + "lm-label-attention coder: train it again with ./jbang train-coder --coder lm-label-attention", e);
        } catch (IOException e) {
            throw new CoderInputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes it into a coder folder. */
    public void write(Path folder) {
        try {
            Files.writeString(folder.resolve(FILE_NAME), JSON.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw new CoderException("Cannot write " + folder.resolve(FILE_NAME) + ": " + e.getMessage(), e);
        }
    }
}
