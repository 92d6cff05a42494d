package org.den4j.den.backend;

/**
 * A document key with its current etag, as listed.
 *
 * @param key the key
 * @param etag the same tag {@link DenBackend#read} would return
 */
public record DocumentStat(String key, String etag) {
}
