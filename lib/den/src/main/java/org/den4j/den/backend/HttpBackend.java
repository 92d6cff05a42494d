package org.den4j.den.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.den4j.den.BackendSpec;
import org.den4j.den.DenConfigException;
import org.den4j.den.RemoteDenException;
import org.den4j.den.format.DocumentKey;

/**
 * A den kept by a den server ({@code den serve}) and reached over HTTP: the {@code http} den type.
 *
 * <p>Every {@link DenBackend} operation is one request to the server's backend protocol
 * ({@code /api/v1/blobs}, {@code /api/v1/docs}, {@code /api/v1/changes}); the server checks every write
 * (API key scopes, blob hashes, manifests, its fine-tune policy), so a {@code Den} opened on this
 * backend behaves like a local one with the same library API. Blob downloads resume with a
 * {@code Range} request when the connection drops; requests are retried with exponential backoff when
 * the server cannot be reached, and fail with a {@link RemoteDenException} that names the server.
 *
 * <pre>{@code
 * HttpBackend.Settings settings = HttpBackend.Settings.of(URI.create("http://den.example:8080"), token, workDir);
 * try (Den den = new Den(HttpBackend.connect(settings), DenConfig.defaults(), Clock.systemUTC())) {
 *     Path model = den.fetch("acme/icd-coder@prod");
 * }
 * }</pre>
 *
 * <p>Opened as den type {@code http} ({@link Provider}), it sits behind the read-through local cache, which
 * keeps verified blobs and serves cached models while the server is down (this backend reports that with a
 * {@link BackendUnreachableException}). Opened directly, fetched models are assembled under the local work
 * directory, each blob downloaded and checked against its SHA-256. Thread-safe;
 * whoever connects it closes it (a {@code Den} closes the backend it was opened on).
 */
public final class HttpBackend implements DenBackend {
    /** The environment variable holding the API key a client sends: {@value}. */
    public static final String TOKEN_VARIABLE = "DEN4J_REMOTE_TOKEN";
    /** The response header in which a den server advertises whether its models may be fine-tuned locally. */
    public static final String LOCAL_FINE_TUNE_HEADER = "Den4j-Allow-Local-Fine-Tune";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> RETRY_STATUSES = Set.of(502, 503, 504);
    private static final int MAX_ERROR_BODY = 16 * 1024;

    private final Settings settings;
    private final String server;
    private final HttpClient client;
    private final Path snapshots;
    private final Path staging;
    private volatile ServerPolicy policy;

    private HttpBackend(Settings settings) throws IOException {
        this.settings = settings;
        this.server = settings.server().toString().replaceAll("/+$", "");
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        Path work = settings.workDirectory().toAbsolutePath().normalize();
        this.snapshots = work.resolve("snapshots");
        this.staging = work.resolve("tmp");
        Files.createDirectories(snapshots);
        Files.createDirectories(staging);
    }

    /**
     * Connects to a den server and checks that it answers as one (one request to {@code /api/v1/info}).
     *
     * @throws RemoteDenException when the server is unreachable, refuses the key, or is not a den server
     * @throws DenConfigException when the work directory cannot be created
     */
    public static HttpBackend connect(Settings settings) {
        HttpBackend backend;
        try {
            backend = new HttpBackend(settings);
        } catch (IOException e) {
            throw new DenConfigException("DEN4J_LOCAL_CACHE_PATH", "Cannot create the local work directory "
                    + settings.workDirectory() + " of den server " + settings.server() + ": " + e
                    + "; set DEN4J_LOCAL_CACHE_PATH to a writable directory");
        }
        backend.policy();
        return backend;
    }

