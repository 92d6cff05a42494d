package org.den4j.serve.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.den4j.coder.CoderException;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.Prediction;
import org.den4j.serve.HttpEndpoint;
import org.den4j.serve.den.ApiKeys;

/** The coder API's routes; see {@link CoderApiServer} for the contract. */
final class ApiRoutes {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger("org.den4j.serve.api");
    private static final Set<String> OPEN_PATHS = Set.of("/health", "/openapi.json", "/docs");
    private static final Set<String> PREDICT_FIELDS = Set.of("text", "top_k", "threshold", "code_system", "evidence");
    private static final Set<String> BATCH_FIELDS = Set.of("texts", "top_k", "threshold", "code_system", "evidence");

    private final InferenceConfig config;
    private final CoderSlot slot;
    private final ApiMetrics metrics;
    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final ExecutorService workers;
    private final Clock clock;
    private final Instant startedAt;
    private final OpenAiEndpoints openAi;

    ApiRoutes(InferenceConfig config, CoderSlot slot, ApiMetrics metrics, ApiKeys keys, RateLimiter limiter,
            ExecutorService workers, Clock clock) {
        this.config = config;
        this.slot = slot;
        this.metrics = metrics;
        this.keys = keys;
        this.limiter = limiter;
        this.workers = workers;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.openAi = new OpenAiEndpoints(this, config.inference(), clock);
    }

