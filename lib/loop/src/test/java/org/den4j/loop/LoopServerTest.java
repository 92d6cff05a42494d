package org.den4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.den4j.den.Den;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP contract on loopback against embedded PostgreSQL, with the memorizing test algorithm. */
class LoopServerTest {
    @TempDir
    static Path dir;
    private static Den den;
    private static LoopServer server;
    private static LoopClient a;
    private static LoopClient b;

    @BeforeAll
    static void start() {
        den = Den.at(dir.resolve("den"));
        server = LoopServer.builder(LoopDatabase.Location.url(TestPostgres.newDatabase("http")), den)
                .algorithms(MemorizingAlgorithm.algorithms()).workDirectory(dir.resolve("work")).workers(1).start();
        Tenants tenants = new Tenants(server.database());
        a = new LoopClient(server.url(), tenants.add("tenant-a").key());
        b = new LoopClient(server.url(), tenants.add("tenant-b").key());
    }

    @AfterAll
    static void stop() {
        server.close();
        den.close();
    }

    @Test
    void aTakenPortFailsTheStartAndLeavesNoWorkerRunning() throws Exception {
        long before = workerThreads();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LoopException e = assertThrows(LoopException.class, () -> LoopServer.builder(
                    LoopDatabase.Location.url(TestPostgres.newDatabase("taken")), den)
                    .algorithms(MemorizingAlgorithm.algorithms()).workDirectory(dir.resolve("work-taken"))
                    .host("127.0.0.1").port(taken.getLocalPort()).workers(2).start());
            assertTrue(e.getMessage().contains("choose another --port"), e.getMessage());
        }
        assertEquals(before, workerThreads(), "worker threads left running after a failed start");
    }

    private static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("den4j-loop-worker-")).count();
    }

    static List<Map<String, Object>> items(String prefix, int n) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String label = i % 3 == 0 ? "I10" : "E11";
            items.add(Map.of("text", prefix + " note " + i + " coded " + label, "labels", List.of(label)));
        }
        return items;
    }

    private static void createSet(LoopClient client, String name) {
        client.post("/api/v1/label-sets", Map.of("name", name, "multi_label", false, "algorithm",
                MemorizingAlgorithm.NAME)).ok();
    }

    @Test
    void trainPredictConfirmAndModelsFollowTheContract() {
        createSet(a, "flow");
        JsonNode ids = a.post("/api/v1/label-sets/flow/observations", Map.of("items", items("flow", 30))).ok();
        assertEquals(30, ids.get("ids").size());
        JsonNode conflict = a.post("/api/v1/label-sets/flow/predict", Map.of("text", "x")).body();
        assertEquals("conflict", conflict.path("error").path("code").asText(), conflict.toString());

        Long job = a.post("/api/v1/label-sets/flow/train", null).ok().get("job_id").asLong();
        JsonNode done = a.awaitJob(job, Duration.ofSeconds(60));
        assertEquals("succeeded", done.get("status").asText(), done.toString());
        assertTrue(done.get("result").get("promoted").asBoolean(), done.toString());

        JsonNode models = a.get("/api/v1/label-sets/flow/models").ok().get("models");
        assertEquals(1, models.size());
        JsonNode v1 = models.get(0);
        assertEquals("champion", v1.get("status").asText());
        assertTrue(v1.get("den_ref").asText().startsWith("loop/tenant-a/flow@"), v1.toString());
        JsonNode decision = v1.get("decision");
        assertTrue(decision.get("promoted").asBoolean());
        assertEquals(64, decision.get("holdout_hash").asText().length());
        assertTrue(decision.get("trigger").asText().startsWith("on demand by key:"), decision.toString());
        assertTrue(decision.get("challenger_metrics").get("micro_f1").asDouble() > decision.get("baseline_micro_f1")
                .asDouble());
        assertNotNull(den.show("loop/tenant-a/flow@champion"));

        JsonNode p = a.post("/api/v1/label-sets/flow/predict", Map.of("text", "flow note 4 coded E11", "persist", true)).ok();
        assertEquals("E11", p.get("labels").get(0).get("label").asText());
        assertEquals(1, p.get("model").get("version").asInt());
        long predictionId = p.get("prediction_id").asLong();
        assertEquals("confirmed", a.post("/api/v1/predictions/" + predictionId + "/confirm",
                Map.of("labels", List.of("I10"))).ok().get("status").asText());
        JsonNode q = a.post("/api/v1/label-sets/flow/predict", Map.of("text", "a new text", "persist", true)).ok();
        assertEquals("rejected", a.post("/api/v1/predictions/" + q.get("prediction_id").asLong() + "/reject", null)
                .ok().get("status").asText());
        assertFalse(a.post("/api/v1/label-sets/flow/predict", Map.of("text", "no persist")).ok().has("prediction_id"));
    }

    @Test
    void anotherTenantsObjectsAreNotFound() {
        createSet(a, "secret");
        a.post("/api/v1/label-sets/secret/observations", Map.of("items", items("secret", 25))).ok();
        long job = a.post("/api/v1/label-sets/secret/train", null).ok().get("job_id").asLong();
        assertEquals("succeeded", a.awaitJob(job, Duration.ofSeconds(60)).get("status").asText());
        long prediction = a.post("/api/v1/label-sets/secret/predict", Map.of("text", "t", "persist", true)).ok()
                .get("prediction_id").asLong();

        assertEquals(404, b.get("/api/v1/label-sets/secret").status());
        assertEquals(404, b.post("/api/v1/label-sets/secret/predict", Map.of("text", "t")).status());
        assertEquals(404, b.post("/api/v1/label-sets/secret/observations", Map.of("items", items("x", 1))).status());
        assertEquals(404, b.post("/api/v1/label-sets/secret/train", null).status());
        assertEquals(404, b.get("/api/v1/label-sets/secret/models").status());
        assertEquals(404, b.get("/api/v1/jobs/" + job).status());
        assertEquals(404, b.post("/api/v1/predictions/" + prediction + "/confirm", null).status());
        assertEquals(404, b.post("/api/v1/predictions/" + prediction + "/reject", null).status());
        JsonNode listed = b.get("/api/v1/label-sets").ok().get("label_sets");
        for (JsonNode set : listed) {
            assertFalse(set.get("name").asText().equals("secret"));
        }
        // the same name is free for tenant B: names are per tenant
        createSet(b, "secret");
        assertEquals(0, b.get("/api/v1/label-sets/secret/models").ok().get("models").size());
    }

    @Test
    void rolesLimitWhatAKeyMayDo() {
        createSet(a, "roles");
        String reader = a.post("/api/v1/keys", Map.of("role", "reader")).ok().get("key").asText();
        String annotator = a.post("/api/v1/keys", Map.of("role", "annotator")).ok().get("key").asText();
        LoopClient r = a.withKey(reader);
        LoopClient n = a.withKey(annotator);
        assertEquals(200, r.get("/api/v1/label-sets/roles").status());
        JsonNode denied = r.post("/api/v1/label-sets/roles/observations", Map.of("items", items("r", 1))).body();
        assertEquals("forbidden", denied.path("error").path("code").asText());
        assertEquals("permission_error", denied.path("error").path("type").asText());
        assertEquals(403, r.post("/api/v1/label-sets/roles/train", null).status());
        assertEquals(201, n.post("/api/v1/label-sets/roles/observations", Map.of("items", items("n", 1))).status());
        assertEquals(403, n.post("/api/v1/label-sets/roles/rollback", null).status());
        assertEquals(403, n.post("/api/v1/keys", Map.of("role", "admin")).status());
        assertEquals(401, a.withKey(null).get("/api/v1/label-sets").status());
        assertEquals(401, a.withKey("den4j_forged").get("/api/v1/label-sets").status());
    }

    @Test
    void badInputIsAJsonErrorWithItsStatus() {
        createSet(a, "errors");
        JsonNode notJson = a.post("/api/v1/label-sets/errors/observations", "{not json").body();
        assertEquals("bad_request", notJson.path("error").path("code").asText());
        assertTrue(notJson.path("error").path("message").asText().startsWith("The request body is not JSON"));
        assertEquals(400, a.post("/api/v1/label-sets/errors/observations", Map.of("items", List.of(Map.of("text",
                " ")))).status());
        assertEquals(400, a.post("/api/v1/label-sets/errors/observations", Map.of("items", List.of(Map.of("text", "t",
                "labels", List.of("a", "b"))))).status(), "two labels in a single-label set");
        assertEquals(400, a.post("/api/v1/label-sets", Map.of("name", "Bad Name!", "multi_label", true)).status());
        assertEquals(400, a.post("/api/v1/label-sets", Map.of("name", "algo", "multi_label", true, "algorithm",
                "svm-9000")).status());
        assertEquals(400, a.post("/api/v1/label-sets", Map.of("name", "errors", "multi_label", true,
                "algorithm", MemorizingAlgorithm.NAME)).status(), "exists already");
        JsonNode unknown = a.get("/api/v1/nothing-here").body();
        assertEquals("not_found", unknown.path("error").path("code").asText(), unknown.toString());
        assertEquals(415, a.upload("/api/v1/label-sets/errors/uploads", "x".getBytes(), "image/png").status());
    }

    @Test
    void healthMetricsAndOpenApiAnswer() {
        assertEquals("ok", a.withKey(null).get("/health").ok().get("status").asText());
        a.get("/api/v1/label-sets").ok();
        String metrics = a.withKey(null).get("/metrics").body().asText();
        assertTrue(metrics.contains("den4j_loop_http_requests"), metrics);
        JsonNode api = a.withKey(null).get("/openapi.json").ok();
        assertTrue(api.get("paths").has("/api/v1/label-sets/{name}/predict"));
    }

    @Test
    void labelsFormAnLtreeHierarchy() {
        a.post("/api/v1/label-sets", Map.of("name", "tree", "multi_label", true, "algorithm", MemorizingAlgorithm.NAME,
                "labels", List.of(Map.of("name", "circulatory"), Map.of("name", "I10", "parent", "circulatory"),
                        Map.of("name", "I25.10", "parent", "circulatory"), Map.of("name", "E11")))).ok();
        JsonNode under = a.get("/api/v1/label-sets/tree/labels?under=circulatory").ok().get("labels");
        assertEquals(3, under.size(), under.toString());
        assertEquals("circulatory.I25_10", under.get(2).get("path").asText());
        assertEquals("circulatory", under.get(1).get("parent").asText());
        assertEquals(4, a.get("/api/v1/label-sets/tree/labels").ok().get("labels").size());
    }
}
