package org.den4j.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.den4j.coder.CoderDen;
import org.den4j.den.Den;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route of the coder API over loopback with the JDK's HttpClient, against a real coder pushed to a den. */
class CoderApiTest {
    static final String NOTE = "Pt admitted with CHF exacerbation. History of type 2 diabetes. CHF improved.";
    @TempDir
    static Path dir;
    static Den den;
    static CoderApiServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        den = Den.at(dir.resolve("den"));
        Path folder = KeywordCoder.write(dir.resolve("coder"), KeywordCoder.keywords(1.0), KeywordCoder.descriptions(),
                0);
        CoderDen.push(den, folder, "den4j/icd-coder", null);
        den.alias("den4j/icd-coder", "champion", 1);
        InferenceConfig config = InferenceConfig.defaults().withApi(InferenceConfig.defaults().api()
                .withAddress("127.0.0.1", 0));
        config = new InferenceConfig(null, config.model(), config.inference(), new InferenceConfig.Api("127.0.0.1", 0,
                List.of("http://notebook.example"), 0, 0, Duration.ofMillis(1500), 64 * 1024, null, 4),
                config.logging());
        server = CoderApiServer.builder(config).den(den).start();
        http = new Http(server.url());
        awaitReady(http);
    }

    static void awaitReady(Http h) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (h.get("/health").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the coder API never became ready: " + h.get("/health").body());
            }
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
        den.close();
    }

    static void assertError(HttpResponse<String> r, int status, String type, String code) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers()
                .toString());
        JsonNode e = Http.json(r).get("error");
        assertNotNull(e, r.body());
        assertEquals(type, e.get("type").asText(), r.body());
        assertEquals(code, e.get("code").asText(), r.body());
        assertFalse(e.get("message").asText().isBlank());
        assertTrue(e.has("param"));
        assertFalse(r.body().contains("\tat "), "no stack trace: " + r.body());
    }

    // ---------------------------------------------------------------- health, info

    @Test
    void healthSaysOkOnceLoaded() throws Exception {
        HttpResponse<String> r = http.get("/health");
        assertEquals(200, r.statusCode());
        assertEquals("ok", Http.json(r).get("status").asText());
    }

    @Test
    void infoDescribesTheServedCoder() throws Exception {
        JsonNode info = Http.json(http.get("/info"));
        assertEquals("den4j/icd-coder", info.at("/model/name").asText());
        assertEquals("1", info.at("/model/version").asText());
        assertTrue(info.at("/model/digest").asText().startsWith("sha256:"));
        assertEquals(KeywordCoder.KIND, info.at("/model/kind").asText());
        assertEquals("den4j/icd-coder@champion", info.at("/model/requested").asText());
        assertEquals("ICD-10-CM", info.at("/code_systems/0").asText());
        assertEquals(3, info.get("codes").asInt());
        assertEquals(0.5, info.at("/metrics/validation_micro_f1").asDouble());
        assertEquals("0.1.0", info.get("den4j_version").asText());
        assertFalse(info.get("started_at").asText().isBlank());
    }

    // ---------------------------------------------------------------- predict

    @Test
    void predictAnswersThePredictionJson() throws Exception {
        HttpResponse<String> r = http.post("/predict", Http.JSON.writeValueAsString(java.util.Map.of("text", NOTE)));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode p = Http.json(r);
        assertEquals(List.of("codes", "model", "processing_time_ms"), names(p));
        JsonNode first = p.at("/codes/0");
        assertEquals(List.of("code", "system", "description", "score", "evidence"), names(first));
        assertEquals("I50.9", first.get("code").asText());
        assertEquals("ICD-10-CM", first.get("system").asText());
        assertEquals("Heart failure, unspecified", first.get("description").asText());
        assertEquals(0.9, first.get("score").asDouble(), 1e-9);
        assertEquals(2, first.get("evidence").size());
        JsonNode span = first.at("/evidence/0");
        assertEquals("CHF", span.get("text").asText());
        assertEquals("CHF", NOTE.substring(span.get("start").asInt(), span.get("end").asInt()));
        assertEquals("E11.9", p.at("/codes/1/code").asText());
        assertEquals(List.of("name", "version", "digest", "kind"), names(p.get("model")));
        assertEquals("den4j/icd-coder", p.at("/model/name").asText());
    }

    @Test
    void predictHonoursTopKAndThreshold() throws Exception {
        JsonNode top1 = Http.json(http.post("/predict", "{\"text\":\"" + NOTE + " hypertension\",\"top_k\":1}"));
        assertEquals(1, top1.get("codes").size());
        JsonNode high = Http.json(http.post("/predict", "{\"text\":\"" + NOTE + " hypertension\",\"threshold\":0.85}"));
        assertEquals(1, high.get("codes").size());
        assertEquals("I50.9", high.at("/codes/0/code").asText());
        assertError(http.post("/predict", "{\"text\":\"x\",\"code_system\":\"icd11\"}"), 400, "invalid_request_error",
                "bad_input");
    }

    @Test
    void batchAnswersInOrder() throws Exception {
        HttpResponse<String> r = http.post("/predict/batch",
                "{\"texts\":[\"hypertension only\",\"" + NOTE + "\",\"nothing to code\"]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode results = Http.json(r).get("results");
        assertEquals(3, results.size());
        assertEquals("I10", results.at("/0/codes/0/code").asText());
        assertEquals("I50.9", results.at("/1/codes/0/code").asText());
        assertEquals(0, results.at("/2/codes").size());
    }

    @Test
    void pdfIsCodedFromItsTextLayer() throws Exception {
        byte[] pdf = pdf(List.of("Pt admitted with CHF exacerbation.", "Known hypertension."), false);
        HttpResponse<String> r = http.send(multipart("/predict/pdf", "note.pdf", "application/pdf", pdf, "3"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode p = Http.json(r);
        assertEquals(2, p.get("pages").asInt());
        Set<String> codes = new HashSet<>();
        p.get("codes").forEach(c -> codes.add(c.get("code").asText()));
        assertEquals(Set.of("I50.9", "I10"), codes);
    }

    @Test
    void pdfWithoutTextLayerIs422AndNonPdfIs415() throws Exception {
        assertError(http.send(multipart("/predict/pdf", "scan.pdf", "application/pdf", pdf(List.of(), true), null)),
                422, "invalid_request_error", "unprocessable_pdf");
        assertError(http.send(multipart("/predict/pdf", "note.txt", "text/plain",
                "CHF".getBytes(StandardCharsets.UTF_8), null)), 415, "invalid_request_error", "unsupported_media_type");
        assertError(http.post("/predict/pdf", "{\"text\":\"CHF\"}"), 415, "invalid_request_error",
                "unsupported_media_type");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void badRequestsAre400WithOpenAiErrors() throws Exception {
        assertError(http.post("/predict", "{\"text\": "), 400, "invalid_request_error", "invalid_json");
        assertError(http.post("/predict", "{\"text\": \"   \"}"), 400, "invalid_request_error", "empty_text");
        assertError(http.post("/predict", "{}"), 400, "invalid_request_error", "missing_text");
        assertError(http.post("/predict", ""), 400, "invalid_request_error", "empty_body");
        assertError(http.post("/predict", "[1]"), 400, "invalid_request_error", "invalid_json");
        assertError(http.post("/predict", "{\"text\":\"chf\",\"tpo_k\":3}"), 400, "invalid_request_error",
                "unknown_field");
        assertError(http.post("/predict/batch", "{\"texts\":[\"chf\",\"\"]}"), 400, "invalid_request_error",
                "empty_text");
        assertError(http.postBytes("/predict", "application/json", new byte[] {'{', '"', 't', '"', ':', '"',
                (byte) 0xC3, (byte) 0x28, '"', '}'}), 400, "invalid_request_error", "not_utf8");
        assertError(http.get("/nowhere"), 404, "invalid_request_error", "not_found");
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = "{\"text\":\"" + "chf ".repeat(20_000) + "\"}";
        assertError(http.post("/predict", big), 413, "invalid_request_error", "request_too_large");
    }

    @Test
    void predictionPastTheTimeoutIs504() throws Exception {
        long start = System.nanoTime();
        assertError(http.post("/predict", "{\"text\":\"chf [[sleep:4000]]\"}"), 504, "server_error", "timeout");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 1400 && ms < 3500, "answered after " + ms + " ms with a 1500 ms timeout");
    }

    @Test
    void corsAllowsTheConfiguredOrigin() throws Exception {
        HttpResponse<String> r = http.send(http.request("/info").header("Origin", "http://notebook.example").GET()
                .build());
        assertEquals("http://notebook.example", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        HttpResponse<String> other = http.send(http.request("/info").header("Origin", "http://evil.example").GET()
                .build());
        assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }

    // ---------------------------------------------------------------- OpenAI

    @Test
    void modelsListsTheServedCoder() throws Exception {
        JsonNode list = Http.json(http.get("/v1/models"));
        assertEquals("list", list.get("object").asText());
        JsonNode m = list.at("/data/0");
        assertEquals(List.of("id", "object", "created", "owned_by"), names(m));
        assertEquals("den4j/icd-coder", m.get("id").asText());
        assertEquals("model", m.get("object").asText());
        assertTrue(m.get("created").isIntegralNumber());
        assertEquals("den4j/icd-coder", Http.json(http.get("/v1/models/den4j/icd-coder")).get("id").asText());
        assertError(http.get("/v1/models/gpt-4o"), 404, "invalid_request_error", "model_not_found");
    }

    @Test
    void chatCompletionHasOpenAisFields() throws Exception {
        HttpResponse<String> r = http.post("/v1/chat/completions", "{\"model\":\"den4j/icd-coder\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"You are a coder.\"},"
                + "{\"role\":\"user\",\"content\":\"Predict the medical codes for the following text: " + NOTE + "\"}],"
                + "\"temperature\":0,\"seed\":7}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode c = Http.json(r);
        assertEquals(List.of("id", "object", "created", "model", "system_fingerprint", "choices", "usage"), names(c));
        assertTrue(c.get("id").asText().startsWith("chatcmpl-"));
        assertEquals("chat.completion", c.get("object").asText());
        assertTrue(c.get("created").isIntegralNumber());
        assertEquals("den4j/icd-coder", c.get("model").asText());
        JsonNode choice = c.at("/choices/0");
        assertEquals(List.of("index", "message", "logprobs", "finish_reason"), names(choice));
        assertEquals(0, choice.get("index").asInt());
        assertEquals("assistant", choice.at("/message/role").asText());
        assertEquals("I50.9, E11.9", choice.at("/message/content").asText());
        assertTrue(choice.get("logprobs").isNull());
        assertEquals("stop", choice.get("finish_reason").asText());
        JsonNode u = c.get("usage");
        assertEquals(NOTE.split("\\s+").length, u.get("prompt_tokens").asInt());
        assertEquals(2, u.get("completion_tokens").asInt());
        assertEquals(u.get("prompt_tokens").asInt() + 2, u.get("total_tokens").asInt());
    }

    @Test
    void chatHonoursMaxTokensStopAndJsonFormat() throws Exception {
        String msg = "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + NOTE + "\"}]}]";
        JsonNode cut = Http.json(http.post("/v1/chat/completions", "{" + msg + ",\"max_tokens\":1}"));
        assertEquals("I50.9", cut.at("/choices/0/message/content").asText());
        assertEquals("length", cut.at("/choices/0/finish_reason").asText());
        JsonNode stopped = Http.json(http.post("/v1/chat/completions", "{" + msg + ",\"stop\":[\", E11\"]}"));
        assertEquals("I50.9", stopped.at("/choices/0/message/content").asText());
        JsonNode json = Http.json(http.post("/v1/chat/completions", "{" + msg
                + ",\"response_format\":{\"type\":\"json_object\"}}"));
        JsonNode content = Http.JSON.readTree(json.at("/choices/0/message/content").asText());
        assertEquals("I50.9", content.at("/codes/0/code").asText());
        assertEquals("den4j/icd-coder", content.at("/model/name").asText());
        assertError(http.post("/v1/chat/completions", "{" + msg + ",\"n\":2}"), 400, "invalid_request_error",
                "unsupported_n");
        assertError(http.post("/v1/chat/completions", "{" + msg + ",\"temperature\":3}"), 400,
                "invalid_request_error", "bad_temperature");
        assertError(http.post("/v1/chat/completions", "{\"messages\":[]}"), 400, "invalid_request_error",
                "missing_messages");
        assertError(http.post("/v1/chat/completions", "{\"model\":\"gpt-4o\"," + msg + "}"), 404,
                "invalid_request_error", "model_not_found");
    }

    @Test
    void completionsAnswerTextCompletions() throws Exception {
        JsonNode c = Http.json(http.post("/v1/completions", "{\"model\":\"icd-coder\",\"prompt\":\"" + NOTE
                + "\",\"max_tokens\":16}"));
        assertTrue(c.get("id").asText().startsWith("cmpl-"));
        assertEquals("text_completion", c.get("object").asText());
        JsonNode choice = c.at("/choices/0");
        assertEquals(List.of("index", "text", "logprobs", "finish_reason"), names(choice));
        assertEquals("I50.9, E11.9", choice.get("text").asText());
        assertEquals(2, c.at("/usage/completion_tokens").asInt());
    }

    @Test
    void chatStreamIsServerSentChunksEndingInDone() throws Exception {
        Http.SseReply s = http.stream("/v1/chat/completions", "{\"model\":\"den4j/icd-coder\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"" + NOTE
                + "\"}]}");
        assertEquals(200, s.status());
        assertTrue(s.contentType().startsWith("text/event-stream"), s.contentType());
        List<String> events = s.events();
        assertEquals("[DONE]", events.get(events.size() - 1));
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            chunks.add(Http.JSON.readTree(e));
        }
        String id = chunks.get(0).get("id").asText();
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            assertEquals("chat.completion.chunk", c.get("object").asText());
            assertEquals(id, c.get("id").asText());
            assertTrue(c.get("created").isIntegralNumber());
            assertEquals("den4j/icd-coder", c.get("model").asText());
            if (c.get("choices").size() > 0) {
                text.append(c.at("/choices/0/delta/content").asText(""));
            }
        }
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
        assertEquals("I50.9, E11.9", text.toString());
        JsonNode last = chunks.get(chunks.size() - 2);
        assertEquals("stop", last.at("/choices/0/finish_reason").asText());
        assertTrue(last.at("/choices/0/delta").isEmpty());
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertEquals(0, usage.get("choices").size());
        assertEquals(2, usage.at("/usage/completion_tokens").asInt());
    }

    @Test
    void completionStreamEndsInDone() throws Exception {
        Http.SseReply s = http.stream("/v1/completions", "{\"stream\":true,\"prompt\":\"" + NOTE + "\"}");
        List<String> events = s.events();
        assertEquals("[DONE]", events.get(events.size() - 1));
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode c = Http.JSON.readTree(e);
            assertEquals("text_completion", c.get("object").asText());
            text.append(c.at("/choices/0/text").asText());
        }
        assertEquals("I50.9, E11.9", text.toString());
    }

    // ---------------------------------------------------------------- metrics, docs

    @Test
    void metricsAreInPrometheusText() throws Exception {
        http.post("/predict", "{\"text\":\"chf\"}");
        http.post("/predict", "{\"text\":\"\"}");
        HttpResponse<String> r = http.get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = r.body();
        assertTrue(Pattern.compile("den4j_api_requests_total\\{[^}]*route=\"/predict\"[^}]*status=\"200\"[^}]*} "
                + "[1-9]").matcher(text).find(), text);
        assertTrue(Pattern.compile("den4j_api_requests_total\\{[^}]*route=\"/predict\"[^}]*status=\"400\"")
                .matcher(text).find(), text);
        assertTrue(text.contains("den4j_api_request_duration_seconds_bucket{"), text);
        assertTrue(Pattern.compile("den4j_model_info\\{[^}]*kind=\"keyword-test\"[^}]*version=\"1\"[^}]*} 1")
                .matcher(text).find(), text);
        assertTrue(text.contains("den4j_model_loads_total{result=\"success\"} 1"), text);
        assertTrue(text.contains("den4j_model_ready 1"), text);
    }

    @Test
    void openApiDocumentListsEveryRouteTheServerAnswers() throws Exception {
        JsonNode doc = Http.json(http.get("/openapi.json"));
        assertEquals("3.1.0", doc.get("openapi").asText());
        Set<String> documented = new HashSet<>();
        doc.get("paths").fieldNames().forEachRemaining(documented::add);
        assertEquals(Set.of("/health", "/info", "/predict", "/predict/batch", "/predict/pdf", "/v1/models",
                "/v1/models/{id}", "/v1/chat/completions", "/v1/completions", "/metrics", "/openapi.json", "/docs",
                "/admin/reload"), documented);
        for (Iterator<String> it = doc.get("paths").fieldNames(); it.hasNext(); ) {
            String path = it.next().replace("{id}", "den4j/icd-coder");
            for (Iterator<String> ms = doc.get("paths").get(path.contains("icd-coder") ? "/v1/models/{id}" : path)
                    .fieldNames(); ms.hasNext(); ) {
                String method = ms.next().toUpperCase(java.util.Locale.ROOT);
                if (path.equals("/admin/reload")) {
                    continue;
                }
                HttpResponse<String> r = http.send(http.request(path).method(method, method.equals("GET")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}")).build());
                assertTrue(r.statusCode() != 404, method + " " + path + " is documented but not served");
            }
        }
        HttpResponse<String> page = http.get("/docs");
        assertTrue(page.body().contains("/v1/chat/completions") && page.body().startsWith("<!doctype html>"));
    }

    // ---------------------------------------------------------------- helpers

    static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static HttpRequest multipart(String path, String filename, String type, byte[] content, String topK) {
        String boundary = "den4jBoundary7MA4YWxkTrZu0gW";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        if (topK != null) {
            body.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"top_k\"\r\n\r\n" + topK)
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }

    /** A PDF with one page per text, or (scan) one page with a drawn rectangle and no text. */
    static byte[] pdf(List<String> pages, boolean scan) throws IOException {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (scan) {
                PDPage page = new PDPage(PDRectangle.A4);
                doc.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    cs.addRect(50, 50, 300, 400);
                    cs.fill();
                }
            }
            for (String text : pages) {
                PDPage page = new PDPage(PDRectangle.A4);
                doc.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    cs.beginText();
                    cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    cs.newLineAtOffset(72, 720);
                    cs.showText(text);
                    cs.endText();
                }
            }
            doc.save(out);
            return out.toByteArray();
        }
    }
}
