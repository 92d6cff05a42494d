package org.den4j.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One HTTP request the Hub client made, as a {@link RequestListener} hears it once its answer is complete.
 *
 * <p>The URL is safe to log: it has no user information, and every query value except the Hub API's own
 * {@code recursive}, {@code expand} and {@code blobs} is replaced by {@code ***}, so a CDN's signature or a token
 * someone put in a query never reaches a log. The token itself travels in a header and is never part of a request.
 *
 * @param method the HTTP method, such as {@code GET} or {@code HEAD}
 * @param url the address asked, redacted as above
 * @param status the answer's status, or 0 when no answer came (see {@code error})
 * @param bytes the body bytes received (0 for a {@code HEAD}; fewer than announced after a drop)
 * @param millis from sending the request to the end of its answer's body
 * @param error what went wrong when no complete answer came (a dropped connection, a timeout), or null
 */
public record HubRequest(String method, URI url, int status, long bytes, long millis, String error) {
    private static final Set<String> PLAIN_QUERY = Set.of("recursive", "expand", "blobs");

    public HubRequest {
        Objects.requireNonNull(method, "method");
        url = redact(Objects.requireNonNull(url, "url"));
    }

    /**
     * The request as one log line: {@code GET URL STATUS BYTES bytes MS ms}, with {@code -} for the status and the
     * error at the end when no answer came.
     */
    public String line() {
        return String.format(Locale.ROOT, "%s %s %s %d bytes %d ms%s", method, url,
                status == 0 ? "-" : Integer.toString(status), bytes, millis, error == null ? "" : " (" + error + ")");
    }

    /** {@code url} without user information and with query values hidden (see the class comment). */
    public static URI redact(URI url) {
        String query = url.getRawQuery();
        if (url.getRawUserInfo() == null && query == null) {
            return url;
        }
        StringBuilder q = new StringBuilder();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                q.append(q.length() == 0 ? "" : "&").append(name);
                if (eq >= 0) {
                    q.append('=').append(PLAIN_QUERY.contains(name) ? pair.substring(eq + 1) : "***");
                }
            }
        }
        try {
            String authority = url.getRawAuthority();
            if (authority != null && authority.contains("@")) {
                authority = authority.substring(authority.lastIndexOf('@') + 1);
            }
            return new URI(url.getScheme() + "://" + authority + (url.getRawPath() == null ? "" : url.getRawPath())
                    + (query == null ? "" : "?" + q));
        } catch (URISyntaxException e) {
            return URI.create(url.getScheme() + "://" + url.getHost());
        }
    }
}
