package org.den4j.coder.lm;

import java.nio.file.Path;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderModel;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.IcdCoder;

/**
 * The {@code lm-generate} kind: a LoRA-tuned Qwen2 that writes the codes after "Predict the medical codes for the
 * following text: {note}", decoding constrained to the code dictionary by a {@link CodeTrie}. Settings: {@code
 * base} (den reference or folder; default {@code den4j/tiny-qwen2}), {@code steps} (200), {@code batch-size} (4),
 * {@code learning-rate} (1e-3), {@code lora-r} (8), {@code lora-alpha} (16), {@code chunk} (note tokens per prompt,
 * default the context less room for the answer), {@code max-new-tokens} (96), {@code validation-notes} (notes
 * decoded to tune the threshold, 50), {@code prompt-template}.
 */
public final class GenerateFormat implements CoderFormat {
    @Override
    public String kind() {
        return GenerateCoder.KIND;
    }

    @Override
    public String description() {
        return "a LoRA-tuned language model that writes the codes, decoding constrained to the dictionary; the "
                + "form that is exported to GGUF and served over OpenAI-compatible endpoints";
    }

    @Override
    public IcdCoder load(Path folder, CoderModel model, LoadOptions options) {
        return GenerateCoder.load(folder, model, options);
    }

    @Override
    public Path train(CoderTraining training) {
        return new GenerateTrainer(training).train();
    }
}
