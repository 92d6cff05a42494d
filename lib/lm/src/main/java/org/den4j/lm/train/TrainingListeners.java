package org.den4j.lm.train;

import java.util.List;
import org.den4j.lm.TrainingMetrics;

/**
 * Several listeners as one, called in order. {@code onTrainingEnd} reaches every listener even when one throws.
 */
public final class TrainingListeners implements TrainingListener {
    private final List<TrainingListener> listeners;

    /** @param listeners called in this order */
    public TrainingListeners(List<TrainingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void onTrainingBegin(TrainingRun run) {
        for (TrainingListener l : listeners) {
            l.onTrainingBegin(run);
        }
    }

    @Override
    public void onStep(TrainingRun run, TrainingMetrics metrics) {
        for (TrainingListener l : listeners) {
            l.onStep(run, metrics);
        }
    }

    /** Ends every listener; throws the first exception, with the others suppressed in it. */
    @Override
    public void onTrainingEnd(TrainingRun run) {
        onTrainingEnd(run, null);
    }

    /**
     * Ends every listener after the loop stopped with {@code failure} (null when it ended normally). What the
     * listeners throw is suppressed in {@code failure}, so that the loop's own exception is the one that reaches
     * the caller.
     */
    public void onTrainingEnd(TrainingRun run, Throwable failure) {
        Throwable first = failure;
        for (TrainingListener l : listeners) {
            try {
                l.onTrainingEnd(run);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (failure == null && first != null) {
            throw (RuntimeException) first;
        }
    }
}
