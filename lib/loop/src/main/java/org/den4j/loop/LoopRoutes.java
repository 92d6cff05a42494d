package org.den4j.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.den4j.serve.HttpEndpoint;

/** The loop server's HTTP routes; see {@link LoopServer} for the contract. */
final class LoopRoutes {
    private static final String API = "/api/v1";
    private static final long MAX_JSON = 16L << 20;
    private static final long AUTH_CACHE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final LoopDatabase db;
    private final ObjectMapper json;
    private final PrometheusMeterRegistry registry;
    private final Tenants tenants;
    private final LabelSets labelSets;
    private final Observations observations;
    private final JobQueue queue;
    private final Models models;
    private final Training training;
    private final Uploads uploads;
    private final int rateLimit;
    private final Map<String, Object[]> authCache = new ConcurrentHashMap<>();
    private final Map<Long, long[]> windows = new ConcurrentHashMap<>();

    LoopRoutes(LoopDatabase db, ObjectMapper json, PrometheusMeterRegistry registry, Tenants tenants,
            LabelSets labelSets, Observations observations, JobQueue queue, Models models, Training training,
            Uploads uploads, int rateLimit) {
        this.db = db;
        this.json = json;
        this.registry = registry;
        this.tenants = tenants;
        this.labelSets = labelSets;
        this.observations = observations;
        this.queue = queue;
        this.models = models;
        this.training = training;
        this.uploads = uploads;
        this.rateLimit = rateLimit;
    }

