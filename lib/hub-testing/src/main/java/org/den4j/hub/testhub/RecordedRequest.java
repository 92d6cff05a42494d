package org.den4j.hub.testhub;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One request that a {@link LocalHub} answered, for tests that assert what a client sent.
 *
 * @param server {@code "hub"} for the Hub host, {@code "cdn"} for the LFS download host
 * @param method the HTTP method, such as {@code GET} or {@code HEAD}
 * @param path the raw (still percent-encoded) request path
 * @param query the raw query string, or {@code null} when there was none
 * @param headers the request headers; names are looked up case-insensitively
 * @param status the status code of the answer
 * @param bodyBytes how many body bytes the server wrote (fewer than announced after an
 *     injected connection drop)
 * @param repoId the repository the request was about, or {@code null}
 * @param file the repository file a {@code resolve} or CDN request was about (such as
 *     {@code "config.json"}), or {@code null} for API calls
 */
public record RecordedRequest(String server, String method, String path, String query,
        Map<String, List<String>> headers, int status, long bodyBytes, String repoId,
        String file) {

    /** Copies the headers into an unmodifiable, case-insensitive map. */
    public RecordedRequest {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = java.util.Collections.unmodifiableMap(copy);
    }

    /** The first value of the request header {@code name} (any case), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * Whether this was a {@code GET} of file bytes (a {@code resolve} or CDN download) that the
     * server answered with 200 or 206; API calls, {@code HEAD}s and redirects are not downloads.
     */
    public boolean isDownload() {
        boolean fileUrl = server.equals("cdn") || path.contains("/resolve/")
                || path.startsWith("/api/resolve-cache/");
        return fileUrl && method.equals("GET") && (status == 200 || status == 206);
    }
}
