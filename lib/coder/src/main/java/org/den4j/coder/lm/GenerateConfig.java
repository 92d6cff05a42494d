package org.den4j.coder.lm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;

/**
 * The {@value #FILE_NAME} of an {@code lm-generate} coder folder.
 *
 * @param promptTemplate the prompt, with {@code {note}} where a chunk of the note goes
 * @param chunk most note tokens per prompt (longer notes are split and the answers merged)
 * @param maxNewTokens most tokens of one completion
 * @param threshold codes generated with a lower sequence probability are dropped (tuned on validation)
 */
public record GenerateConfig(@JsonProperty("prompt_template") String promptTemplate, @JsonProperty("chunk") int chunk,
        @JsonProperty("max_new_tokens") int maxNewTokens, @JsonProperty("threshold") double threshold) {
    /** The file name in a coder folder. */
    public static final String FILE_NAME = "generate.json";
    /** The prompt of issue 12 and config/training-config.yaml. */
    public static final String DEFAULT_TEMPLATE = "Predict the medical codes for the following text: {note}";
    /** The placeholder of the note in the template. */
    public static final String NOTE = "{note}";
    /** The folder of the LoRA adapter in a coder folder. */
    public static final String ADAPTER_DIR = "adapter";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public GenerateConfig {
        if (promptTemplate == null || !promptTemplate.contains(NOTE)) {
            throw new CoderInputException("The prompt template \"" + promptTemplate + "\" has no " + NOTE
                    + " placeholder");
        }
    }

    /** The prompt for one chunk of a note. */
    public String prompt(String text) {
        return promptTemplate.replace(NOTE, text);
    }

    /** Reads it from a coder folder. */
    public static GenerateConfig read(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        try {
            return JSON.readValue(Files.readString(file), GenerateConfig.class);
        } catch (NoSuchFileException e) {
            throw new CoderInputException("Coder folder " + folder + " has no " + FILE_NAME + "; it is not a complete "
                    + "lm-generate coder: train it again with ./jbang train-coder --coder lm-generate", e);
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
