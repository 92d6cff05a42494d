package org.den4j.loop;

import java.time.Instant;

/**
 * A stored promotion decision: both models, both sets of figures, the interval, McNemar's p-value, the
 * holdout and who or what triggered it.
 *
 * @param id its id
 * @param challengerVersion the version judged
 * @param championVersion the champion it was judged against, or null for the first model
 * @param promoted whether the challenger became champion
 * @param reason why, in one sentence
 * @param challengerMetrics the challenger's holdout figures
 * @param championMetrics the champion's, or null
 * @param baselineMicroF1 the most-frequent-labels baseline's micro-F1
 * @param microF1Diff challenger minus champion (or baseline) micro-F1
 * @param ciLow lower bound of the paired-bootstrap 95% interval of the difference, or null
 * @param ciHigh upper bound, or null
 * @param mcnemarP McNemar's p-value, or null
 * @param holdoutVersion the holdout's version
 * @param holdoutHash SHA-256 of the holdout's observation ids
 * @param trigger who or what started it ({@code key:ID}, {@code after N confirmed annotations}, {@code rollback})
 * @param createdAt when it was decided
 */
public record Decision(long id, int challengerVersion, Integer championVersion, boolean promoted, String reason,
        Metrics challengerMetrics, Metrics championMetrics, double baselineMicroF1, double microF1Diff, Double ciLow,
        Double ciHigh, Double mcnemarP, int holdoutVersion, String holdoutHash, String trigger, Instant createdAt) {
}
