package org.den4j.den.backend;

import java.time.Instant;

/**
 * A stored blob.
 *
 * @param digest its SHA-256, lower-case hex
 * @param size its size in bytes
 * @param lastModified when it was last stored or reused
 */
public record BlobStat(String digest, long size, Instant lastModified) {
}
