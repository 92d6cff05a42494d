package org.den4j.coder.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.den4j.coder.CoderInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI client against {@link ChatPeer}, a real loopback HTTP server speaking the protocol. */
class OpenAiClientTest {
    private ChatPeer peer;

    @BeforeEach
    void start() throws Exception {
        peer = new ChatPeer();
    }

    @AfterEach
    void stop() {
        peer.close();
    }

    private OpenAiClient.Builder client() {
        return OpenAiClient.builder(peer.baseUrl()).initialBackoff(Duration.ofMillis(10));
    }

    @Test
    void chatSendsTheOpenAiRequestAndReadsTheFirstChoice() throws Exception {
        peer.then(ChatPeer.Answer.ok("I50.23, E11.9"));
        ChatCompletion c = client().apiKey("sk-test").build()
                .chat(ChatRequest.of("icd-coder", "Predict the medical codes for the following text: CHF", 64));
        assertEquals(new ChatCompletion("chatcmpl-1", "served-model", "I50.23, E11.9", "stop", 31, 9), c);

        ChatPeer.Received r = peer.received().get(0);
        assertEquals("POST", r.method());
        assertEquals("/v1/chat/completions", r.path());
        assertEquals("Bearer sk-test", r.header("Authorization"));
        assertTrue(r.header("Content-Type").startsWith("application/json"));
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertEquals("icd-coder", body.get("model").asText());
        assertEquals(1, body.get("messages").size());
        assertEquals("user", body.at("/messages/0/role").asText());
        assertEquals("Predict the medical codes for the following text: CHF", body.at("/messages/0/content").asText());
        assertEquals(0.0, body.get("temperature").asDouble());
        assertEquals(64, body.get("max_tokens").asInt());
        assertFalse(body.get("stream").asBoolean());
        assertFalse(body.has("seed"), "null fields are left out: " + r.body());
    }

    @Test
    void noKeyNoAuthorizationHeaderAndModelsAreListed() {
        peer.then(new ChatPeer.Answer(200, Map.of(), "{\"object\":\"list\",\"data\":[{\"id\":\"icd-coder\","
                + "\"object\":\"model\"},{\"id\":\"qwen2\",\"object\":\"model\"}]}", 0));
        assertEquals(List.of("icd-coder", "qwen2"), client().build().models());
        assertEquals("/v1/models", peer.received().get(0).path());
        assertEquals(null, peer.received().get(0).header("Authorization"));
    }

    @Test
    void retriesAfter429And503HonouringRetryAfter() {
        peer.then(new ChatPeer.Answer(429, Map.of("Retry-After", "1"), "{\"error\":{\"message\":\"Rate limit "
                        + "reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}", 0))
                .then(ChatPeer.Answer.error(503, "{\"error\":{\"message\":\"loading model\"}}"))
                .then(ChatPeer.Answer.ok("I10"));
        long t = System.nanoTime();
        ChatCompletion c = client().build().chat(ChatRequest.of("m", "note", 8));
        long ms = (System.nanoTime() - t) / 1_000_000;
        assertEquals("I10", c.content());
        assertEquals(3, peer.received().size());
        assertTrue(ms >= 1000, "Retry-After: 1 was honoured, waited " + ms + " ms");
    }

