package org.den4j.lm.train;

import org.den4j.lm.TrainerOptions;

/**
 * Linear warm-up from 0 to the peak, then linear or cosine decay to 0, or a constant rate, as Transformers'
 * schedulers compute it ({@code get_cosine_schedule_with_warmup} and friends).
 *
 * @param scheduler one of {@link TrainerOptions#SCHEDULERS}
 * @param peak the rate after warm-up
 * @param warmupSteps steps of warm-up (ignored by {@code constant})
 */
public record LearningRateSchedule(String scheduler, double peak, int warmupSteps) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the value at fault
     */
    public LearningRateSchedule {
        if (!TrainerOptions.SCHEDULERS.contains(scheduler)) {
            throw new IllegalArgumentException("scheduler '" + scheduler + "' is unknown; use one of "
                    + TrainerOptions.SCHEDULERS);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
    }

    /** The schedule that {@code options} ask for. */
    public static LearningRateSchedule of(TrainerOptions options) {
        return new LearningRateSchedule(options.scheduler(), options.learningRate(), options.warmupSteps());
    }

    /** The learning rate at 0-based step {@code step} of {@code totalSteps}. */
    public double at(int step, int totalSteps) {
        if (scheduler.equals("constant")) {
            return peak;
        }
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        if (scheduler.equals("constant_with_warmup")) {
            return peak;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        if (scheduler.equals("linear")) {
            return peak * Math.max(0, 1 - progress);
        }
        return peak * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
