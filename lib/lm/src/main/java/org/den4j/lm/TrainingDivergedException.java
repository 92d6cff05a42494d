package org.den4j.lm;

/** Training stopped because the loss or the gradients became NaN or infinite. */
public class TrainingDivergedException extends LmException {
    private static final long serialVersionUID = 1L;
    private final int step;

    public TrainingDivergedException(int step, String message) {
        super(message);
        this.step = step;
    }

    /** The optimizer step (1-based) at which it happened. */
    public int step() {
        return step;
    }
}
