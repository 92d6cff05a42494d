package org.den4j.serve.den;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.den4j.den.Den;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.den4j.den.ModelInUseException;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.ModelNotFoundException;
import org.den4j.den.PushResult;
import org.den4j.den.RegistryQuery;
import org.den4j.den.backend.BlobStat;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.DocumentStat;
import org.den4j.den.backend.HttpBackend;
import org.den4j.den.backend.StoredDocument;
import org.den4j.den.format.DocumentKey;
import org.den4j.den.format.Json;
import org.den4j.den.format.Sha256;
import org.den4j.serve.HttpEndpoint;
import org.den4j.serve.den.ApiKeys.Scope;

/** The den server's HTTP routes; see {@link DenServer} for the API. */
final class Routes {
    private static final String API = "/api/v1";
    private static final String JSON = "application/json";
    private static final int COPY_BUFFER = 256 * 1024;

    private final Den den;
    private final GuardedBackend backend;
    private final ApiKeys keys;
    private final GuardedBackend.ServerPolicy policy;

    Routes(Den den, GuardedBackend backend, ApiKeys keys, GuardedBackend.ServerPolicy policy) {
        this.den = den;
        this.backend = backend;
        this.keys = keys;
        this.policy = policy;
    }

    Javalin create() {
        Javalin app = HttpEndpoint.javalin(64L << 20, config -> config.http.disableCompression());
        app.before(ctx -> ctx.header(HttpBackend.LOCAL_FINE_TUNE_HEADER, String.valueOf(policy.allowLocalFineTune())));

        app.get(API + "/info", this::info);

        app.get(API + "/models", this::listModels);
        app.post(API + "/models", this::commit);
        app.get(API + "/models/<ref>", this::showModel);
        app.delete(API + "/models/<ref>", this::deleteModel);
        app.get(API + "/aliases/<name>", this::aliases);
        app.put(API + "/aliases/<name>", this::setAlias);
        app.delete(API + "/aliases/<name>", this::removeAlias);

        app.get(API + "/blobs", this::listBlobs);
        app.head(API + "/blobs/{digest}", ctx -> blob(ctx, true));
        app.get(API + "/blobs/{digest}", ctx -> blob(ctx, false));
        app.put(API + "/blobs/{digest}", this::uploadBlob);
        app.delete(API + "/blobs/{digest}", this::deleteBlob);
        app.post(API + "/blobs/{digest}/touch", this::touchBlob);
        app.post(API + "/blobs/{digest}/quarantine", this::quarantineBlob);

        app.get(API + "/docs", this::listDocs);
        app.get(API + "/docs/<key>", this::readDoc);
        app.put(API + "/docs/<key>", this::writeDoc);
        app.delete(API + "/docs/<key>", this::deleteDoc);
        app.get(API + "/changes", this::changes);
        app.post(API + "/staging/clean", this::cleanStaging);
        app.error(404, ctx -> {
            if (!String.valueOf(ctx.res().getContentType()).startsWith(JSON)) { // Javalin's own text answer
                error(ctx, 404, "no_route", "This den server has no " + ctx.method() + " " + ctx.path()
                        + "; its API is under " + API);
            }
        });

        app.exception(ServeException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        app.exception(ModelNotFoundException.class, (e, ctx) -> error(ctx, 404, "not_found", e.getMessage()));
        app.exception(ModelInUseException.class, (e, ctx) -> error(ctx, 409, "in_use", e.getMessage()));
        app.exception(DenInputException.class, (e, ctx) -> error(ctx, 400, "bad_input", e.getMessage()));
        app.exception(DenException.class, (e, ctx) -> error(ctx, 500, "den_error", e.getMessage()));
        // Server-side failures are logged in full on the server; the client gets an id to quote, not the
        // server's paths or stack.
        app.exception(IOException.class, (e, ctx) -> error(ctx, 500, "io_error", "The den server could not read or "
                + "write its storage (logged on the server as " + logged(ctx, e) + "); try again, or tell its operator"));
        app.exception(Exception.class, (e, ctx) -> error(ctx, 500, "internal_error", "The den server failed (logged "
                + "on the server as " + logged(ctx, e) + "); tell its operator"));
        return app;
    }

    private static String logged(Context ctx, Exception e) {
        String id = "error-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        System.getLogger("org.den4j.serve").log(System.Logger.Level.ERROR, id + ": request " + ctx.method() + " "
                + ctx.path() + " failed", e);
        return id;
    }

    // ---------------------------------------------------------------- authentication

