package org.den4j.loop;

import java.time.Instant;

/**
 * A trained model of a label set.
 *
 * @param version its version within the label set (1, 2, ...)
 * @param status {@code champion}, {@code challenger}, {@code rejected} or {@code retired}
 * @param algorithm the algorithm that trained it
 * @param denRef its den reference ({@code loop/TENANT/SET@N})
 * @param parentVersion the champion it was trained to replace, or null
 * @param trainedOn how many confirmed observations it was trained on
 * @param metrics its holdout figures
 * @param decision the decision about it
 * @param createdAt when it was trained
 * @param promotedAt when it last became champion, or null
 */
public record ModelVersion(int version, String status, String algorithm, String denRef, Integer parentVersion,
        int trainedOn, Metrics metrics, Decision decision, Instant createdAt, Instant promotedAt) {
}
