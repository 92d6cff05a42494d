package org.den4j.serve.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.den4j.coder.GenerativeCoder;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.Prediction;

/**
 * OpenAI-compatible endpoints over the served coder: {@code GET /v1/models}, {@code POST /v1/chat/completions},
 * {@code POST /v1/completions}, with {@code stream: true} as server-sent events ending in {@code data: [DONE]}.
 *
 * <p>The note is the last user message (or the prompt), with the coder prompt's lead-in ("Predict the medical codes
 * for the following text:") taken off when a client sends it. The answer is the comma-separated codes, or the
 * prediction JSON when {@code response_format} is {@code {"type":"json_object"}}. A {@link GenerativeCoder} really
 * generates (and streams its pieces as they are decoded); other coders form the text from their predictions, where
 * {@code max_tokens} caps the number of codes, {@code temperature}, {@code top_p} and {@code seed} are checked and
 * have no effect, and {@code usage} counts the note's words and one token a code.
 */
final class OpenAiEndpoints {
    /** The lead-in of the coder prompt, taken off a note when a client sends the whole prompt. */
    static final String PROMPT_LEAD = "Predict the medical codes for the following text:";
    private static final SecureRandom IDS = new SecureRandom();

    private final ApiRoutes routes;
    private final InferenceConfig.Inference defaults;
    private final Clock clock;

    OpenAiEndpoints(ApiRoutes routes, InferenceConfig.Inference defaults, Clock clock) {
        this.routes = routes;
        this.defaults = defaults;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- models

    void models(Context ctx) {
        ServedCoder s = routes.slot().acquire();
        try {
            ObjectNode out = ApiRoutes.JSON.createObjectNode();
            out.put("object", "list");
            out.putArray("data").add(modelEntry(s));
            ApiRoutes.json(ctx, out);
        } finally {
            s.release();
        }
    }

    void model(Context ctx) {
        ServedCoder s = routes.slot().acquire();
        try {
            checkModel(ctx.pathParam("id"), s.identity());
            ApiRoutes.json(ctx, modelEntry(s));
        } finally {
            s.release();
        }
    }

    private static ObjectNode modelEntry(ServedCoder s) {
        ObjectNode m = ApiRoutes.JSON.createObjectNode();
        m.put("id", s.identity().name());
        m.put("object", "model");
        m.put("created", s.loadedAt().getEpochSecond());
        m.put("owned_by", "den4j");
        return m;
    }

    /** Accepts the names a client may give the served coder; else 404 as OpenAI answers. */
    private static void checkModel(String asked, ModelIdentity id) {
        if (asked == null || asked.isBlank()) {
            return;
        }
        String name = id.name();
        String last = name.substring(name.lastIndexOf('/') + 1);
        if (asked.equals(name) || asked.equals(id.ref()) || asked.equals(id.requested()) || asked.equals(last)
                || asked.startsWith(name + "@")) {
            return;
        }
        throw new ApiException(404, "invalid_request_error", "model_not_found", "The model '" + asked + "' does not "
                + "exist here; this server serves '" + name + "' (GET /v1/models)");
    }

    // ---------------------------------------------------------------- completions

    void chatCompletions(Context ctx) {
        JsonNode body = routes.jsonBody(ctx);
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiException.badRequest("missing_messages", "The body needs \"messages\": a non-empty list such as "
                    + "[{\"role\": \"user\", \"content\": \"Pt with CHF ...\"}]");
        }
        String note = null;
        for (int i = messages.size() - 1; i >= 0 && note == null; i--) {
            JsonNode m = messages.get(i);
            if (m.isObject() && "user".equals(m.path("role").asText())) {
                note = content(m.get("content"), i);
            }
        }
        if (note == null) {
            throw ApiException.badRequest("missing_user_message", "\"messages\" has no message with role \"user\"; "
                    + "the last user message is the note to code");
        }
        complete(ctx, body, note, true);
    }