    private ApiKeys.Key require(Context ctx, Scope scope) {
        String token = token(ctx);
        if (token == null) {
            if (scope == Scope.READ && keys.anonymousRead()) {
                return null;
            }
            ctx.header("WWW-Authenticate", "Bearer realm=\"den4j\"");
            throw new ServeException(401, "unauthorized", "This den server needs an API key with the "
                    + scope.configName() + " scope to " + what(scope) + "; send it as 'Authorization: Bearer TOKEN' "
                    + "(den4j clients: set " + HttpBackend.TOKEN_VARIABLE + " or the backend's credentials) and ask "
                    + "the server's operator for a key if you have none");
        }
        Optional<ApiKeys.Key> key = keys.find(token);
        if (key.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"den4j\", error=\"invalid_token\"");
            throw new ServeException(401, "unauthorized", "The API key sent is not a key of this den server; check "
                    + HttpBackend.TOKEN_VARIABLE + " (or the backend's credentials), or ask the server's operator "
                    + "for a key with the " + scope.configName() + " scope");
        }
        if (!key.get().allows(scope)) {
            String has = String.join(", ", key.get().effectiveScopes());
            throw new ServeException(403, "forbidden", "API key '" + key.get().name() + "' has the " + has
                    + " scope" + (key.get().effectiveScopes().size() == 1 ? "" : "s") + " only; to " + what(scope)
                    + " it needs the " + scope.configName() + " scope: ask the server's operator for such a key"
                    + (keys.anyWriter() || scope != Scope.WRITE ? "" : " (this server has no write keys: restart it "
                    + "with --keys FILE naming one)"));
        }
        return key.get();
    }

    private static String what(Scope scope) {
        return switch (scope) {
            case READ -> "list, show and download models";
            case WRITE -> "push, alias or delete models";
            case ADMIN -> "delete stored bytes or set blobs aside (den gc, den verify)";
        };
    }

    private static String token(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String apiKey = ctx.header("X-Api-Key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    // ---------------------------------------------------------------- info and registry

    private void info(Context ctx) {
        ApiKeys.Key key = require(ctx, Scope.READ);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("server", "den4j");
        body.put("protocol", 1);
        // The den's folder name only: its path on the server is none of the client's business.
        body.put("den", Path.of(den.location()).getFileName() == null ? "den"
                : Path.of(den.location()).getFileName().toString());
        body.put("policy", Map.of("allowPushFinetuned", policy.allowPushFinetuned(),
                "allowLocalFineTune", policy.allowLocalFineTune()));
        body.put("anonymousRead", keys.anonymousRead());
        body.put("key", key == null ? null : key.name());
        body.put("scopes", key == null ? List.of("read") : key.effectiveScopes());
        json(ctx, 200, body);
    }

    private void listModels(Context ctx) {
        require(ctx, Scope.READ);
        Map<String, List<String>> q = ctx.queryParamMap();
        if (q.isEmpty()) {
            json(ctx, 200, den.list());
            return;
        }
        RegistryQuery.Builder b = RegistryQuery.builder();
        Optional.ofNullable(ctx.queryParam("q")).ifPresent(b::text);
        b.tags(ctx.queryParams("tag"));
        Optional.ofNullable(ctx.queryParam("type")).ifPresent(b::modelType);
        Optional.ofNullable(ctx.queryParam("architecture")).ifPresent(b::architecture);
        b.latestOnly("true".equalsIgnoreCase(ctx.queryParam("latest")));
        json(ctx, 200, den.search(b.build()));
    }

    private void showModel(Context ctx) {
        require(ctx, Scope.READ);
        ModelInfo model = den.show(ctx.pathParam("ref"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("files", den.manifest(model.ref()).files());
        body.put("aliases", den.aliases(model.name()));
        json(ctx, 200, body);
    }

    private void deleteModel(Context ctx) {
        require(ctx, Scope.WRITE);
        ModelInfo deleted = den.delete(ctx.pathParam("ref"), "true".equalsIgnoreCase(ctx.queryParam("force")));
        json(ctx, 200, Map.of("deleted", deleted));
    }

    /** The body of {@code POST /api/v1/models}. */
    record CommitBody(String name, String description, List<String> tags, String parent, ModelMetadata metadata,
            List<FileEntry> files) {
    }

    private void commit(Context ctx) throws IOException {
        require(ctx, Scope.WRITE);
        CommitBody body;
        try {
            body = Json.MAPPER.readValue(ctx.bodyAsBytes(), CommitBody.class);
        } catch (IOException | RuntimeException e) {
            throw new ServeException(400, "bad_request", "The commit body is not valid (" + e.getMessage() + "); send "
                    + "{\"name\", \"files\": [{\"path\", \"size\", \"sha256\"}], \"parent\"?, \"description\"?, "
                    + "\"tags\"?, \"metadata\"?} after uploading each file to PUT /api/v1/blobs/SHA256");
        }
        if (body.name() == null || body.files() == null || body.files().isEmpty()) {
            throw new ServeException(400, "bad_request", "A commit needs a name and at least one file");
        }
        PushResult result = den.commit(body.name(), new Manifest(body.files()), body.description(), body.tags(),
                body.parent(), body.metadata());
        json(ctx, result.alreadyPresent() ? 200 : 201, result);
    }

    private void aliases(Context ctx) {
        require(ctx, Scope.READ);
        String name = ctx.pathParam("name");
        den.show(name);
        json(ctx, 200, Map.of("name", name, "aliases", den.aliases(name)));
    }

    private void setAlias(Context ctx) throws IOException {
        ApiKeys.Key key = require(ctx, Scope.WRITE);
        String name = ctx.pathParam("name");
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.hasNonNull("alias") || !body.path("version").canConvertToInt()
                || body.path("version").asInt() < 1) {
            throw new ServeException(400, "bad_request", "Send {\"alias\": \"prod\", \"version\": N} to set an alias");
        }
        JsonNode b = body;
        backend.as(key == null ? null : key.name(), () -> {
            den.alias(name, b.get("alias").asText(), b.get("version").asInt());
            return null;
        });
        json(ctx, 200, Map.of("name", name, "aliases", den.aliases(name)));
    }

    private void removeAlias(Context ctx) throws IOException {
        ApiKeys.Key key = require(ctx, Scope.WRITE);
        String name = ctx.pathParam("name");
        String alias = ctx.queryParam("alias");
        if (alias == null) {
            throw new ServeException(400, "bad_request", "Name the alias to remove: DELETE /api/v1/aliases/NAME?alias=A");
        }
        backend.as(key == null ? null : key.name(), () -> {
            den.removeAlias(name, alias);
            return null;
        });
        json(ctx, 200, Map.of("name", name, "aliases", den.aliases(name)));
    }

    // ---------------------------------------------------------------- blobs

    private static String digest(Context ctx) {
        String digest = ctx.pathParam("digest");
        if (!digest.matches("[0-9a-f]{64}")) {
            throw new ServeException(400, "bad_digest", "Blob name '" + digest + "' is not a SHA-256 digest; use 64 "
                    + "lower-case hex digits");
        }
        return digest;
    }

    private void listBlobs(Context ctx) throws IOException {
        require(ctx, Scope.READ);
        List<Map<String, Object>> out = new ArrayList<>();
        for (BlobStat b : backend.listBlobs()) {
            out.add(Map.of("digest", b.digest(), "size", b.size(), "lastModified", b.lastModified().toString()));
        }
        json(ctx, 200, out);
    }

    private void blob(Context ctx, boolean headOnly) throws IOException {
        require(ctx, Scope.READ);
        String digest = digest(ctx);
        OptionalLong stored = backend.blobSize(digest);
        if (stored.isEmpty()) {
            throw new ServeException(404, "no_blob", "This den server holds no blob sha256:" + digest);
        }
        long size = stored.getAsLong();
        long start = 0;
        long end = size - 1;
        HttpServletResponse res = ctx.res();
        String range = ctx.header("Range");
        int status = 200;
        if (range != null && !headOnly) {
            long[] r = parseRange(range, size);
            if (r == null) {
                res.setHeader("Content-Range", "bytes */" + size);
                throw new ServeException(416, "bad_range", "Range '" + range + "' does not fit blob sha256:" + digest
                        + " of " + size + " bytes");
            }
            if (r.length == 2) {
                start = r[0];
                end = r[1];
                status = 206;
                res.setHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
            }
        }
        long length = end - start + 1;
        res.setStatus(status);
        res.setContentType("application/octet-stream");
        res.setHeader("Accept-Ranges", "bytes");
        res.setHeader("ETag", "\"" + digest + "\"");
        res.setContentLengthLong(length);
        if (headOnly || length == 0) {
            return;
        }
        Optional<Path> local = backend.localBlob(digest);
        OutputStream out = res.getOutputStream();
        if (local.isPresent()) {
            try (FileChannel ch = FileChannel.open(local.get(), StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER);
                long position = start;
                long left = length;
                while (left > 0) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                    int n = ch.read(buffer, position);
                    if (n < 0) {
                        throw new IOException("Blob " + digest + " is shorter than " + size + " bytes");
                    }
                    out.write(buffer.array(), 0, n);
                    position += n;
                    left -= n;
                }
            }
        } else {
            try (InputStream in = backend.openBlob(digest)) {
                in.skipNBytes(start);
                byte[] buffer = new byte[COPY_BUFFER];
                long left = length;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new IOException("Blob " + digest + " is shorter than " + size + " bytes");
                    }
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
        }
        out.flush();
    }

    /**
     * One {@code bytes=} range as {start, end}; an empty array to serve the whole blob (several ranges,
     * or a unit other than bytes), null when it cannot be satisfied.
     */
    static long[] parseRange(String header, long size) {
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.contains(",")) {
            return new long[0];
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long start;
            long end;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    return null;
                }
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(a);
                end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            }
            if (start < 0 || start >= size || end < start) {
                return null;
            }
            return new long[] {start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void uploadBlob(Context ctx) throws IOException {
        require(ctx, Scope.WRITE);
        String digest = digest(ctx);
        long declared = ctx.req().getContentLengthLong();
        try (DenBackend.Staging staging = backend.openStaging()) {
            Path file = staging.directory().resolve(digest);
            Sha256.Copy copy;
            try (InputStream in = ctx.req().getInputStream()) {
                copy = Sha256.copy(in, file, n -> { });
            } catch (IOException e) {
                throw new ServeException(400, "truncated", "Blob sha256:" + digest + " arrived incomplete (the "
                        + "connection ended before its " + declared + " bytes); nothing was stored, upload it again");
            }
            if (declared >= 0 && copy.size() != declared) {
                throw new ServeException(400, "truncated", "Blob sha256:" + digest + " arrived with " + copy.size()
                        + " of " + declared + " bytes; upload it again");
            }
            if (!copy.sha256().equals(digest)) {
                throw new ServeException(422, "digest_mismatch", "The " + copy.size() + " bytes uploaded as blob sha256:"
                        + digest + " hash to sha256:" + copy.sha256() + "; nothing was stored. Upload the file under "
                        + "its own SHA-256 (it may have changed while it was sent)");
            }
            boolean created = backend.putBlob(digest, file);
            json(ctx, created ? 201 : 200, Map.of("digest", digest, "size", copy.size(), "created", created));
        }
    }

    private void deleteBlob(Context ctx) throws IOException {
        require(ctx, Scope.ADMIN);
        backend.deleteBlob(digest(ctx));
        ctx.status(204);
    }

    private void touchBlob(Context ctx) throws IOException {
        require(ctx, Scope.WRITE);
        String digest = digest(ctx);
        if (backend.blobSize(digest).isEmpty()) {
            throw new ServeException(404, "no_blob", "This den server holds no blob sha256:" + digest);
        }
        backend.touchBlob(digest);
        ctx.status(204);
    }

    private void quarantineBlob(Context ctx) throws IOException {
        require(ctx, Scope.ADMIN);
        String digest = digest(ctx);
        String actual;
        try (InputStream in = backend.openBlob(digest)) {
            actual = Sha256.of(in, n -> { });
        } catch (NoSuchFileException e) {
            throw new ServeException(404, "no_blob", "This den server holds no blob sha256:" + digest);
        }
        if (actual.equals(digest)) {
            throw new ServeException(409, "blob_intact", "Blob sha256:" + digest + " is intact on the server; it was "
                    + "not set aside (the damage you saw happened in transit: fetch again)");
        }
        backend.quarantineBlob(digest);
        ctx.status(204);
    }

    // ---------------------------------------------------------------- documents

    private void listDocs(Context ctx) throws IOException {
        require(ctx, Scope.READ);
        String prefix = Optional.ofNullable(ctx.queryParam("prefix")).orElse("");
        if (!prefix.isEmpty() && !isKeyText(prefix)) {
            throw new ServeException(400, "bad_prefix", "prefix=" + printable(prefix) + " is not the start of a den "
                    + "document key; use for example 'models/' or 'manifests/' (no '..', no leading '/', no '\\')");
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (DocumentStat d : backend.list(prefix)) {
            out.add(Map.of("key", d.key(), "etag", encodeEtag(d.etag())));
        }
        json(ctx, 200, out);
    }

    private void readDoc(Context ctx) throws IOException {
        require(ctx, Scope.READ);
        String key = key(ctx);
        Optional<StoredDocument> doc = DocumentKey.parse(key).isPresent() ? backend.read(key) : Optional.empty();
        if (doc.isEmpty()) {
            throw new ServeException(404, "no_document", "This den holds no document " + key);
        }
        ctx.header("ETag", "\"" + encodeEtag(doc.get().etag()) + "\"");
        ctx.status(200).contentType(JSON).result(doc.get().content());
    }

    private void writeDoc(Context ctx) throws IOException {
        ApiKeys.Key writer = require(ctx, Scope.WRITE);
        String key = key(ctx);
        byte[] content = ctx.bodyAsBytes();
        String ifNoneMatch = ctx.header("If-None-Match");
        String ifMatch = ctx.header("If-Match");
        boolean written;
        int status;
        String user = writer == null ? null : writer.name();
        if (ifNoneMatch != null && ifNoneMatch.trim().equals("*")) {
            written = backend.as(user, () -> backend.create(key, content));
            status = 201;
        } else if (ifMatch != null) {
            String etag = decodeEtag(unquote(ifMatch.trim()));
            written = backend.as(user, () -> backend.replace(key, content, etag));
            status = 200;
        } else {
            throw new ServeException(428, "precondition_required", "Writing document " + key + " needs 'If-None-Match: *'"
                    + " (create) or 'If-Match: ETAG' (replace the version you read), so no update is lost");
        }
        if (!written) {
            throw new ServeException(412, "precondition_failed", "Document " + key + " changed since it was read (or "
                    + "exists already); read it again and retry");
        }
        backend.read(key).ifPresent(d -> ctx.header("ETag", "\"" + encodeEtag(d.etag()) + "\""));
        ctx.status(status);
    }

    private void deleteDoc(Context ctx) throws IOException {
        require(ctx, Scope.ADMIN);
        backend.delete(key(ctx));
        ctx.status(204);
    }

    private void changes(Context ctx) throws IOException {
        require(ctx, Scope.READ);
        long since;
        try {
            since = Long.parseLong(Optional.ofNullable(ctx.queryParam("since")).orElse("0"));
        } catch (NumberFormatException e) {
            throw new ServeException(400, "bad_request", "since=" + ctx.queryParam("since") + " is not a journal "
                    + "position; use a whole number from a previous answer (0 for the start)");
        }
        if (since < 0) {
            throw new ServeException(400, "bad_request", "since=" + since + " is not a journal position; positions "
                    + "start at 0");
        }
        Optional<DenBackend.Changes> changes;
        try {
            changes = backend.changesSince(since);
        } catch (IOException e) {
            throw new ServeException(409, "journal_position", "Journal position " + since + " is past the end of this "
                    + "den's journal (" + e.getMessage() + "); the den was replaced: start again from 0");
        }
        if (changes.isEmpty()) {
            throw new ServeException(404, "no_journal", "This den keeps no change journal; list documents instead");
        }
        json(ctx, 200, Map.of("keys", changes.get().keys(), "position", changes.get().position()));
    }

    private static String key(Context ctx) {
        String key = ctx.pathParam("key");
        if (!isKeyText(key)) {
            throw new ServeException(400, "unknown_key", "Document key '" + printable(key) + "' leaves the den");
        }
        return key;
    }

    /** Text that may be (the start of) a document key: relative, no '..', no backslash, no control character. */
    private static boolean isKeyText(String key) {
        return !key.startsWith("/") && !key.contains("..") && !key.contains("\\")
                && key.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static String printable(String text) {
        return text.replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }

    private void cleanStaging(Context ctx) throws IOException {
        require(ctx, Scope.ADMIN);
        DenBackend.CleanupResult cleaned = backend.cleanStaleStaging();
        json(ctx, 200, Map.of("entries", cleaned.entries(), "bytes", cleaned.bytes()));
    }

    // ---------------------------------------------------------------- helpers

    /** Backend etags are opaque text (S3's hold quotes); HTTP carries them base64url-encoded. */
    static String encodeEtag(String etag) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(etag.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeEtag(String encoded) {
        try {
            return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // Not one of ours: it matches no document, so the write is refused with 412.
            return "\u0000" + encoded;
        }
    }

    private static String unquote(String etag) {
        String e = etag.startsWith("W/") ? etag.substring(2) : etag;
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(Json.bytes(body));
    }

    private void error(Context ctx, int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        // The server's own paths stay on the server: "den /srv/den" becomes "den (this server's den)".
        String location = den.location();
        body.put("message", message == null ? code : message.replace(location, "(this server's den)"));
        body.put("status", status);
        json(ctx, status, body);
    }
}
