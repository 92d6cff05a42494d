package org.den4j.loop;

import java.time.Instant;

/**
 * A set of labels that observations are annotated with, and the models trained for it.
 *
 * @param id its id
 * @param name its name, unique within the tenant
 * @param multiLabel true when an observation may carry several labels
 * @param algorithm the training algorithm ({@code naive-bayes} or {@code linear})
 * @param trainAfter queue training after this many new confirmed annotations (0: on demand only)
 * @param holdoutFraction the share of confirmed observations frozen as the holdout when it is first made
 * @param minGain the promotion rule's bound: the paired-bootstrap 95% lower bound of the micro-F1 gain must
 *     exceed it
 * @param macroTolerance the most the challenger's macro-F1 may fall below the champion's
 * @param createdAt when it was made
 */
public record LabelSet(long id, String name, boolean multiLabel, String algorithm, int trainAfter,
        double holdoutFraction, double minGain, double macroTolerance, Instant createdAt) {
}