    /**
     * What the server allows: read once from {@code GET /api/v1/info} and kept.
     *
     * @throws RemoteDenException when the server is unreachable or refuses the key
     */
    public ServerPolicy policy() {
        ServerPolicy p = policy;
        if (p == null) {
            try {
                JsonNode info = json(send(request("/api/v1/info").GET(), "read the server's info"));
                if (!"den4j".equals(info.path("server").asText())) {
                    throw new RemoteDenException(server, 200, "not_a_den_server", server
                            + " answered /api/v1/info but is not a den server; point DEN4J_REMOTE_HOST at the URL that "
                            + "./jbang den serve prints", null);
                }
                JsonNode pol = info.path("policy");
                p = new ServerPolicy(info.path("den").asText(""), pol.path("allowPushFinetuned").asBoolean(false),
                        pol.path("allowLocalFineTune").asBoolean(false), scopes(info.path("scopes")));
                policy = p;
            } catch (IOException e) {
                throw new RemoteDenException(server, 200, "bad_response", "Den server " + server
                        + " sent an unreadable answer to /api/v1/info (" + e.getMessage()
                        + "); check that DEN4J_REMOTE_HOST points at a den server", e);
            }
        }
        return p;
    }

    private static List<String> scopes(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    @Override
    public String location() {
        return server;
    }

    // ---------------------------------------------------------------- blobs

    @Override
    public OptionalLong blobSize(String digest) throws IOException {
        HttpResponse<InputStream> r = send(request(blobPath(digest)).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                "look up blob " + digest, 404);
        try (InputStream ignored = r.body()) {
            if (r.statusCode() == 404) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(r.headers().firstValueAsLong("Content-Length").orElseThrow(() -> new IOException(
                    "Den server " + server + " sent no Content-Length for blob " + digest)));
        }
    }

    @Override
    public InputStream openBlob(String digest) throws IOException {
        HttpResponse<InputStream> first = send(request(blobPath(digest)).GET(), "download blob " + digest, 404);
        if (first.statusCode() == 404) {
            first.body().close();
            throw new NoSuchFileException(server + blobPath(digest), null, "the den server holds no such blob");
        }
        long size = first.headers().firstValueAsLong("Content-Length").orElse(-1);
        return new ResumingStream(digest, first.body(), size);
    }

    @Override
    public boolean putBlob(String digest, Path file) throws IOException {
        try {
            return putBlobChecked(digest, file);
        } finally {
            // The backend owns the file from here on, stored or not.
            Files.deleteIfExists(file);
        }
    }

    /** The server re-hashes every upload and refuses one that does not match its name (HTTP 422). */
    @Override
    public boolean checksUploads() {
        return true;
    }

    @Override
    public boolean putBlobChecked(String digest, Path source) throws IOException {
        HttpResponse<InputStream> r = send(() -> request(blobPath(digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(source)), "upload blob " + digest + " (" + source + ")");
        r.body().close();
        return r.statusCode() == 201;
    }

    @Override
    public void touchBlob(String digest) throws IOException {
        send(request(blobPath(digest) + "/touch").POST(HttpRequest.BodyPublishers.noBody()), "touch blob " + digest, 404)
                .body().close();
    }

    /**
     * Asks the server to remove what its killed writers left in its staging (an upload cut off by a crash),
     * as {@code den gc} does on a local den. It needs the admin scope; without it, or from a server that
     * predates the route, nothing is removed.
     */
    @Override
    public CleanupResult cleanStaleStaging() throws IOException {
        HttpResponse<InputStream> r = send(request("/api/v1/staging/clean").POST(HttpRequest.BodyPublishers.noBody()),
                "clean the server's stale staging", 403, 404);
        if (r.statusCode() != 200) {
            r.body().close();
            return new CleanupResult(0, 0);
        }
        JsonNode n = json(r);
        return new CleanupResult(n.path("entries").asInt(), n.path("bytes").asLong());
    }

    @Override
    public void deleteBlob(String digest) throws IOException {
        send(request(blobPath(digest)).DELETE(), "delete blob " + digest, 404).body().close();
    }

    @Override
    public void quarantineBlob(String digest) throws IOException {
        HttpResponse<InputStream> r = send(request(blobPath(digest) + "/quarantine")
                .POST(HttpRequest.BodyPublishers.noBody()), "set aside blob " + digest, 404, 409);
        r.body().close();
        if (r.statusCode() == 409) {
            // The server re-hashed its copy and found it intact: the damage was in transit.
            System.getLogger("org.den4j.den").log(System.Logger.Level.WARNING, "Den server " + server
                    + " checked blob " + digest + " and found it intact; it was damaged on the way here");
        }
    }

    @Override
    public List<BlobStat> listBlobs() throws IOException {
        JsonNode list = json(send(request("/api/v1/blobs").GET(), "list blobs"));
        List<BlobStat> out = new ArrayList<>();
        for (JsonNode n : list) {
            out.add(new BlobStat(n.path("digest").asText(), n.path("size").asLong(),
                    Instant.parse(n.path("lastModified").asText())));
        }
        return out;
    }

    // ---------------------------------------------------------------- documents

    @Override
    public Optional<StoredDocument> read(String key) throws IOException {
        HttpResponse<InputStream> r = send(request(docPath(key)).GET(), "read document " + key, 404);
        try (InputStream in = r.body()) {
            if (r.statusCode() == 404) {
                return Optional.empty();
            }
            String etag = r.headers().firstValue("ETag").map(HttpBackend::unquote).orElseThrow(() -> new IOException(
                    "Den server " + server + " sent no ETag for document " + key));
            return Optional.of(new StoredDocument(key, in.readAllBytes(), etag));
        }
    }

    @Override
    public boolean create(String key, byte[] content) throws IOException {
        return write(key, content, null);
    }

    @Override
    public boolean replace(String key, byte[] content, String expectedEtag) throws IOException {
        return write(key, content, expectedEtag);
    }

    private boolean write(String key, byte[] content, String expectedEtag) throws IOException {
        HttpResponse<InputStream> r = send(() -> {
            HttpRequest.Builder b = request(docPath(key)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
            return expectedEtag == null ? b.header("If-None-Match", "*") : b.header("If-Match", quote(expectedEtag));
        }, describeWrite(key), 412);
        r.body().close();
        return r.statusCode() != 412;
    }

    /** What a document write means, for messages: "record version 2 of acme/tiny" rather than its key. */
    private static String describeWrite(String key) {
        DocumentKey parsed = DocumentKey.parse(key).orElse(null);
        if (parsed instanceof DocumentKey.VersionKey v) {
            return "record version " + v.version() + " of " + v.name();
        }
        if (parsed instanceof DocumentKey.AliasesKey a) {
            return "change the aliases of " + a.name();
        }
        if (parsed instanceof DocumentKey.ManifestKey m) {
            return "store the manifest " + m.digest();
        }
        return "write document " + key;
    }

    @Override
    public void delete(String key) throws IOException {
        send(request(docPath(key)).DELETE(), "delete document " + key, 404).body().close();
    }

    @Override
    public List<DocumentStat> list(String prefix) throws IOException {
        JsonNode list = json(send(request("/api/v1/docs?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8))
                .GET(), "list documents under " + prefix));
        List<DocumentStat> out = new ArrayList<>();
        for (JsonNode n : list) {
            out.add(new DocumentStat(n.path("key").asText(), n.path("etag").asText()));
        }
        return out;
    }

    @Override
    public Optional<Changes> changesSince(long position) throws IOException {
        HttpResponse<InputStream> r = send(request("/api/v1/changes?since=" + position).GET(),
                "read the change journal", 404, 409);
        if (r.statusCode() == 404) {
            r.body().close();
            return Optional.empty();
        }
        if (r.statusCode() == 409) {
            // The server's journal is shorter than our position: its den was replaced. Callers start over.
            throw new IOException("Den server " + server + ": " + errorOf(r).message);
        }
        JsonNode n = json(r);
        List<String> keys = new ArrayList<>();
        n.path("keys").forEach(k -> keys.add(k.asText()));
        return Optional.of(new Changes(keys, n.path("position").asLong()));
    }

    // ---------------------------------------------------------------- local side

    @Override
    public Staging openStaging() throws IOException {
        Path dir = Files.createDirectory(staging.resolve(UUID.randomUUID().toString()));
        return Staging.deletedOnClose(dir);
    }

    @Override
    public Path snapshotRoot() {
        return snapshots;
    }

    @Override
    public void close() {
        // The JDK client's connections close when it is collected (HttpClient.close() is Java 21).
    }

    @Override
    public String toString() {
        return "HttpBackend[" + server + "]";
    }

    // ---------------------------------------------------------------- HTTP

    private static String blobPath(String digest) {
        if (digest == null || !digest.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("Blob digest '" + digest + "' is not 64 lower-case hex digits");
        }
        return "/api/v1/blobs/" + digest;
    }

    private static String docPath(String key) {
        if (key.startsWith("/") || key.contains("..") || key.contains("\\") || key.contains("?") || key.contains("#")
                || key.contains("%") || key.contains(" ")) {
            throw new IllegalArgumentException("Document key " + key + " is not a den document key");
        }
        return "/api/v1/docs/" + key;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path)).timeout(settings.requestTimeout())
                .header("User-Agent", "den4j-http-backend");
        if (settings.token() != null) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        return b;
    }

    private HttpResponse<InputStream> send(HttpRequest.Builder builder, String what, int... expectedErrors)
            throws IOException {
        HttpRequest request = builder.build();
        return send(() -> HttpRequest.newBuilder(request, (n, v) -> true), what, expectedErrors);
    }

    /**
     * Sends a request, retrying with exponential backoff while the server cannot be reached or answers
     * 502/503/504, and turns error statuses into {@link RemoteDenException}s; statuses listed in
     * {@code expectedErrors} are returned to the caller.
     */
    private HttpResponse<InputStream> send(RequestFactory factory, String what, int... expectedErrors)
            throws IOException {
        IOException last = null;
        RetryPolicy retry = settings.retry();
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            retry.pause(attempt);
            HttpResponse<InputStream> r;
            try {
                r = client.send(factory.newRequest().build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("Interrupted while trying to " + what + " on den server "
                        + server);
            } catch (IOException e) {
                last = e;
                continue;
            }
            int status = r.statusCode();
            if (status < 300) {
                return r;
            }
            for (int expected : expectedErrors) {
                if (status == expected) {
                    return r;
                }
            }
            if (RETRY_STATUSES.contains(status)) {
                r.body().close();
                last = new IOException("HTTP " + status);
                continue;
            }
            throw refusal(r, what);
        }
        throw unreachable(what, last);
    }

    private BackendUnreachableException unreachable(String what, IOException cause) {
        String why = cause == null ? "no answer" : describe(cause);
        // The read-through cache recognises this type and serves what it has cached.
        return new BackendUnreachableException(server, new IOException(why + " after " + settings.attempts()
                + " attempts to " + what + "; check that the den server runs (./jbang den serve prints its URL) and "
                + "that DEN4J_REMOTE_HOST (or the backend's location) points at it", cause));
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "request timed out";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private RemoteDenException refusal(HttpResponse<InputStream> r, String what) {
        ServerError error = errorOf(r);
        int status = r.statusCode();
        String fix = switch (status) {
            case 401 -> settings.token() == null
                    ? " Set " + TOKEN_VARIABLE + " (or the backend's credentials) to an API key of this server."
                    : " The key in " + TOKEN_VARIABLE + " (or the backend's credentials) is not one of this server's keys;"
                    + " ask its operator for a key.";
            case 403 -> "";
            default -> "";
        };
        return new RemoteDenException(server, status, error.code, "Den server " + server + " refused to " + what
                + " (HTTP " + status + " " + error.code + "): " + error.message + fix, null);
    }

    private record ServerError(String code, String message) {
    }

    private static ServerError errorOf(HttpResponse<InputStream> r) {
        String body;
        try (InputStream in = r.body()) {
            body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            body = "";
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.hasNonNull("message")) {
                return new ServerError(n.path("error").asText("error"), n.path("message").asText());
            }
        } catch (IOException e) {
            // not JSON: use the text
        }
        return new ServerError("http_" + r.statusCode(), body.isBlank() ? "no details" : body.strip());
    }

    private JsonNode json(HttpResponse<InputStream> r) throws IOException {
        try (InputStream in = r.body()) {
            return JSON.readTree(in);
        }
    }

    private static String quote(String etag) {
        return "\"" + etag + "\"";
    }

    private static String unquote(String etag) {
        String e = etag.startsWith("W/") ? etag.substring(2) : etag;
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    @FunctionalInterface
    private interface RequestFactory {
        HttpRequest.Builder newRequest() throws IOException;
    }

    /**
     * A blob download that continues with {@code Range: bytes=N-} when the connection drops, until the
     * whole blob has arrived or the server stays unreachable for {@link Settings#attempts()} tries in a row.
     */
    private final class ResumingStream extends InputStream {
        private final String digest;
        private final long size;
        private InputStream current;
        private long position;
        private int resumes;

        ResumingStream(String digest, InputStream first, long size) {
            this.digest = digest;
            this.current = first;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                int n;
                try {
                    n = current.read(b, off, len);
                } catch (IOException e) {
                    resume(e);
                    continue;
                }
                if (n < 0) {
                    if (size >= 0 && position < size) {
                        resume(new IOException("connection closed after " + position + " of " + size + " bytes"));
                        continue;
                    }
                    return -1;
                }
                position += n;
                return n;
            }
        }

        private void resume(IOException cause) throws IOException {
            try {
                current.close();
            } catch (IOException ignored) {
                // the connection is gone already
            }
            if (size < 0 || ++resumes > 1000) {
                throw cause;
            }
            System.getLogger("org.den4j.den").log(System.Logger.Level.INFO, "Download of blob " + digest + " from "
                    + server + " broke at byte " + position + " (" + cause.getMessage() + "); resuming");
            HttpResponse<InputStream> r = send(request(blobPath(digest)).header("Range", "bytes=" + position + "-").GET(),
                    "resume blob " + digest + " at byte " + position, 404);
            String range = r.headers().firstValue("Content-Range").orElse("");
            if (r.statusCode() != 206 || !range.startsWith("bytes " + position + "-")) {
                r.body().close();
                throw new IOException("Den server " + server + " did not resume blob " + digest + " at byte " + position
                        + " (HTTP " + r.statusCode() + " " + range + ")", cause);
            }
            current = r.body();
        }

        @Override
        public void close() throws IOException {
            current.close();
        }
    }

    /**
     * Opens den type {@code http}; registered in {@code META-INF/services}. The key comes from the
     * backend's {@code token} credential or {@value HttpBackend#TOKEN_VARIABLE}.
     */
    public static final class Provider implements DenBackend.Provider {
        @Override
        public org.den4j.den.DenType type() {
            return org.den4j.den.DenType.HTTP;
        }

        @Override
        public DenBackend open(BackendSpec spec) {
            return connect(Settings.from(spec, System.getenv()));
        }
    }

    /**
     * What a den server allows, as it advertises in {@code GET /api/v1/info}.
     *
     * @param den the server's den location, for messages
     * @param allowPushFinetuned whether it accepts pushes of fine-tuned models (models with a parent)
     * @param allowLocalFineTune whether its models may be fine-tuned on client machines (and such
     *     fine-tunes pushed back)
     * @param scopes the scopes of the key this client sends ({@code read}, {@code write}, {@code admin})
     */
    public record ServerPolicy(String den, boolean allowPushFinetuned, boolean allowLocalFineTune,
            List<String> scopes) {
    }

    /**
     * How to reach a den server.
     *
     * @param server the base URL, for example {@code http://den.example:8080}
     * @param token the API key sent as {@code Authorization: Bearer}, or null for none
     * @param workDirectory a local directory for fetched models and staged pushes
     * @param attempts how many times a request is tried while the server cannot be reached (at least 1)
     * @param backoff the wait before the second try; it doubles before each further one
     * @param connectTimeout how long to wait for a connection
     * @param requestTimeout how long to wait for a response's headers
     */
    public record Settings(URI server, String token, Path workDirectory, int attempts, Duration backoff,
            Duration connectTimeout, Duration requestTimeout) {
        public Settings {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(workDirectory, "workDirectory");
            String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || server.getHost() == null) {
                throw new DenConfigException("DEN4J_REMOTE_HOST", "Den server URL '" + server
                        + "' is not an http(s) URL; use the URL that ./jbang den serve prints, such as "
                        + "http://127.0.0.1:8080");
            }
            token = token == null || token.isBlank() ? null : token.trim();
            if (attempts < 1) {
                throw new DenConfigException("attempts", "Request attempts " + attempts + " must be at least 1");
            }
        }

        /** Settings with 4 attempts, 250 ms first backoff, 10 s connect and 60 s response timeouts. */
        public static Settings of(URI server, String token, Path workDirectory) {
            return new Settings(server, token, workDirectory, 4, Duration.ofMillis(250), Duration.ofSeconds(10),
                    Duration.ofSeconds(60));
        }

        /** How requests are retried: {@link #attempts()} tries, waiting {@link #backoff()}, then twice as long. */
        public RetryPolicy retry() {
            return RetryPolicy.doubling(attempts, backoff);
        }

        /** A copy with other retry settings. */
        public Settings withRetries(int attempts, Duration backoff) {
            return new Settings(server, token, workDirectory, attempts, backoff, connectTimeout, requestTimeout);
        }

        /**
         * The settings of a configured backend: the server from the backend's location when it is a URL,
         * else its host ({@code DEN4J_REMOTE_HOST}; a bare {@code host:port} means {@code http://host:port});
         * the key from its {@code token} credential, else {@value HttpBackend#TOKEN_VARIABLE} in {@code env};
         * the option {@code attempts}; and the work directory {@code http/HOST_PORT} in its cache directory.
         *
         * @throws DenConfigException when no server is set or the URL is not usable
         */
        public static Settings from(BackendSpec spec, Map<String, String> env) {
            String variable = BackendSpec.ENVIRONMENT.equals(spec.name()) ? "DEN4J_REMOTE_HOST" : spec.name();
            String host = spec.location() != null && spec.location().contains("://") ? spec.location() : spec.host();
            if (host == null || host.isBlank()) {
                throw new DenConfigException(variable, "Den type http needs the den server's URL; set "
                        + "DEN4J_REMOTE_HOST (or the backend's location), for example http://127.0.0.1:8080");
            }
            URI uri;
            try {
                uri = URI.create(host.contains("://") ? host.trim() : "http://" + host.trim());
            } catch (IllegalArgumentException e) {
                throw new DenConfigException(variable, "Den server URL " + host + " is not a URL (" + e.getMessage()
                        + "); use the URL that ./jbang den serve prints, such as http://127.0.0.1:8080");
            }
            String folder = (uri.getHost() + "_" + (uri.getPort() < 0 ? uri.getScheme() : uri.getPort()))
                    .replaceAll("[^A-Za-z0-9._-]", "_");
            String token = spec.credentials().getOrDefault("token", env.get(TOKEN_VARIABLE));
            int attempts;
            try {
                attempts = Integer.parseInt(spec.option("attempts", "4").trim());
            } catch (NumberFormatException e) {
                throw new DenConfigException(variable, "Option attempts=" + spec.option("attempts", "")
                        + " of backend " + spec.name() + " is not a whole number; use 1 or more");
            }
            return of(uri, token, spec.cache().path().resolve("http").resolve(folder))
                    .withRetries(attempts, Duration.ofMillis(250));
        }
    }
}
