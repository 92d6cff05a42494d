package org.den4j.lm.train;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.den4j.lm.TrainingMetrics;

/**
 * A training run as its {@link TrainingListener}s see it.
 *
 * @param outputDir where the run writes its model, checkpoints and metrics
 * @param firstStep the step before the first one this run takes: 0, or the checkpoint's step on resume
 * @param totalSteps the last step
 * @param history the metrics of every step so far, from step 1 (a read-only view that grows with the run)
 */
public record TrainingRun(Path outputDir, int firstStep, int totalSteps, List<TrainingMetrics> history) {
    public TrainingRun {
        if (firstStep < 0 || totalSteps < 0) {
            throw new IllegalArgumentException("firstStep and totalSteps must be >= 0, got " + firstStep + " and "
                    + totalSteps);
        }
        history = Collections.unmodifiableList(history);
    }
}