    @Test
    void aRefusedRequestIsOneLineInOpenAisWordsAndNotRetried() {
        peer.then(ChatPeer.Answer.error(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-wrong.\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"));
        RemoteCallException e = assertThrows(RemoteCallException.class,
                () -> client().apiKey("sk-wrong").build().chat(ChatRequest.of("m", "note", 8)));
        assertEquals(peer.baseUrl() + "/chat/completions answered 401: Incorrect API key provided: sk-wrong. (type "
                + "invalid_request_error, code invalid_api_key); check the API key (--api-key-env names the variable "
                + "that holds it)", e.getMessage());
        assertEquals(401, e.status());
        assertEquals("invalid_api_key", e.errorCode());
        assertTrue(e.isClientError());
        assertEquals(1, peer.received().size());
    }

    @Test
    void serverErrorsAreRetriedThenReportedWithTheTries() {
        for (int i = 0; i < 3; i++) {
            peer.then(ChatPeer.Answer.error(500, "internal\nerror"));
        }
        RemoteCallException e = assertThrows(RemoteCallException.class,
                () -> client().maxRetries(2).build().chat(ChatRequest.of("m", "note", 8)));
        assertEquals(peer.baseUrl() + "/chat/completions answered 500 (3 tries): \"internal error\"", e.getMessage());
        assertEquals(3, peer.received().size());
        assertFalse(e.isClientError());
    }

    @Test
    void aRetryAfterLongerThanTheLimitFailsAtOnce() {
        peer.then(new ChatPeer.Answer(429, Map.of("Retry-After", "120"), "{\"error\":{\"message\":\"slow down\"}}",
                0));
        RemoteCallException e = assertThrows(RemoteCallException.class,
                () -> client().build().chat(ChatRequest.of("m", "note", 8)));
        assertTrue(e.getMessage().endsWith("slow down; it asks to retry after 120 s, longer than the 30 s den4j "
                + "waits"), e.getMessage());
        assertEquals(1, peer.received().size());
    }

    @Test
    void aSlowServerTimesOut() {
        peer.then(new ChatPeer.Answer(200, Map.of(), ChatPeer.chat("late"), 3000));
        RemoteCallException e = assertThrows(RemoteCallException.class, () -> client()
                .requestTimeout(Duration.ofMillis(300)).maxRetries(0).build().chat(ChatRequest.of("m", "note", 8)));
        assertTrue(e.getMessage().startsWith(peer.baseUrl() + "/chat/completions did not answer within 300 ms"),
                e.getMessage());
        assertEquals(0, e.status());
    }

    @Test
    void aServerThatIsNotThereIsRetriedThenNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RemoteCallException e = assertThrows(RemoteCallException.class,
                () -> OpenAiClient.builder("http://127.0.0.1:" + port + "/v1").maxRetries(1)
                        .initialBackoff(Duration.ofMillis(5)).build().chat(ChatRequest.of("m", "note", 8)));
        assertTrue(e.getMessage().startsWith("Cannot connect to http://127.0.0.1:" + port
                + "/v1/chat/completions (2 tries)"), e.getMessage());
    }

    @Test
    void anAnswerThatIsNotAChatCompletionIsNamed() {
        peer.then(new ChatPeer.Answer(200, Map.of(), "<html>hello</html>", 0));
        RemoteCallException e = assertThrows(RemoteCallException.class,
                () -> client().build().chat(ChatRequest.of("m", "note", 8)));
        assertEquals(peer.baseUrl() + "/chat/completions answered 200 with \"<html>hello</html>\", not JSON: is it an "
                + "OpenAI-compatible server?", e.getMessage());
    }

    @Test
    void baseUrlsAreCheckedAndGetV1WhenBare() {
        assertEquals("http://localhost:1234/v1", OpenAiClient.builder("http://localhost:1234").build().baseUrl()
                .toString());
        assertEquals("http://h:8000/v1", OpenAiClient.builder("http://h:8000/v1/").build().baseUrl().toString());
        CoderInputException e = assertThrows(CoderInputException.class, () -> OpenAiClient.builder("localhost:1234"));
        assertTrue(e.getMessage().startsWith("Remote URL 'localhost:1234' is not an http(s) URL"), e.getMessage());
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        ZonedDateTime now = ZonedDateTime.of(2026, 12, 7, 12, 0, 0, 0, ZoneOffset.UTC);
        assertEquals(Duration.ofSeconds(7), OpenAiClient.parseRetryAfter("7", now).orElseThrow());
        assertEquals(Duration.ofSeconds(90), OpenAiClient.parseRetryAfter("Mon, 07 Dec 2026 12:01:30 GMT", now)
                .orElseThrow());
        assertTrue(OpenAiClient.parseRetryAfter("soon", now).isEmpty());
    }
}
