package org.den4j.loop;

import com.fasterxml.jackson.databind.JsonNode;

/** Runs one kind of job for a {@link Worker}. */
@FunctionalInterface
public interface JobHandler {
    /**
     * Runs {@code claim} and records its end: the handler calls {@link JobQueue#succeed} inside the
     * transaction that stores what the job made, so the result and the job's status commit together.
     * An exception fails the attempt (retried while attempts remain).
     *
     * @return the result also stored on the job, for logs
     */
    JsonNode run(JobQueue.Claim claim) throws Exception;
}
