package org.den4j.loop;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A job as {@code GET /api/v1/jobs/{id}} shows it.
 *
 * @param id the job's id
 * @param kind {@code train} or {@code upload}
 * @param status {@code queued}, {@code running}, {@code succeeded} or {@code failed}
 * @param labelSet the label set it works on, or null
 * @param trigger who or what started it
 * @param attempts how many times a worker has started it
 * @param result what it produced (counts, the decision), or null until it ends
 * @param error why it failed, or null
 * @param createdAt when it was queued
 * @param startedAt when a worker first started it, or null
 * @param finishedAt when it ended, or null
 */
public record Job(long id, String kind, String status, String labelSet, String trigger, int attempts, JsonNode result,
        String error, Instant createdAt, Instant startedAt, Instant finishedAt) {
}
