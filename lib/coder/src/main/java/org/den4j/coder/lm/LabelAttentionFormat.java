package org.den4j.coder.lm;

import java.nio.file.Path;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderModel;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.IcdCoder;

/**
 * The {@code lm-label-attention} kind: label-wise attention over a Qwen2 backbone's hidden states (LAAT/PLM-ICD
 * style). Settings: {@code base} (den reference or folder; default {@code den4j/tiny-qwen2}), {@code backbone}
 * ({@code frozen}, the default, or {@code lora}), {@code chunk} (tokens per chunk, default 256), {@code
 * projection} (64), {@code width} (convolution width, 5), {@code epochs} (6), {@code batch-size} (16),
 * {@code learning-rate} (3e-3), {@code dropout} (0.2), {@code lora-r} (8), {@code lora-alpha} (16).
 */
public final class LabelAttentionFormat implements CoderFormat {
    @Override
    public String kind() {
        return LabelAttentionCoder.KIND;
    }

    @Override
    public String description() {
        return "label-wise attention over the base language model's hidden states (LAAT/PLM-ICD); the most "
                + "accurate LM coder, with evidence from attention";
    }

    @Override
    public IcdCoder load(Path folder, CoderModel model, LoadOptions options) {
        return LabelAttentionCoder.load(folder, model, options);
    }

    @Override
    public Path train(CoderTraining training) {
        return new LabelAttentionTrainer(training).train();
    }
}
