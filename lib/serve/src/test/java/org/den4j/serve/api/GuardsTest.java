package org.den4j.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys (401, 403) and the rate limit (429 with Retry-After), on a coder folder served without a den. */
class GuardsTest {
    @TempDir
    Path dir;

    private CoderApiServer start(Path keys, int perMinute, int burst) throws Exception {
        Path folder = KeywordCoder.write(dir.resolve("coder"), KeywordCoder.keywords(1), KeywordCoder.descriptions(),
                0);
        InferenceConfig c = InferenceConfig.defaults().withModel(folder.toString())
                .withApi(new InferenceConfig.Api("127.0.0.1", 0, List.of(), perMinute, burst, Duration.ofSeconds(30),
                        1 << 20, keys, 2));
        return CoderApiServer.builder(c).start();
    }

    @Test
    void keysAreNeededAndScoped() throws Exception {
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [{\"name\": \"app\", \"token\": \"app-secret\", \"scopes\": [\"read\"]},"
                + "{\"name\": \"ops\", \"token\": \"ops-secret\", \"scopes\": [\"admin\"]}]}");
        try (CoderApiServer server = start(keys, 0, 0)) {
            Http anonymous = new Http(server.url());
            int health = anonymous.get("/health").statusCode();
            assertTrue(health == 200 || health == 503, "health needs no key, was " + health);
            CoderApiTest.awaitReady(anonymous);
            CoderApiTest.assertError(anonymous.post("/predict", "{\"text\":\"chf\"}"), 401, "authentication_error",
                    "missing_api_key");
            CoderApiTest.assertError(anonymous.withKey("wrong").post("/v1/chat/completions", "{}"), 401,
                    "authentication_error", "invalid_api_key");
            Http app = anonymous.withKey("app-secret");
            assertEquals(200, app.post("/predict", "{\"text\":\"chf\"}").statusCode());
            CoderApiTest.assertError(app.post("/admin/reload", ""), 403, "permission_error", "insufficient_scope");
            assertEquals(200, anonymous.withKey("ops-secret").post("/admin/reload", "").statusCode());
            HttpResponse<String> viaHeader = anonymous.send(anonymous.request("/info").header("X-Api-Key",
                    "app-secret").GET().build());
            assertEquals(200, viaHeader.statusCode());
        }
    }

    @Test
    void overTheRateLimitIs429WithRetryAfter() throws Exception {
        try (CoderApiServer server = start(null, 2, 3)) {
            Http http = new Http(server.url());
            CoderApiTest.awaitReady(http);
            for (int i = 0; i < 3; i++) {
                assertEquals(200, http.post("/predict", "{\"text\":\"chf\"}").statusCode());
            }
            HttpResponse<String> limited = http.post("/predict", "{\"text\":\"chf\"}");
            CoderApiTest.assertError(limited, 429, "rate_limit_error", "rate_limit_exceeded");
            long retry = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retry >= 1 && retry <= 30, "Retry-After " + retry + " s at 2 requests a minute");
            assertEquals(200, http.get("/health").statusCode(), "health is never limited");
        }
    }
}
