package org.den4j.hub.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.den4j.hub.EntryNotFoundException;
import org.den4j.hub.GatedRepoException;
import org.den4j.hub.HubException;
import org.den4j.hub.HubHttpException;
import org.den4j.hub.HubSettings;
import org.den4j.hub.HubRequest;
import org.den4j.hub.InvalidHubAnswerException;
import org.den4j.hub.RepositoryNotFoundException;
import org.den4j.hub.RequestListener;
import org.den4j.hub.RevisionNotFoundException;

/**
 * The Hub's HTTP protocol: URLs, headers, redirects and the error statuses turned into typed exceptions
 * (Python's {@code utils/_http.py} and {@code hf_raise_for_status}).
 *
 * <p>The token goes only to the endpoint's own host and port, and never again once a redirect has left it
 * (LFS downloads are redirected to a CDN whose URLs are signed).
 */
public final class HubHttp {
    /** Statuses worth trying again (Python's {@code _DEFAULT_RETRY_ON_STATUS_CODES}). */
    public static final Set<Integer> RETRY_STATUSES = Set.of(408, 429, 500, 502, 503, 504);
    private static final int MAX_REDIRECTS = 10;
    private static final int MAX_ERROR_BODY = 64 * 1024;
    /**
     * The most bytes one JSON answer may have: 32 MiB, about a hundred times the largest page of a tree listing
     * (1,000 entries). A longer answer is refused with {@link InvalidHubAnswerException} instead of filling the
     * heap.
     */
    public static final int MAX_JSON_BYTES = 32 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]+)*)");
    private static final Pattern REL_NEXT = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?");

    private final HubSettings settings;
    private final HttpClient client;
    private final String userAgent;
    private final RequestListener listener;

    /**
     * @param client must not follow redirects itself ({@link HttpClient.Redirect#NEVER}): this class follows
     *     them so that it can drop the token on the way to another host
     */
    public HubHttp(HubSettings settings, HttpClient client) {
        this(settings, client, RequestListener.NONE);
    }

    /** As {@link #HubHttp(HubSettings, HttpClient)}, telling {@code listener} about every request. */
    public HubHttp(HubSettings settings, HttpClient client, RequestListener listener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.client = Objects.requireNonNull(client, "client");
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("The HttpClient follows redirects (" + client.followRedirects()
                    + "); build it with followRedirects(HttpClient.Redirect.NEVER) so that the Hub client can drop "
                    + "the Authorization header on redirects to another host");
        }
        this.userAgent = "den4j-hub/0.1.0; java/" + Runtime.version().feature();
    }

    /** What a request is about, for exception fields and messages. */
    public record Target(String repoId, String revision, String path) {
    }

    /** One page of a JSON listing and the {@code Link: rel="next"} page after it, or null. */
    public record Page(JsonNode body, URI next) {
    }

    public HubSettings settings() {
        return settings;
    }

    // ---- URLs (Python's hf_hub_url and HfApi paths) ----

    /** {@code {endpoint}/{repo}/resolve/{revision}/{path}}. */
    public URI resolveUrl(String repoId, String revision, String path) {
        return URI.create(base() + "/" + repoId + "/resolve/" + quote(revision, "") + "/" + quote(path, "/"));
    }

    /** {@code {endpoint}/api/models/{repo}/revision/{revision}}. */
    public URI revisionUrl(String repoId, String revision) {
        return URI.create(base() + "/api/models/" + repoId + "/revision/" + quote(revision, ""));
    }

    /** {@code {endpoint}/api/models/{repo}/tree/{revision}?recursive=true&expand=false}. */
    public URI treeUrl(String repoId, String revision) {
        return URI.create(base() + "/api/models/" + repoId + "/tree/" + quote(revision, "")
                + "?recursive=true&expand=false");
    }

    private String base() {
        return settings.endpoint().toString();
    }

    /** Python's {@code urllib.parse.quote}: percent-encodes UTF-8 bytes except letters, digits, {@code _.-~} and {@code safe}. */
    public static String quote(String s, String safe) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                    || c == '-' || c == '~' || (c < 0x80 && safe.indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    // ---- requests ----

    /** Whether the token may go to {@code url}: only to the endpoint's own scheme, host and port. */
    public boolean isEndpoint(URI url) {
        URI e = settings.endpoint();
        return url.getHost() != null && url.getHost().equalsIgnoreCase(e.getHost()) && port(url) == port(e)
                && url.getScheme().equalsIgnoreCase(e.getScheme());
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private HttpRequest.Builder request(URI url, boolean sendToken, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).header("User-Agent", userAgent);
        if (sendToken && settings.token() != null && isEndpoint(url)) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        return b;
    }

    /**
     * One {@code HEAD}, not following redirects, asking for the uncompressed size. The caller reads the
     * metadata headers or calls {@link #raiseForStatus}.
     */
    public HttpResponse<Void> head(URI url) throws IOException {
        HttpRequest req = request(url, true, settings.etagTimeout()).header("Accept-Encoding", "identity")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        return send(req, HttpResponse.BodyHandlers.discarding());
    }

    /**
     * {@code GET} of a JSON document; throws the typed exception for an error status.
     *
     * @throws IOException when the connection fails
     */
    public Page getJson(URI url, Target target) throws IOException {
        HttpRequest req = request(url, true, settings.downloadTimeout()).header("Accept", "application/json")
                .GET().build();
        HttpResponse<byte[]> r = send(req, info -> BoundedBody.subscriber(info.statusCode() >= 300 ? MAX_ERROR_BODY
                : MAX_JSON_BYTES));
        if (r.statusCode() >= 300) {
            raiseForStatus(r, new String(r.body(), 0, Math.min(r.body().length, MAX_ERROR_BODY),
                    StandardCharsets.UTF_8), target);
        }
        if (r.body().length > MAX_JSON_BYTES) {
            throw new InvalidHubAnswerException(target.repoId(), url, "JSON answer", null, "The Hub at "
                    + settings.endpoint() + " answered " + url + " with more than " + (MAX_JSON_BYTES >> 20)
                    + " MiB of JSON, the most den4j reads from one answer; it stopped reading and wrote nothing. "
                    + "Check that HF_ENDPOINT points at a Hugging Face Hub or a mirror you trust.");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new HubException(target.repoId(), "The Hub at " + settings.endpoint() + " answered " + url
                    + " with something that is not JSON (" + e.getMessage() + "); check HF_ENDPOINT", e);
        }
        return new Page(body, nextLink(r, url));
    }

    /**
     * {@code GET} of file bytes from {@code offset} on, following redirects here and dropping the token when
     * one leaves the endpoint. The body of the final 200 or 206 answer goes to the subscriber that
     * {@code bodyFor} makes after seeing the status and headers; returns when that body is complete.
     *
     * @throws IOException when the connection fails or the subscriber fails
     * @throws HubHttpException (and subclasses) for an error status
     */
    public <T> HttpResponse<T> getBytes(URI url, long offset, Target target,
            Function<HttpResponse.ResponseInfo, HttpResponse.BodySubscriber<T>> bodyFor) throws IOException {
        return getBytes(url, offset, -1, target, bodyFor);
    }

    /**
     * As {@link #getBytes(URI, long, Target, Function)}, for the bytes {@code offset} to {@code end} (inclusive;
     * -1 for the end of the file): with {@code end >= 0} a {@code Range} header is sent even from byte 0.
     */
    public <T> HttpResponse<T> getBytes(URI url, long offset, long end, Target target,
            Function<HttpResponse.ResponseInfo, HttpResponse.BodySubscriber<T>> bodyFor) throws IOException {
        URI current = url;
        boolean sendToken = isEndpoint(url);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = request(current, sendToken, settings.downloadTimeout()).GET();
            if (end >= 0) {
                b.header("Range", "bytes=" + offset + "-" + end);
            } else if (offset > 0) {
                b.header("Range", "bytes=" + offset + "-");
            }
            HttpResponse<Object> r = send(b.build(), info -> {
                int status = info.statusCode();
                if (status == 200 || status == 206) {
                    return HttpResponse.BodySubscribers.mapping(bodyFor.apply(info), body -> (Object) body);
                }
                if (status >= 300 && status < 400) {
                    return HttpResponse.BodySubscribers.replacing(null);
                }
                return HttpResponse.BodySubscribers.mapping(BoundedBody.subscriber(MAX_ERROR_BODY),
                        bytes -> (Object) new String(bytes, 0, Math.min(bytes.length, MAX_ERROR_BODY),
                                StandardCharsets.UTF_8));
            });
            int status = r.statusCode();
            if (status >= 300 && status < 400 && r.headers().firstValue("Location").isPresent()) {
                current = current.resolve(r.headers().firstValue("Location").get());
                sendToken = sendToken && isEndpoint(current);
                continue;
            }
            if (status != 200 && status != 206) {
                raiseForStatus(r, r.body() instanceof String text ? text : "", target);
                throw new HubHttpException(target.repoId(), "Unexpected answer " + status + " for " + current
                        + "; check HF_ENDPOINT and any proxy in between", status, current, null, null);
            }
            @SuppressWarnings("unchecked")
            HttpResponse<T> done = (HttpResponse<T>) (HttpResponse<?>) r;
            return done;
        }
        throw new HubException(target.repoId(), "Too many redirects (more than " + MAX_REDIRECTS + ") from " + url
                + "; check HF_ENDPOINT and any proxy in between");
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) throws IOException {
        if (listener == RequestListener.NONE) {
            return sendQuietly(req, handler);
        }
        long start = System.nanoTime();
        AtomicLong bytes = new AtomicLong();
        try {
            HttpResponse<T> r = sendQuietly(req, info -> new CountingSubscriber<>(handler.apply(info), bytes));
            listener.requested(new HubRequest(req.method(), req.uri(), r.statusCode(), bytes.get(),
                    (System.nanoTime() - start) / 1_000_000, null));
            return r;
        } catch (IOException | RuntimeException e) {
            listener.requested(new HubRequest(req.method(), req.uri(), 0, bytes.get(),
                    (System.nanoTime() - start) / 1_000_000, e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage())));
            throw e;
        }
    }

    private <T> HttpResponse<T> sendQuietly(HttpRequest req, HttpResponse.BodyHandler<T> handler)
            throws IOException {
        try {
            return client.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while waiting for " + req.uri());
        }
    }

    /** Passes a body through, counting its bytes for the request log. */
    private record CountingSubscriber<T>(HttpResponse.BodySubscriber<T> inner, AtomicLong bytes)
            implements HttpResponse.BodySubscriber<T> {
        @Override
        public java.util.concurrent.CompletionStage<T> getBody() {
            return inner.getBody();
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
            inner.onSubscribe(subscription);
        }

        @Override
        public void onNext(java.util.List<java.nio.ByteBuffer> item) {
            long n = 0;
            for (java.nio.ByteBuffer b : item) {
                n += b.remaining();
            }
            bytes.addAndGet(n);
            inner.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            inner.onError(throwable);
        }

        @Override
        public void onComplete() {
            inner.onComplete();
        }
    }

    /** The {@code rel="next"} target of the {@code Link} header, resolved against {@code url}, or null. */
    static URI nextLink(HttpResponse<?> r, URI url) {
        for (String header : r.headers().allValues("Link")) {
            Matcher m = LINK.matcher(header);
            while (m.find()) {
                Matcher rel = REL_NEXT.matcher(m.group(2));
                while (rel.find()) {
                    for (String token : rel.group(1).trim().split("\\s+")) {
                        if (token.equalsIgnoreCase("next")) {
                            return url.resolve(m.group(1).trim());
                        }
                    }
                }
            }
        }
        return null;
    }

    // ---- errors (Python's hf_raise_for_status) ----

    /**
     * Throws the typed exception for an error status (400 and above); returns for others.
     *
     * @param body the response body when one was read, for the server's message; may be empty
     */
    public void raiseForStatus(HttpResponse<?> r, String body, Target t) {
        int status = r.statusCode();
        if (status < 400) {
            return;
        }
        URI url = r.uri();
        String code = r.headers().firstValue("X-Error-Code").orElse(null);
        String headerMessage = r.headers().firstValue("X-Error-Message").orElse(null);
        String requestId = r.headers().firstValue("X-Request-Id").orElse(null);
        String server = serverMessage(headerMessage, body, r.headers().firstValue("Content-Type").orElse(""));
        String repo = t.repoId();
        String rev = t.revision();
        String head = status + " Client Error.";
        if (status >= 500) {
            head = status + " Server Error.";
        }

        if ("RevisionNotFound".equals(code)) {
            throw new RevisionNotFoundException(repo, rev, finish(head + "\n\nRevision Not Found for url: " + url + "."
                    + "\nRevision '" + rev + "' does not exist in repository '" + repo + "'. Check the branch, tag "
                    + "or commit name (commits are 40 hex digits).", server, requestId),
                    status, url, requestId, server);
        }
        if ("EntryNotFound".equals(code)) {
            throw new EntryNotFoundException(repo, rev, t.path(), finish(head + "\n\nEntry Not Found for url: " + url
                    + ".\nFile '" + t.path() + "' does not exist in repository '" + repo + "' at revision '" + rev
                    + "'. Check the path (it is case-sensitive); listFiles shows the repository's files.", server,
                    requestId), status, url, requestId, server);
        }
        if ("GatedRepo".equals(code)) {
            String fix = settings.token() == null
                    ? "No token was sent: request access at " + settings.endpoint() + "/" + repo
                            + ", then set HF_TOKEN (or log in so that $HF_HOME/token exists) to a token of the "
                            + "account that was granted access."
                    : "The token from " + settings.tokenSource() + " was sent, but its account has not been granted "
                            + "access: request access at " + settings.endpoint() + "/" + repo
                            + " or use a token of an account that has it.";
            throw new GatedRepoException(repo, finish(head + "\n\nCannot access gated repo for url " + url + ".\n"
                    + "Access to model " + repo + " is restricted. " + fix, server, requestId),
                    status, url, requestId, server);
        }
        if ("Access to this resource is disabled.".equals(headerMessage)) {
            throw new HubHttpException(repo, finish(head + "\n\nCannot access repository for url " + url + ".\n"
                    + "Access to this resource is disabled.", null, requestId), status, url, requestId, server);
        }
        boolean invalidToken = status == 401 && "Invalid credentials in Authorization header".equals(headerMessage);
        if ("RepoNotFound".equals(code) || (status == 401 && !invalidToken && repo != null)) {
            String auth = settings.token() == null
                    ? "\nNo token was sent: if the repository is private or gated, set HF_TOKEN to a token that may "
                            + "read it."
                    : "\nIf you are trying to access a private or gated repo, make sure the token from "
                            + settings.tokenSource() + " has the required permissions.";
            throw new RepositoryNotFoundException(repo, finish(head + "\n\nRepository Not Found for url: " + url + "."
                    + "\nPlease make sure you specified the correct repo id ('" + repo + "')." + auth, server,
                    requestId), status, url, requestId, server);
        }
        if (status == 401) {
            String source = settings.token() == null ? "No token was sent" : "The token from "
                    + settings.tokenSource() + " was rejected";
            throw new HubHttpException(repo, finish(head + "\n\nInvalid credentials for url " + url + ".\n" + source
                    + ": check or renew it (" + settings.endpoint() + "/settings/tokens), or unset it to read "
                    + "public repositories anonymously.", server, requestId), status, url, requestId, server);
        }
        if (status == 403) {
            throw new HubHttpException(repo, finish(head + "\n\n403 Forbidden: " + (server == null ? "" : server)
                    + ".\nCannot access content at: " + url + ".\nMake sure your token has the correct permissions.",
                    null, requestId), status, url, requestId, server);
        }
        if (status == 429) {
            throw new HubHttpException(repo, finish(head + "\n\n429 Too Many Requests for url: " + url
                    + ".\nWait and try again, or authenticate with HF_TOKEN for a higher rate limit.", server,
                    requestId), status, url, requestId, server);
        }
        String what = status == 416 ? "Range Not Satisfiable" : status >= 500 ? "the Hub failed" : "request refused";
        throw new HubHttpException(repo, finish(head + "\n\n" + what + " for url: " + url + "."
                + (status >= 500 ? "\nThis is usually temporary: try again later." : ""), server, requestId),
                status, url, requestId, server);
    }

    private static String finish(String message, String server, String requestId) {
        String m = message;
        if (server != null && !m.toLowerCase(Locale.ROOT).contains(server.toLowerCase(Locale.ROOT))) {
            m += "\n" + server;
        }
        if (requestId != null) {
            m += "\n(Request ID: " + requestId + ")";
        }
        return m;
    }

    /** The server's own words: {@code X-Error-Message} and the body's {@code error}/{@code errors}, deduplicated. */
    static String serverMessage(String headerMessage, String body, String contentType) {
        Set<String> parts = new LinkedHashSet<>();
        if (headerMessage != null && !headerMessage.isBlank()) {
            parts.add(headerMessage.strip());
        }
        if (body != null && !body.isBlank()) {
            try {
                JsonNode json = JSON.readTree(body);
                JsonNode error = json.get("error");
                JsonNode description = json.get("error_description");
                if (error != null && error.isArray()) {
                    error.forEach(e -> parts.add(e.asText().strip()));
                } else if (error != null && description != null) {
                    parts.add(error.asText() + ": " + description.asText());
                } else if (error != null) {
                    parts.add(error.asText().strip());
                } else if (description != null) {
                    parts.add(description.asText().strip());
                }
                JsonNode errors = json.get("errors");
                if (errors != null && errors.isArray()) {
                    errors.forEach(e -> {
                        if (e.hasNonNull("message")) {
                            parts.add(e.get("message").asText().strip());
                        }
                    });
                }
            } catch (IOException e) {
                if (!contentType.toLowerCase(Locale.ROOT).contains("html")) {
                    parts.add(body.strip());
                }
            }
        }
        parts.remove("");
        return parts.isEmpty() ? null : String.join("\n", parts);
    }
}
