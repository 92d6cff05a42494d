package org.den4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.den4j.den.Den;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two servers on one database: a promotion on one is served by both, with no failed request. */
class HotReloadTest {
    @TempDir
    Path dir;

    private static List<Map<String, Object>> items(List<SyntheticNotes.Note> notes) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (SyntheticNotes.Note n : notes) {
            items.add(Map.of("text", n.text(), "labels", new ArrayList<>(n.codes())));
        }
        return items;
    }

    @Test
    void aPromotionReachesTheOtherServerWithoutFailedRequests() throws Exception {
        String url = TestPostgres.newDatabase("reload");
        try (Den den1 = Den.at(dir.resolve("den")); Den den2 = Den.at(dir.resolve("den"));
             LoopServer one = LoopServer.builder(LoopDatabase.Location.url(url), den1)
                     .workDirectory(dir.resolve("w1")).workers(1).start();
             LoopServer two = LoopServer.builder(LoopDatabase.Location.url(url), den2)
                     .workDirectory(dir.resolve("w2")).workers(0).start()) {
            String key = new Tenants(one.database()).add("reload").key();
            LoopClient c1 = new LoopClient(one.url(), key);
            LoopClient c2 = new LoopClient(two.url(), key);
            c1.post("/api/v1/label-sets", Map.of("name", "notes", "multi_label", false, "holdout_fraction", 0.8)).ok();
            c1.post("/api/v1/label-sets/notes/observations", Map.of("items", items(SyntheticNotes.generate(150, 31,
                    false)))).ok();
            JsonNode first = c1.awaitJob(c1.post("/api/v1/label-sets/notes/train", null).ok().get("job_id").asLong(),
                    Duration.ofSeconds(120));
            assertTrue(first.get("result").get("promoted").asBoolean(), first.toString());
            assertEquals(1, c2.post("/api/v1/label-sets/notes/predict", Map.of("text", "cough fever")).ok()
                    .get("model").get("version").asInt());

            CountDownLatch swapped = new CountDownLatch(1);
            two.champions().onSwap(s -> swapped.countDown());
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger onV2 = new AtomicInteger();
            List<Thread> load = new ArrayList<>();
            for (LoopClient c : List.of(c1, c2, c1, c2)) {
                Thread t = new Thread(() -> {
                    while (run.get()) {
                        LoopClient.Response r = c.post("/api/v1/label-sets/notes/predict",
                                Map.of("text", "insulin glucose follow up"));
                        sent.incrementAndGet();
                        if (r.status() != 200) {
                            failed.incrementAndGet();
                        } else if (r.body().get("model").get("version").asInt() == 2) {
                            onV2.incrementAndGet();
                        }
                    }
                });
                t.start();
                load.add(t);
            }
            c1.post("/api/v1/label-sets/notes/observations", Map.of("items", items(SyntheticNotes.generate(600, 32,
                    false)))).ok();
            JsonNode second = c1.awaitJob(c1.post("/api/v1/label-sets/notes/train", null).ok().get("job_id").asLong(),
                    Duration.ofSeconds(120));
            assertTrue(second.get("result").get("promoted").asBoolean(), second.toString());
            assertTrue(swapped.await(10, TimeUnit.SECONDS), "server two loaded the new champion within 10 s");
            Thread.sleep(500);
            run.set(false);
            for (Thread t : load) {
                t.join();
            }
            assertEquals(0, failed.get(), "failed of " + sent.get());
            assertTrue(onV2.get() > 0);
            assertEquals(2, c2.post("/api/v1/label-sets/notes/predict", Map.of("text", "x")).ok().get("model")
                    .get("version").asInt());

            // rollback on server two is seen by server one
            assertEquals(1, c2.post("/api/v1/label-sets/notes/rollback", null).ok().get("champion_version").asInt());
            assertEquals(1, c1.post("/api/v1/label-sets/notes/predict", Map.of("text", "x")).ok().get("model")
                    .get("version").asInt());
        }
    }
}
