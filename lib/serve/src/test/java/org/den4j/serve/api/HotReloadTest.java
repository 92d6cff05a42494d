package org.den4j.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.den4j.coder.CoderDen;
import org.den4j.den.Den;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server follows its den reference and swaps coders under load without failing a request. */
class HotReloadTest {
    @TempDir
    Path dir;

    private InferenceConfig config(String ref, Duration poll) {
        InferenceConfig d = InferenceConfig.defaults().withModel(ref);
        return d.withModel(new InferenceConfig.Model(ref, "auto", poll))
                .withApi(new InferenceConfig.Api("127.0.0.1", 0, List.of(), 0, 0, Duration.ofSeconds(30), 1 << 20,
                        null, 4));
    }

    @Test
    void healthIs503WhileTheCoderLoadsThen200() throws Exception {
        try (Den den = Den.at(dir.resolve("den"))) {
            Path slow = KeywordCoder.write(dir.resolve("slow"), KeywordCoder.keywords(1), KeywordCoder.descriptions(),
                    1500);
            CoderDen.push(den, slow, "den4j/icd-coder", null);
            den.alias("den4j/icd-coder", "champion", 1);
            try (CoderApiServer server = CoderApiServer.builder(config("den4j/icd-coder@champion", Duration.ZERO))
                    .den(den).start()) {
                Http http = new Http(server.url());
                HttpResponse<String> early = http.get("/health");
                assertEquals(503, early.statusCode());
                assertEquals("{\"status\":\"loading\"}", early.body());
                CoderApiTest.assertError(http.post("/predict", "{\"text\":\"chf\"}"), 503, "server_error",
                        "model_loading");
                CoderApiTest.awaitReady(http);
                assertEquals("{\"status\":\"ok\"}", http.get("/health").body());
            }
        }
    }

    @Test
    void aliasMoveSwapsTheCoderUnderLoadWithoutAFailedRequest() throws Exception {
        try (Den den = Den.at(dir.resolve("den"))) {
            // version 2 scores every code lower: the answers say which coder served them
            CoderDen.push(den, KeywordCoder.write(dir.resolve("v1"), KeywordCoder.keywords(1.0),
                    KeywordCoder.descriptions(), 0), "den4j/icd-coder", null);
            CoderDen.push(den, KeywordCoder.write(dir.resolve("v2"), KeywordCoder.keywords(0.9),
                    KeywordCoder.descriptions(), 200), "den4j/icd-coder", null);
            den.alias("den4j/icd-coder", "champion", 1);
            try (CoderApiServer server = CoderApiServer.builder(config("den4j/icd-coder@champion",
                    Duration.ofMillis(200))).den(den).start()) {
                Http http = new Http(server.url());
                CoderApiTest.awaitReady(http);
                AtomicBoolean run = new AtomicBoolean(true);
                AtomicInteger sent = new AtomicInteger();
                List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                Map<String, AtomicInteger> byVersion = new ConcurrentHashMap<>();
                ExecutorService clients = Executors.newFixedThreadPool(8);
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    futures.add(clients.submit(() -> {
                        while (run.get()) {
                            try {
                                HttpResponse<String> r = http.post("/predict", "{\"text\":\"CHF and diabetes\"}");
                                sent.incrementAndGet();
                                if (r.statusCode() != 200) {
                                    failures.add(r.statusCode() + " " + r.body());
                                } else {
                                    byVersion.computeIfAbsent(Http.json(r).at("/model/version").asText(),
                                            v -> new AtomicInteger()).incrementAndGet();
                                }
                            } catch (Exception e) {
                                failures.add(e.toString());
                            }
                        }
                        return null;
                    }));
                }
                Thread.sleep(300);
                long moved = System.nanoTime();
                int swaps = 0;
                for (int i = 0; i < 6; i++) {
                    int version = i % 2 == 0 ? 2 : 1;
                    den.alias("den4j/icd-coder", "champion", version);
                    awaitVersion(http, version, moved);
                    swaps++;
                    moved = System.nanoTime();
                }
                JsonNode reload = Http.json(http.post("/admin/reload", ""));
                assertTrue(reload.get("reloaded").asBoolean());
                assertEquals("den4j/icd-coder@1", reload.get("model").asText());
                assertEquals("den4j/icd-coder@1", reload.get("previous").asText());
                Thread.sleep(300);
                run.set(false);
                for (Future<?> f : futures) {
                    f.get();
                }
                clients.shutdown();
                assertEquals(List.of(), failures, "requests failed during " + swaps + " swaps");
                assertTrue(sent.get() > 50, "only " + sent.get() + " requests were sent");
                assertTrue(byVersion.containsKey("1") && byVersion.containsKey("2"), byVersion.toString());
                String metrics = http.get("/metrics").body();
                assertTrue(metrics.contains("den4j_model_swaps_total 7.0") || metrics.contains("den4j_model_swaps_total 7"),
                        metrics);
            }
        }
    }

    /** Waits until /info names {@code version}; the issue asks for it within 10 seconds of the alias move. */
    private static void awaitVersion(Http http, int version, long since) throws Exception {
        while (true) {
            JsonNode info = Http.json(http.get("/info"));
            if (info.at("/model/version").asText().equals(String.valueOf(version))) {
                return;
            }
            long waited = (System.nanoTime() - since) / 1_000_000;
            assertTrue(waited < 10_000, "version " + version + " not served " + waited + " ms after the alias moved");
            Thread.sleep(20);
        }
    }
}