    Javalin create() {
        Javalin app = HttpEndpoint.javalin(MAX_JSON, config -> config.jsonMapper(new JavalinJackson(json, false)));
        app.before(ctx -> ctx.attribute("den4j.start", System.nanoTime()));
        app.after(this::record);

        app.get("/health", this::health);
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
        app.get("/openapi.json", this::openApi);

        app.post(API + "/label-sets", this::createLabelSet);
        app.get(API + "/label-sets", ctx -> ctx.json(Map.of("label_sets", labelSets.list(caller(ctx)))));
        app.get(API + "/label-sets/{name}", ctx -> ctx.json(labelSets.get(caller(ctx), ctx.pathParam("name"))));
        app.get(API + "/label-sets/{name}/labels", ctx -> ctx.json(Map.of("labels", labelSets.labels(caller(ctx),
                ctx.pathParam("name"), ctx.queryParam("under")))));
        app.post(API + "/label-sets/{name}/observations", this::addObservations);
        app.post(API + "/label-sets/{name}/uploads", this::upload);
        app.post(API + "/label-sets/{name}/predict", this::predict);
        app.post(API + "/label-sets/{name}/train", ctx -> {
            long id = observations.train(caller(ctx), ctx.pathParam("name"));
            ctx.status(202).json(Map.of("job_id", id));
        });
        app.get(API + "/label-sets/{name}/models", ctx -> ctx.json(Map.of("models", models.list(caller(ctx),
                ctx.pathParam("name")))));
        app.post(API + "/label-sets/{name}/rollback", ctx -> ctx.json(Map.of("champion_version",
                models.rollback(caller(ctx), ctx.pathParam("name")))));
        app.post(API + "/label-sets/{name}/holdout", ctx -> ctx.json(Map.of("holdout_version",
                training.growHoldout(caller(ctx), ctx.pathParam("name")))));
        app.post(API + "/predictions/{id}/confirm", this::confirm);
        app.post(API + "/predictions/{id}/reject", ctx -> {
            observations.reject(caller(ctx), id(ctx));
            ctx.json(Map.of("status", "rejected"));
        });
        app.get(API + "/jobs/{id}", ctx -> ctx.json(queue.get(caller(ctx), id(ctx))));
        app.get(API + "/jobs/{id}/failures", ctx -> {
            String after = ctx.queryParam("after_line");
            ctx.json(Map.of("failures", uploads.failures(caller(ctx), id(ctx), 1000,
                    after == null ? 0 : Long.parseLong(after))));
        });
        app.post(API + "/keys", ctx -> {
            JsonNode body = body(ctx);
            NewKey key = tenants.addKey(caller(ctx), Role.of(text(body, "role", true)), text(body, "name", false));
            ctx.status(201).json(Map.of("key", key.key(), "role", key.role().id()));
        });

        app.exception(LoopException.class, (e, ctx) -> error(ctx, e.status(), e.type(), e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                e.getStatus() == 413 ? "invalid_request_error" : "server_error", e.getStatus() == 413
                        ? "The request body is larger than " + MAX_JSON + " bytes; send fewer items per request"
                        : e.getMessage()));
        app.exception(NumberFormatException.class, (e, ctx) -> error(ctx, 400, "invalid_request_error",
                "A number in the path or query is not a number: " + e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            System.getLogger("org.den4j.loop").log(System.Logger.Level.ERROR, "Request " + ctx.method() + " "
                    + ctx.path() + " failed", e);
            error(ctx, 500, "server_error", "The loop server failed: " + e);
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, 404, "not_found_error", "No route " + ctx.method() + " " + ctx.path() + "; see /openapi.json");
            }
        });
        app.error(405, ctx -> error(ctx, 405, "invalid_request_error", "Method " + ctx.method() + " is not allowed on "
                + ctx.path()));
        return app;
    }

    private void record(Context ctx) {
        Long start = ctx.attribute("den4j.start");
        if (start == null) {
            return;
        }
        String route;
        try {
            route = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            route = "unmatched";
        }
        Timer.builder("den4j_loop_http_requests").description("HTTP requests by route and status")
                .tag("method", ctx.method().name()).tag("route", route).tag("status", Integer.toString(ctx.statusCode()))
                .publishPercentileHistogram().register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private void error(Context ctx, int status, String type, String message) {
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putObject("error").put("message", message).put("type", type);
        error.putNull("param");
        error.put("code", codeOf(status));
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    /** The machine-readable code for a status, a string as in OpenAI's error shape (and serve-api's). */
    static String codeOf(int status) {
        switch (status) {
            case 400: return "bad_request";
            case 401: return "unauthorized";
            case 403: return "forbidden";
            case 404: return "not_found";
            case 405: return "method_not_allowed";
            case 409: return "conflict";
            case 413: return "payload_too_large";
            case 415: return "unsupported_media_type";
            case 422: return "unprocessable_entity";
            case 429: return "rate_limit_exceeded";
            case 503: return "unavailable";
            default: return status >= 500 ? "server_error" : "client_error";
        }
    }

    private void health(Context ctx) {
        try {
            db.withoutTenant(c -> c.createStatement().executeQuery("SELECT 1").next());
            ctx.json(Map.of("status", "ok"));
        } catch (RuntimeException e) {
            ctx.status(503).json(Map.of("status", "unavailable", "reason", String.valueOf(e.getMessage())));
        }
    }

    private void openApi(Context ctx) throws IOException {
        try (InputStream in = LoopRoutes.class.getResourceAsStream("openapi.json")) {
            ctx.contentType("application/json").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    // ---------------------------------------------------------------- auth

    private Caller caller(Context ctx) {
        String header = ctx.header("Authorization");
        String key = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = header.substring(7).trim();
        } else if (ctx.header("X-Api-Key") != null) {
            key = ctx.header("X-Api-Key").trim();
        }
        if (key == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"den4j-loop\"");
        }
        Caller caller;
        Object[] cached = key == null ? null : authCache.get(key);
        if (cached != null && System.nanoTime() - (long) cached[1] < AUTH_CACHE_NANOS) {
            caller = (Caller) cached[0];
        } else {
            caller = tenants.authenticate(key);
            if (authCache.size() > 10_000) {
                authCache.clear();
            }
            authCache.put(key, new Object[] {caller, System.nanoTime()});
        }
        limit(ctx, caller);
        return caller;
    }

    private void limit(Context ctx, Caller caller) {
        if (rateLimit <= 0) {
            return;
        }
        long second = System.currentTimeMillis() / 1000;
        long[] w = windows.compute(caller.keyId(), (k, v) -> {
            if (v == null || v[0] != second) {
                return new long[] {second, 1};
            }
            v[1]++;
            return v;
        });
        if (w[1] > rateLimit) {
            ctx.header("Retry-After", "1");
            throw new LoopException(429, "rate_limit_error", "More than " + rateLimit + " requests per second with "
                    + "this key; wait a second (Retry-After) or ask for a higher --rate-limit", null);
        }
    }

    // ---------------------------------------------------------------- bodies

    private JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) {
            throw new LoopInputException("The request body is empty; send a JSON object");
        }
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                throw new LoopInputException("The request body is not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LoopInputException("The request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new LoopInputException("The field \"" + field + "\" is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new LoopInputException("The field \"" + field + "\" is not a string");
        }
        return v.asText();
    }

    private static Double number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new LoopInputException("The field \"" + field + "\" is not a number");
        }
        return v.asDouble();
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new LoopInputException("The field \"" + field + "\" is not an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) {
            if (!x.isTextual()) {
                throw new LoopInputException("The field \"" + field + "\" is not an array of strings");
            }
            out.add(x.asText());
        }
        return out;
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw LoopAccessException.notFound("'" + ctx.pathParam("id") + "' is not an id");
        }
    }

    // ---------------------------------------------------------------- handlers

    private void createLabelSet(Context ctx) {
        Caller caller = caller(ctx);
        JsonNode body = body(ctx);
        List<Label> labels = new ArrayList<>();
        JsonNode ls = body.get("labels");
        if (ls != null && ls.isArray()) {
            for (JsonNode l : ls) {
                if (l.isTextual()) {
                    labels.add(new Label(l.asText(), null, null));
                } else {
                    labels.add(new Label(text(l, "name", true), text(l, "parent", false), null));
                }
            }
        }
        JsonNode multi = body.get("multi_label");
        if (multi == null || !multi.isBoolean()) {
            throw new LoopInputException("The field \"multi_label\" is missing or not true/false");
        }
        JsonNode after = body.get("train_after");
        LabelSet set = labelSets.create(caller, new LabelSets.Spec(text(body, "name", true), multi.asBoolean(),
                text(body, "algorithm", false), after == null ? 0 : after.asInt(), labels, number(body,
                "holdout_fraction"), number(body, "min_gain"), number(body, "macro_tolerance")));
        ctx.status(201).json(set);
    }

    private void addObservations(Context ctx) {
        Caller caller = caller(ctx);
        JsonNode body = body(ctx);
        JsonNode items = body.get("items");
        if (items == null || !items.isArray()) {
            throw new LoopInputException("The field \"items\" is missing or not an array; send {\"items\":[{\"text\":"
                    + "...}]}");
        }
        List<ObservationInput> inputs = new ArrayList<>();
        for (JsonNode item : items) {
            if (!item.isObject()) {
                throw new LoopInputException("Every item must be a JSON object with a \"text\"");
            }
            JsonNode meta = item.get("metadata");
            if (meta != null && !meta.isNull() && !meta.isObject()) {
                throw new LoopInputException("\"metadata\" must be a JSON object");
            }
            inputs.add(new ObservationInput(text(item, "text", true), strings(item, "labels"),
                    text(item, "external_id", false), meta));
        }
        List<Long> ids = observations.add(caller, ctx.pathParam("name"), inputs);
        ctx.status(201).json(Map.of("ids", ids));
    }

    private void upload(Context ctx) throws IOException {
        Caller caller = caller(ctx);
        boolean predict = "true".equalsIgnoreCase(ctx.queryParam("predict"));
        try (InputStream in = ctx.req().getInputStream()) {
            long id = uploads.receive(caller, ctx.pathParam("name"), ctx.header("Content-Type"), in, predict);
            ctx.status(202).json(Map.of("job_id", id));
        }
    }

    private void predict(Context ctx) {
        Caller caller = caller(ctx);
        JsonNode body = body(ctx);
        JsonNode persist = body.get("persist");
        if (persist != null && !persist.isNull() && !persist.isBoolean()) {
            throw new LoopInputException("The field \"persist\" is not true/false");
        }
        Prediction p = observations.predict(caller, ctx.pathParam("name"), text(body, "text", true),
                persist != null && persist.asBoolean());
        ObjectNode out = json.createObjectNode();
        out.set("labels", json.valueToTree(p.labels()));
        out.putObject("model").put("version", p.model().version()).put("den_ref", p.model().denRef());
        if (p.predictionId() != null) {
            out.put("prediction_id", p.predictionId());
        }
        ctx.json(out);
    }

    private void confirm(Context ctx) {
        Caller caller = caller(ctx);
        List<String> labels = null;
        if (!ctx.body().isBlank()) {
            labels = strings(body(ctx), "labels");
        }
        observations.confirm(caller, id(ctx), labels);
        ctx.json(Map.of("status", "confirmed"));
    }
}
