package org.den4j.den.backend;

/**
 * A small document read from a backend.
 *
 * @param key its key, for example {@code manifests/ab12....json}
 * @param content its bytes
 * @param etag a tag that changes whenever the document changes, for compare-and-swap
 */
public record StoredDocument(String key, byte[] content, String etag) {
}
