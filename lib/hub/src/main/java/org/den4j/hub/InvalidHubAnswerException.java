package org.den4j.hub;

import java.net.URI;

/**
 * The Hub (or a mirror, or something in between) sent a value that cannot be what it claims to be: a
 * commit id that is not 40 hex digits, an LFS object id that is not 64, a file path that is absolute or
 * climbs out with {@code ..}, a JSON answer beyond its size limit.
 *
 * <p>The client checks every such value before it names a file, so when this is thrown nothing was written
 * to the cache for the answer, and nothing at all outside it.
 */
public class InvalidHubAnswerException extends HubException {
    private static final long serialVersionUID = 1L;
    private final URI url;
    private final String field;
    private final String value;

    /**
     * @param url the request that got the answer
     * @param field what the value was meant to be, such as {@code commit id} or {@code LFS oid}
     * @param value the value as sent (shortened when long)
     */
    public InvalidHubAnswerException(String repoId, URI url, String field, String value, String message) {
        super(repoId, message);
        this.url = url;
        this.field = field;
        this.value = value;
    }

    /** The request that got the answer. */
    public URI url() {
        return url;
    }

    /** What the value was meant to be, such as {@code commit id}, {@code LFS oid} or {@code file path}. */
    public String field() {
        return field;
    }

    /** The value as sent, shortened to 200 characters, with control characters escaped. */
    public String value() {
        return value;
    }
}
