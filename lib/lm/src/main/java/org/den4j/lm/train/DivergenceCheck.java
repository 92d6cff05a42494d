package org.den4j.lm.train;

import java.nio.file.Path;
import org.den4j.lm.TrainingDivergedException;

/** Stops training when the loss or the gradient norm of a step is NaN or infinite, before the weights change. */
public final class DivergenceCheck {
    private final Checkpoints checkpoints;

    /** @param checkpoints named in the message as the last good state, or null */
    public DivergenceCheck(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    /**
     * Checks one step's loss and gradient norm.
     *
     * @throws TrainingDivergedException naming the step, the value, the learning rate, the fixes and the last good
     *     checkpoint
     */
    public void check(int step, int totalSteps, double loss, double gradNorm, double learningRate) {
        if (Double.isFinite(loss) && Double.isFinite(gradNorm)) {
            return;
        }
        boolean lossBad = !Double.isFinite(loss);
        Path last = checkpoints == null ? null : checkpoints.latest();
        throw new TrainingDivergedException(step, "Training diverged at step " + step + " of " + totalSteps
                + ": the " + (lossBad ? "loss" : "gradient norm") + " is " + (lossBad ? loss : gradNorm)
                + " (learning rate " + learningRate + "). Lower the learning rate, add warm-up steps or clipping "
                + "(max_grad_norm), or train in float32" + (last == null ? "" : "; the last good checkpoint is "
                + last));
    }
}
