package org.den4j.den.backend;

import java.io.IOException;

/**
 * The remote behind a backend cannot be reached (connection refused, unknown host, timeout).
 *
 * <p>Remote backends throw it instead of a plain {@link IOException} so the read-through cache can
 * tell an offline remote from a failed request and serve what it has cached.
 */
public class BackendUnreachableException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String location;

    /**
     * @param location the remote's location, for example {@code s3://bucket/prefix at http://host:9000}
     * @param cause what the client library reported
     */
    public BackendUnreachableException(String location, Throwable cause) {
        super("Den " + location + " is unreachable: " + cause.getMessage(), cause);
        this.location = location;
    }

    /** The remote's location as given. */
    public String location() {
        return location;
    }

    /** True when {@code e} or one of its causes says that a remote could not be reached. */
    public static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BackendUnreachableException || t instanceof java.net.ConnectException
                    || t instanceof java.net.UnknownHostException || t instanceof java.net.NoRouteToHostException
                    || t instanceof java.net.http.HttpConnectTimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