    Javalin create() {
        long maxBody = config.api().maxBodyBytes();
        Javalin app = HttpEndpoint.javalin(maxBody, c -> {
            // compression would hold back server-sent events until a buffer fills
            c.http.disableCompression();
            c.jetty.multipartConfig.maxTotalRequestSize(maxBody, SizeUnit.BYTES);
            c.jetty.multipartConfig.maxFileSize(maxBody, SizeUnit.BYTES);
            c.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(maxBody, Integer.MAX_VALUE), SizeUnit.BYTES);
            List<String> origins = config.api().corsOrigins();
            if (!origins.isEmpty()) {
                c.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                    if (origins.contains("*")) {
                        rule.anyHost();
                    } else {
                        rule.allowHost(origins.get(0), origins.subList(1, origins.size()).toArray(String[]::new));
                    }
                    rule.exposeHeader("Retry-After");
                }));
            }
            c.requestLogger.http((ctx, ms) -> logged(ctx, ms));
        });
        app.before(ctx -> ctx.attribute("den4j.start", System.nanoTime()));
        app.beforeMatched(this::guard);

        app.get("/health", this::health);
        app.get("/info", this::info);
        app.post("/predict", this::predict);
        app.post("/predict/batch", this::predictBatch);
        app.post("/predict/pdf", this::predictPdf);
        app.get("/v1/models", openAi::models);
        app.get("/v1/models/<id>", openAi::model);
        app.post("/v1/chat/completions", openAi::chatCompletions);
        app.post("/v1/completions", openAi::completions);
        app.get("/metrics", ctx -> ctx.contentType(ApiMetrics.contentType()).result(metrics.scrape()));
        app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(ApiDocument.openApi()));
        app.get("/docs", ctx -> ctx.contentType("text/html; charset=utf-8").result(ApiDocument.html()));
        app.post("/admin/reload", this::reload);

        app.exception(ApiException.class, (e, ctx) -> {
            if (e.retryAfterSeconds() > 0) {
                ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
            }
            error(ctx, e.status(), e.type(), e.code(), e.getMessage());
        });
        app.exception(CoderInputException.class, (e, ctx) ->
                error(ctx, 400, "invalid_request_error", "bad_input", e.getMessage()));
        app.exception(CoderException.class, (e, ctx) -> error(ctx, 500, "server_error", "coder_error", e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), typeOf(e.getStatus()),
                codeOf(e.getStatus()), javalinMessage(ctx, e)));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.log(Level.ERROR, "Request " + ctx.method() + " " + ctx.path() + " failed", e);
            error(ctx, 500, "server_error", "internal_error", "The coder API failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " (the server log has the details)");
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, 404, "invalid_request_error", "not_found", "No route " + ctx.method() + " " + ctx.path()
                        + "; GET /openapi.json lists the routes");
            }
        });
        return app;
    }

    private static String javalinMessage(Context ctx, HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> "No route " + ctx.method() + " " + ctx.path() + "; GET /openapi.json lists the routes";
            case 413 -> "The request body is larger than the server's limit; send less (api.max_body_bytes)";
            default -> e.getMessage();
        };
    }

    private void logged(Context ctx, float ms) {
        Long start = ctx.attribute("den4j.start");
        long nanos = start == null ? (long) (ms * 1e6) : System.nanoTime() - start;
        String route;
        try {
            route = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            route = "unmatched";
        }
        if (route == null || route.isEmpty() || route.equals("*") || ctx.status().getCode() == 404
                && !route.startsWith("/v1/models/")) {
            route = ctx.status().getCode() == 404 ? "unmatched" : route;
        }
        metrics.request(ctx.method().name(), route, ctx.status().getCode(), nanos);
        if (config.logging().requests()) {
            LOG.log(Level.INFO, String.format(Locale.ROOT, "%s %s %d %.1f ms", ctx.method(), ctx.path(),
                    ctx.status().getCode(), nanos / 1e6));
        }
    }

    // ---------------------------------------------------------------- keys, rate limit, body size

    private void guard(Context ctx) {
        if (ctx.method().name().equals("OPTIONS") || OPEN_PATHS.contains(ctx.path())) {
            return;
        }
        String client = "address " + ctx.ip();
        if (keys != null) {
            ApiKeys.Scope scope = ctx.path().startsWith("/admin/") ? ApiKeys.Scope.ADMIN : ApiKeys.Scope.READ;
            String token = token(ctx);
            if (token == null) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"den4j\"");
                throw new ApiException(401, "authentication_error", "missing_api_key", "This coder API needs an API "
                        + "key; send it as 'Authorization: Bearer KEY' (OpenAI clients: api_key=KEY) or X-Api-Key");
            }
            Optional<ApiKeys.Key> key = keys.find(token);
            if (key.isEmpty()) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"den4j\", error=\"invalid_token\"");
                throw new ApiException(401, "authentication_error", "invalid_api_key", "The API key sent is not a "
                        + "key of this coder API; check it, or ask the server's operator for one");
            }
            if (!key.get().allows(scope)) {
                throw new ApiException(403, "permission_error", "insufficient_scope", "API key '" + key.get().name()
                        + "' has the " + String.join(", ", key.get().effectiveScopes()) + " scope only; "
                        + ctx.path() + " needs the " + scope.configName() + " scope");
            }
            client = "key " + key.get().name();
        }
        if (limiter != null) {
            long wait = limiter.acquire(client);
            if (wait > 0) {
                throw new ApiException(429, "rate_limit_error", "rate_limit_exceeded", "Rate limit of "
                        + config.api().requestsPerMinute() + " requests a minute reached for " + client
                        + "; retry after " + wait + " s", wait);
            }
        }
        String length = ctx.header("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > config.api().maxBodyBytes()) {
            throw tooLarge();
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "invalid_request_error", "request_too_large", "The request body is larger than "
                + config.api().maxBodyBytes() + " bytes, the server's limit (api.max_body_bytes); send less text or "
                + "a smaller file, or split a batch");
    }

    private static String token(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = auth.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        String apiKey = ctx.header("X-Api-Key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    // ---------------------------------------------------------------- health and info

    private void health(Context ctx) {
        ObjectNode out = JSON.createObjectNode();
        if (slot.ready()) {
            out.put("status", "ok");
            ctx.status(200);
        } else {
            out.put("status", "loading");
            if (slot.lastError() != null) {
                out.put("error", slot.lastError());
            }
            ctx.status(503).header("Retry-After", "1");
        }
        json(ctx, out);
    }

    private void info(Context ctx) {
        ServedCoder s = slot.acquire();
        try {
            ModelIdentity id = s.identity();
            IcdCoder coder = s.coder();
            ObjectNode out = JSON.createObjectNode();
            out.put("status", "ok");
            ObjectNode model = out.putObject("model");
            model.put("name", id.name());
            putNullable(model, "version", id.version() == null ? null : String.valueOf(id.version()));
            putNullable(model, "digest", id.digest());
            model.put("kind", id.kind());
            model.put("ref", id.ref());
            model.put("requested", id.requested());
            model.put("loaded_at", s.loadedAt().toString());
            model.put("load_ms", s.loadMillis());
            ArrayNode systems = out.putArray("code_systems");
            new TreeSet<>(coder.dictionary().codes().stream().map(c -> c.system().label()).toList())
                    .forEach(systems::add);
            ArrayNode versions = out.putArray("icd_versions");
            coder.versions().stream().map(IcdVersion::id).sorted().forEach(versions::add);
            out.put("default_icd_version", coder.defaultVersion().id());
            out.put("codes", coder.dictionary().size());
            ObjectNode m = out.putObject("metrics");
            id.metrics().forEach(m::put);
            out.put("generative", coder instanceof org.den4j.coder.GenerativeCoder);
            out.put("started_at", startedAt.toString());
            out.put("den4j_version", CoderApiServer.version());
            json(ctx, out);
        } finally {
            s.release();
        }
    }

    private void reload(Context ctx) {
        CoderSlot.Swap swap = slot.reload();
        ObjectNode out = JSON.createObjectNode();
        out.put("reloaded", true);
        out.put("model", swap.now().ref());
        putNullable(out, "digest", swap.now().digest());
        putNullable(out, "previous", swap.before() == null ? null : swap.before().ref());
        out.put("load_ms", swap.loadMillis());
        json(ctx, out);
    }

    // ---------------------------------------------------------------- predictions

    private void predict(Context ctx) {
        JsonNode body = jsonBody(ctx);
        requireOnly(body, PREDICT_FIELDS);
        String text = requireText(body.get("text"), "text");
        PredictOptions options = options(body);
        Prediction p = onCoder(s -> s.coder().predict(text, options));
        ctx.contentType("application/json").result(p.toJson());
    }

    private void predictBatch(Context ctx) {
        JsonNode body = jsonBody(ctx);
        requireOnly(body, BATCH_FIELDS);
        JsonNode texts = body.get("texts");
        if (texts == null || !texts.isArray() || texts.isEmpty()) {
            throw ApiException.badRequest("missing_texts", "The body needs \"texts\": a non-empty list of notes, "
                    + "as {\"texts\": [\"note one\", \"note two\"]}");
        }
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            notes.add(requireText(texts.get(i), "texts[" + i + "]"));
        }
        PredictOptions options = options(body);
        List<Prediction> results = onCoder(s -> s.coder().predictBatch(notes, options));
        StringBuilder out = new StringBuilder("{\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            out.append(i == 0 ? "" : ",").append(results.get(i).toJson());
        }
        ctx.contentType("application/json").result(out.append("]}").toString());
    }

    private void predictPdf(Context ctx) throws IOException {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiException(415, "invalid_request_error", "unsupported_media_type", "POST /predict/pdf takes "
                    + "multipart/form-data with the PDF in the field 'file' (curl -F file=@note.pdf), not "
                    + (type == null ? "a body without a content type" : type));
        }
        UploadedFile file = ctx.uploadedFile("file");
        if (file == null) {
            throw ApiException.badRequest("missing_file", "The form has no field 'file'; send the PDF as "
                    + "curl -F file=@note.pdf");
        }
        byte[] bytes;
        try (InputStream in = file.content()) {
            bytes = in.readAllBytes();
        }
        org.den4j.coder.PdfText note = PdfNote.read(bytes, file.filename());
        PredictOptions options = options(formOptions(ctx));
        Prediction p = onCoder(s -> s.coder().predict(note.text(), options));
        ObjectNode out = (ObjectNode) JSON.valueToTree(p);
        out.put("pages", note.pageCount());
        json(ctx, out);
    }

    private static JsonNode formOptions(Context ctx) {
        ObjectNode o = JSON.createObjectNode();
        String topK = ctx.formParam("top_k");
        if (topK != null && !topK.isBlank()) {
            if (!topK.strip().matches("\\d{1,9}")) {
                throw ApiException.badRequest("bad_top_k", "top_k is '" + topK + "'; use a whole number of at least 1");
            }
            o.put("top_k", Integer.parseInt(topK.strip()));
        }
        String threshold = ctx.formParam("threshold");
        if (threshold != null && !threshold.isBlank()) {
            try {
                o.put("threshold", Double.parseDouble(threshold.strip()));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("bad_threshold", "threshold is '" + threshold + "'; use a number in "
                        + "[0, 1]");
            }
        }
        String system = ctx.formParam("code_system");
        if (system != null && !system.isBlank()) {
            o.put("code_system", system);
        }
        return o;
    }

    /** The prediction settings of a body, over the configuration's defaults. */
    PredictOptions options(JsonNode body) {
        InferenceConfig.Inference d = config.inference();
        Integer topK = d.topK();
        JsonNode k = body.get("top_k");
        if (k != null && !k.isNull()) {
            if (!k.isIntegralNumber() || k.asLong() < 1 || k.asLong() > 100_000) {
                throw ApiException.badRequest("bad_top_k", "top_k is " + k + "; use a whole number of at least 1");
            }
            topK = k.asInt();
        }
        Double threshold = d.threshold();
        JsonNode t = body.get("threshold");
        if (t != null && !t.isNull()) {
            if (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 1) {
                throw ApiException.badRequest("bad_threshold", "threshold is " + t + "; use a number in [0, 1]");
            }
            threshold = t.asDouble();
        }
        IcdVersion version = null;
        JsonNode cs = body.get("code_system");
        if (cs != null && !cs.isNull()) {
            if (!cs.isTextual()) {
                throw ApiException.badRequest("bad_code_system", "code_system is " + cs + "; use \"icd10\" or \"icd9\"");
            }
            version = IcdVersion.parse(cs.asText());
        }
        boolean evidence = true;
        JsonNode e = body.get("evidence");
        if (e != null && !e.isNull()) {
            if (!e.isBoolean()) {
                throw ApiException.badRequest("bad_evidence", "evidence is " + e + "; use true or false");
            }
            evidence = e.asBoolean();
        }
        return new PredictOptions(topK, threshold, version, evidence);
    }

    /**
     * Runs {@code work} on a worker thread with a reference to the served coder, within the request timeout.
     *
     * @throws ApiException 503 while loading or when the workers are gone, 504 past the timeout
     */
    <T> T onCoder(Function<ServedCoder, T> work) {
        ServedCoder s = slot.acquire();
        Future<T> future;
        try {
            future = workers.submit(() -> {
                try {
                    return work.apply(s);
                } finally {
                    s.release();
                }
            });
        } catch (RejectedExecutionException e) {
            s.release();
            throw new ApiException(503, "server_error", "shutting_down", "The coder API is shutting down; retry "
                    + "against another instance", 1);
        }
        long timeout = config.api().requestTimeout().toMillis();
        try {
            return future.get(timeout, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ApiException(504, "server_error", "timeout", "The coder took longer than the request timeout "
                    + "of " + timeout + " ms (api.request_timeout_seconds); send a shorter note or raise the timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "server_error", "shutting_down", "The coder API is shutting down", 1);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CoderException("The coder failed: " + cause, cause);
        }
    }

    /** The request timeout in milliseconds. */
    long timeoutMillis() {
        return config.api().requestTimeout().toMillis();
    }

    ExecutorService workers() {
        return workers;
    }

    CoderSlot slot() {
        return slot;
    }

    // ---------------------------------------------------------------- JSON in and out

    /**
     * The body as JSON, checked to be UTF-8 and within the size limit.
     *
     * @throws ApiException 400 for a body that is empty, not UTF-8 or not a JSON object; 413 above the limit
     */
    JsonNode jsonBody(Context ctx) {
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.api().maxBodyBytes() + 1));
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable_body", "The request body could not be read: " + e.getMessage());
        }
        if (bytes.length > config.api().maxBodyBytes()) {
            throw tooLarge();
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("empty_body", "The request body is empty; send a JSON object such as "
                    + "{\"text\": \"...\"}");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("not_utf8", "The request body is not UTF-8; send the note as UTF-8 JSON");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", "The request body is not valid JSON: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("invalid_json", "The request body must be a JSON object, such as "
                    + "{\"text\": \"...\"}");
        }
        return node;
    }

    private static void requireOnly(JsonNode body, Set<String> fields) {
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!fields.contains(n)) {
                throw ApiException.badRequest("unknown_field", "Unknown field \"" + n + "\"; the fields here are "
                        + String.join(", ", new TreeSet<>(fields)));
            }
        }
    }

    /** The text of a field, which must be a non-blank string. */
    static String requireText(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("missing_text", "The body has no \"" + field + "\"; send the note's text, "
                    + "as {\"" + field + "\": \"Pt with CHF ...\"}");
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest("bad_text", "\"" + field + "\" must be a string, was " + node.getNodeType()
                    .name().toLowerCase(Locale.ROOT));
        }
        if (node.asText().isBlank()) {
            throw ApiException.badRequest("empty_text", "\"" + field + "\" is empty; send the text of a clinical note");
        }
        return node.asText();
    }

    static void json(Context ctx, JsonNode node) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new CoderException("Cannot write JSON: " + e.getMessage(), e);
        }
    }

    static void putNullable(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    /** The OpenAI error body. */
    static ObjectNode errorBody(String type, String code, String message) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode e = out.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.putNull("param");
        e.put("code", code);
        return out;
    }

    static void error(Context ctx, int status, String type, String code, String message) {
        ctx.status(status);
        json(ctx, errorBody(type, code, message));
    }

    private static String typeOf(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    private static String codeOf(int status) {
        return switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "request_too_large";
            default -> "http_" + status;
        };
    }
}