    void completions(Context ctx) {
        JsonNode body = routes.jsonBody(ctx);
        JsonNode prompt = body.get("prompt");
        if (prompt != null && prompt.isArray() && prompt.size() == 1) {
            prompt = prompt.get(0);
        }
        if (prompt != null && prompt.isArray()) {
            throw ApiException.badRequest("too_many_prompts", "\"prompt\" has " + prompt.size() + " prompts; send one "
                    + "a request (or use POST /predict/batch)");
        }
        String note = ApiRoutes.requireText(prompt, "prompt");
        if (body.path("echo").asBoolean(false)) {
            throw ApiException.badRequest("unsupported_echo", "\"echo\": true is not supported; leave it out");
        }
        complete(ctx, body, note, false);
    }

    private static String content(JsonNode content, int index) {
        if (content != null && content.isTextual()) {
            return content.asText();
        }
        if (content != null && content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                    text.append(text.length() == 0 ? "" : "\n").append(part.get("text").asText());
                } else {
                    throw ApiException.badRequest("unsupported_content", "messages[" + index + "] has a content part "
                            + "of type '" + part.path("type").asText() + "'; only text parts are supported (send a "
                            + "PDF to POST /predict/pdf)");
                }
            }
            return text.toString();
        }
        throw ApiException.badRequest("missing_text", "messages[" + index + "].content must be a string or a list "
                + "of text parts");
    }

    /** The sampling and format settings of a request. */
    private record Params(String model, int maxTokens, boolean maxTokensGiven, double temperature, double topP,
            Long seed, List<String> stop, boolean stream, boolean includeUsage, boolean json) {
    }

    private Params params(JsonNode body) {
        JsonNode model = body.get("model");
        if (model != null && !model.isNull() && !model.isTextual()) {
            throw ApiException.badRequest("bad_model", "\"model\" must be a string, such as \"den4j/icd-coder\"");
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) {
            throw ApiException.badRequest("unsupported_n", "\"n\" is " + n + "; this server answers one choice (n: 1)");
        }
        if (body.has("tools") || body.has("functions")) {
            throw ApiException.badRequest("unsupported_tools", "Tools and functions are not supported by a coder; "
                    + "leave them out");
        }
        JsonNode maxNode = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens")
                : body.get("max_tokens");
        int maxTokens = defaults.maxNewTokens();
        boolean given = false;
        if (maxNode != null && !maxNode.isNull()) {
            if (!maxNode.isIntegralNumber() || maxNode.asLong() < 1 || maxNode.asLong() > 1_000_000) {
                throw ApiException.badRequest("bad_max_tokens", "max_tokens is " + maxNode + "; use a whole number "
                        + "of at least 1");
            }
            maxTokens = maxNode.asInt();
            given = true;
        }
        double temperature = number(body, "temperature", defaults.temperature(), 0, 2, true);
        double topP = number(body, "top_p", defaults.topP(), 0, 1, false);
        Long seed = null;
        JsonNode s = body.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber()) {
                throw ApiException.badRequest("bad_seed", "seed is " + s + "; use a whole number");
            }
            seed = s.asLong();
        }
        List<String> stop = new ArrayList<>();
        JsonNode st = body.get("stop");
        if (st != null && !st.isNull()) {
            if (st.isTextual()) {
                stop.add(st.asText());
            } else if (st.isArray() && st.size() <= 4) {
                for (JsonNode e : st) {
                    if (!e.isTextual() || e.asText().isEmpty()) {
                        throw ApiException.badRequest("bad_stop", "stop has " + e + "; use up to 4 non-empty strings");
                    }
                    stop.add(e.asText());
                }
            } else {
                throw ApiException.badRequest("bad_stop", "stop is " + st + "; use a string or up to 4 strings");
            }
        }
        JsonNode streamNode = body.get("stream");
        if (streamNode != null && !streamNode.isNull() && !streamNode.isBoolean()) {
            throw ApiException.badRequest("bad_stream", "stream is " + streamNode + "; use true or false");
        }
        boolean stream = streamNode != null && streamNode.asBoolean();
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        boolean json = false;
        JsonNode rf = body.get("response_format");
        if (rf != null && !rf.isNull()) {
            String type = rf.path("type").asText("");
            switch (type) {
                case "text" -> json = false;
                case "json_object" -> json = true;
                default -> throw ApiException.badRequest("unsupported_response_format", "response_format type '"
                        + type + "' is not supported; use {\"type\": \"json_object\"} (the prediction JSON) or "
                        + "{\"type\": \"text\"}");
            }
        }
        return new Params(model == null || model.isNull() ? null : model.asText(), maxTokens, given, temperature, topP,
                seed, stop, stream, includeUsage, json);
    }

    private static double number(JsonNode body, String field, double fallback, double min, double max,
            boolean minIncluded) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        double x = v.asDouble();
        if (!v.isNumber() || x > max || x < min || (!minIncluded && x == min)) {
            throw ApiException.badRequest("bad_" + field, field + " is " + v + "; use a number in "
                    + (minIncluded ? "[" : "(") + min + ", " + max + "]");
        }
        return x;
    }

    /** An answer: the text, why it ended, and the usage. */
    private record Answer(String text, String finishReason, int promptTokens, int completionTokens) {
    }

    private void complete(Context ctx, JsonNode body, String rawNote, boolean chat) {
        Params p = params(body);
        String note = stripLead(rawNote);
        if (note.isBlank()) {
            throw ApiException.badRequest("empty_text", "The note is empty; put the text of a clinical note in the "
                    + (chat ? "last user message" : "prompt"));
        }
        PredictOptions options = routes.options(ApiRoutes.JSON.createObjectNode());
        String id = (chat ? "chatcmpl-" : "cmpl-") + HexFormat.of().formatHex(randomBytes());
        long created = clock.instant().getEpochSecond();
        if (p.stream()) {
            stream(ctx, p, note, options, id, created, chat);
            return;
        }
        Response r = routes.onCoder(s -> {
            checkModel(p.model(), s.identity());
            return new Response(answer(s, note, options, p, piece -> { }), s.identity());
        });
        ObjectNode out = envelope(id, chat ? "chat.completion" : "text_completion", created, p, r.identity());
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", r.answer().text());
            message.putNull("refusal");
        } else {
            choice.put("text", r.answer().text());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", r.answer().finishReason());
        out.set("usage", usage(r.answer()));
        ApiRoutes.json(ctx, out);
    }

    private record Response(Answer answer, ModelIdentity identity) {
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        IDS.nextBytes(b);
        return b;
    }

    private static ObjectNode envelope(String id, String object, long created, Params p, ModelIdentity identity) {
        ObjectNode out = ApiRoutes.JSON.createObjectNode();
        out.put("id", id);
        out.put("object", object);
        out.put("created", created);
        out.put("model", p.model() != null && !p.model().isBlank() ? p.model() : identity.name());
        out.put("system_fingerprint", fingerprint(identity));
        return out;
    }

    private static String fingerprint(ModelIdentity id) {
        String digest = id.digest() == null ? "folder" : id.digest().substring(id.digest().indexOf(':') + 1,
                Math.min(id.digest().length(), id.digest().indexOf(':') + 13));
        return "den4j-" + id.kind() + "-" + digest;
    }

    private static ObjectNode usage(Answer a) {
        ObjectNode u = ApiRoutes.JSON.createObjectNode();
        u.put("prompt_tokens", a.promptTokens());
        u.put("completion_tokens", a.completionTokens());
        u.put("total_tokens", a.promptTokens() + a.completionTokens());
        return u;
    }

    /** Computes the answer on a worker thread; {@code onPiece} sees the text as it is made. */
    private Answer answer(ServedCoder s, String note, PredictOptions options, Params p,
            java.util.function.Consumer<String> onPiece) {
        if (s.coder() instanceof GenerativeCoder g && !p.json()) {
            GenerativeCoder.Generation gen = g.generate(note, new GenerativeCoder.Sampling(p.maxTokens(),
                    p.temperature(), p.topP(), p.seed(), p.stop()), onPiece);
            return new Answer(gen.text(), gen.finishReason(), gen.promptTokens(), gen.completionTokens());
        }
        Prediction prediction = s.coder().predict(note, options);
        List<PredictedCode> codes = prediction.codes();
        String finish = "stop";
        if (p.maxTokensGiven() && codes.size() > p.maxTokens()) {
            codes = codes.subList(0, p.maxTokens());
            finish = "length";
        }
        String text;
        List<String> pieces = new ArrayList<>();
        if (p.json()) {
            text = new Prediction(codes, prediction.model(), prediction.processingTimeMs(), prediction.dropped())
                    .toJson();
            pieces.add(text);
        } else {
            StringBuilder b = new StringBuilder();
            for (PredictedCode c : codes) {
                String piece = (b.length() == 0 ? "" : ", ") + c.code();
                pieces.add(piece);
                b.append(piece);
            }
            text = b.toString();
        }
        int cut = firstStop(text, p.stop());
        if (cut >= 0) {
            text = text.substring(0, cut);
            finish = "stop";
            pieces = List.of(text);
        }
        pieces.forEach(onPiece);
        return new Answer(text, finish, words(note), codes.size());
    }

    private static int firstStop(String text, List<String> stops) {
        int first = -1;
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && (first < 0 || i < first)) {
                first = i;
            }
        }
        return first;
    }

    private static int words(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    /**
     * The note without the coder prompt's lead-in, when a client sent the whole prompt; otherwise the text exactly as
     * sent (coders see what {@code /predict} would give them).
     */
    static String stripLead(String text) {
        String t = text.stripLeading();
        if (t.regionMatches(true, 0, PROMPT_LEAD, 0, PROMPT_LEAD.length())) {
            return t.substring(PROMPT_LEAD.length()).stripLeading();
        }
        return text;
    }

    // ---------------------------------------------------------------- streaming

    private void stream(Context ctx, Params p, String note, PredictOptions options, String id, long created,
            boolean chat) {
        Sse sse = new Sse(ctx);
        String object = chat ? "chat.completion.chunk" : "text_completion";
        Response r;
        try {
            r = routes.onCoder(s -> {
                checkModel(p.model(), s.identity());
                ModelIdentity identity = s.identity();
                if (chat) {
                    ObjectNode first = envelope(id, object, created, p, identity);
                    ObjectNode choice = first.putArray("choices").addObject();
                    choice.put("index", 0);
                    ObjectNode delta = choice.putObject("delta");
                    delta.put("role", "assistant");
                    delta.put("content", "");
                    choice.putNull("logprobs");
                    choice.putNull("finish_reason");
                    sse.send(first);
                }
                Answer a = answer(s, note, options, p, piece -> {
                    if (!piece.isEmpty()) {
                        sse.send(chunk(id, object, created, p, identity, chat, piece, null));
                    }
                });
                return new Response(a, identity);
            });
        } catch (ApiException e) {
            if (!sse.started()) {
                throw e;
            }
            sse.send(ApiRoutes.errorBody(e.type(), e.code(), e.getMessage()));
            sse.done();
            return;
        }
        sse.send(chunk(id, object, created, p, r.identity(), chat, chat ? null : "", r.answer().finishReason()));
        if (p.includeUsage()) {
            ObjectNode u = envelope(id, object, created, p, r.identity());
            u.putArray("choices");
            u.set("usage", usage(r.answer()));
            sse.send(u);
        }
        sse.done();
    }

    private static ObjectNode chunk(String id, String object, long created, Params p, ModelIdentity identity,
            boolean chat, String text, String finishReason) {
        ObjectNode c = envelope(id, object, created, p, identity);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (text != null) {
                delta.put("content", text);
            }
        } else {
            choice.put("text", text == null ? "" : text);
        }
        choice.putNull("logprobs");
        ApiRoutes.putNullable(choice, "finish_reason", finishReason);
        if (p.includeUsage()) {
            c.putNull("usage");
        }
        return c;
    }

    /** Server-sent events on a response: {@code data: JSON} blocks, flushed one by one. */
    private static final class Sse {
        private final Context ctx;
        private OutputStream out;

        Sse(Context ctx) {
            this.ctx = ctx;
        }

        boolean started() {
            return out != null;
        }

        synchronized void send(JsonNode data) {
            try {
                write("data: " + ApiRoutes.JSON.writeValueAsString(data) + "\n\n");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write an event as JSON", e);
            }
        }

        synchronized void done() {
            write("data: [DONE]\n\n");
        }

        private void write(String event) {
            try {
                if (out == null) {
                    ctx.status(200);
                    ctx.res().setContentType("text/event-stream; charset=utf-8");
                    ctx.res().setHeader("Cache-Control", "no-cache");
                    ctx.res().setHeader("X-Accel-Buffering", "no");
                    out = ctx.res().getOutputStream();
                }
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // the client went away: stop generating
                throw new UncheckedIOException("The client closed the stream", e);
            }
        }
    }
}
