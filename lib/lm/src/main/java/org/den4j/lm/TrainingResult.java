package org.den4j.lm;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link Trainer#train}.
 *
 * @param steps optimizer steps taken in total (a resumed run counts the steps before the resume)
 * @param history one entry per step, from step 1 (restored from the checkpoint on resume)
 * @param finalEvalLoss the last validation loss, NaN without validation examples
 * @param outputDir where the adapter (or the full model) was written
 */
public record TrainingResult(int steps, List<TrainingMetrics> history, double finalEvalLoss, Path outputDir) {
    public TrainingResult {
        history = List.copyOf(history);
    }

    /** The last training loss, NaN when no step ran. */
    public double finalLoss() {
        return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).loss();
    }

    /** The training loss of every step, in order. */
    public double[] losses() {
        return history.stream().mapToDouble(TrainingMetrics::loss).toArray();
    }
}
