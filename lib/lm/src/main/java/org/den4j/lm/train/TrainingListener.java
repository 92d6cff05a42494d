package org.den4j.lm.train;

import org.den4j.lm.TrainingMetrics;

/**
 * Receives the events of a training loop: one {@code onTrainingBegin}, one {@code onStep} per optimizer step,
 * one {@code onTrainingEnd}.
 *
 * <pre>
 * trainer.addListener(new TrainingListener() {
 *     public void onStep(TrainingRun run, TrainingMetrics metrics) {
 *         plot.add(metrics.step(), metrics.loss());
 *     }
 * });
 * </pre>
 *
 * <p>Listeners are called on the training thread, in the order they were added. An exception thrown by a
 * listener stops training and comes out of the loop; checkpoints written before stay.
 */
public interface TrainingListener {
    /** The run starts; a resumed run has already restored its state ({@link TrainingRun#firstStep()}). */
    default void onTrainingBegin(TrainingRun run) {
    }

    /** Optimizer step {@code metrics.step()} ended (the weights are updated). */
    default void onStep(TrainingRun run, TrainingMetrics metrics) {
    }

    /** The run ended, normally or by an exception; called even when {@code onTrainingBegin} failed. */
    default void onTrainingEnd(TrainingRun run) {
    }
}
