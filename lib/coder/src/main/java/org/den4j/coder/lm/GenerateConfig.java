package org.den4j.coder.lm;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
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
        return CoderFolders.readJson(folder, FILE_NAME, "lm-generate", GenerateConfig.class);
    }

    /** Writes it into a coder folder. */
    public void write(Path folder) {
        CoderFolders.writeJson(folder, FILE_NAME, this);
    }
}
