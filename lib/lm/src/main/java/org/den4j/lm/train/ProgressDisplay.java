package org.den4j.lm.train;

import java.io.PrintStream;
import java.util.Locale;
import org.den4j.den.ProgressBar;
import org.den4j.lm.TrainingMetrics;

/**
 * Draws a training run through den's {@link ProgressBar}: steps, steps per second and time left, with the loss
 * and tokens per second of the last step. A resumed run's earlier steps fill the bar but not the rate.
 *
 * <pre>
 * train [#########...............]  37%  37/100 steps  1.4 steps/s  loss 2.3412  1830 tok/s  ETA 45s
 * </pre>
 */
public final class ProgressDisplay implements TrainingListener {
    private final ProgressBar bar;
    private final String task;

    /** @param out where to draw, usually {@code System.err}; not closed */
    public ProgressDisplay(PrintStream out) {
        this(out, "train");
    }

    /**
     * @param out where to draw, usually {@code System.err}; not closed
     * @param task the name printed first
     */
    public ProgressDisplay(PrintStream out, String task) {
        this.bar = new ProgressBar(out, 0, "steps");
        this.task = task;
    }

    @Override
    public void onTrainingBegin(TrainingRun run) {
        bar.start(task, run.totalSteps());
        bar.skip(run.firstStep());
    }

    @Override
    public void onStep(TrainingRun run, TrainingMetrics metrics) {
        bar.detail(String.format(Locale.ROOT, "loss %.4f  %.0f tok/s", metrics.loss(), metrics.tokensPerSecond()));
        bar.advance(1);
    }

    @Override
    public void onTrainingEnd(TrainingRun run) {
        bar.finish();
    }
}
