package org.den4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JobQueueTest {
    private static String url;
    private static LoopDatabase db;
    private static JobQueue queue;
    private static Caller caller;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void open() {
        url = TestPostgres.newDatabase("queue");
        db = LoopDatabase.open(LoopDatabase.Location.url(url), 12);
        queue = new JobQueue(db, JSON);
        Tenants tenants = new Tenants(db);
        caller = tenants.authenticate(tenants.add("queue-a").key());
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static long enqueue(String kind) {
        return db.inTenant(caller.tenantId(), c -> queue.enqueue(c, caller.tenantId(), null, kind, null, "test"));
    }

    private static Job waitFor(long id, String status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Job job = queue.get(caller, id);
        while (!job.status().equals(status) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            job = queue.get(caller, id);
        }
        return job;
    }

    @Test
    void aJobWhoseWorkerIsKilledIsRetriedAndFinished() throws Exception {
        long id = enqueue("sleep");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                QueueChild.class.getName(), url, "1500").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("claimed " + id)) {
                // the child's start-up log
            }
            assertEquals("claimed " + id, line, "the child worker claimed the job");
            assertEquals("running", queue.get(caller, id).status());
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no chance to release the job
            child.waitFor(30, TimeUnit.SECONDS);
        }
        List<Integer> attempts = new ArrayList<>();
        try (Worker worker = new Worker(queue, Map.of("sleep", claim -> {
            attempts.add(claim.attempt());
            db.inTenant(claim.tenantId(), c -> {
                queue.succeed(c, claim, JSON.createObjectNode().put("done", true));
                return null;
            });
            return null;
        }), 1, Duration.ofSeconds(5), Duration.ofMillis(100))) {
            Job job = waitFor(id, "succeeded", Duration.ofSeconds(30));
            assertEquals("succeeded", job.status());
            assertEquals(2, job.attempts(), "taken again after the killed worker's lease ran out");
            assertEquals(List.of(2), attempts);
            assertTrue(job.result().get("done").asBoolean());
        }
    }

    @Test
    void twoWorkersNeverRunOneJobTwice() throws Exception {
        int n = 120;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(enqueue("count"));
        }
        Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
        JobHandler count = claim -> {
            runs.computeIfAbsent(claim.id(), k -> new AtomicInteger()).incrementAndGet();
            db.inTenant(claim.tenantId(), c -> {
                queue.succeed(c, claim, null);
                return null;
            });
            return null;
        };
        try (Worker a = new Worker(queue, Map.of("count", count), 3, Duration.ofSeconds(10), Duration.ofMillis(20));
             Worker b = new Worker(queue, Map.of("count", count), 3, Duration.ofSeconds(10), Duration.ofMillis(20))) {
            assertNotEquals(a.name(), b.name());
            waitFor(ids.get(n - 1), "succeeded", Duration.ofSeconds(60));
            for (long id : ids) {
                assertEquals("succeeded", waitFor(id, "succeeded", Duration.ofSeconds(30)).status());
            }
        }
        for (long id : ids) {
            assertEquals(1, runs.get(id).get(), "job " + id + " ran once");
        }
    }

    @Test
    void aWorkerThatLostItsLeaseCannotFinishTheJob() throws Exception {
        long id = enqueue("fence");
        JobQueue.Claim first = null;
        while (first == null || first.id() != id) {
            first = queue.claim("first", Duration.ofMillis(1)).orElseThrow();
        }
        Thread.sleep(20);
        JobQueue.Claim second = queue.claim("second", Duration.ofSeconds(30)).orElseThrow();
        assertEquals(id, second.id());
        assertEquals(2, second.attempt());
        JobQueue.Claim stale = first;
        JobQueue.LostLeaseException e = assertThrows(JobQueue.LostLeaseException.class,
                () -> db.inTenant(caller.tenantId(), c -> {
                    queue.succeed(c, stale, null);
                    return null;
                }));
        assertTrue(e.getMessage().contains("no longer held by first"), e.getMessage());
        db.inTenant(caller.tenantId(), c -> {
            queue.succeed(c, second, null);
            return null;
        });
        assertEquals("succeeded", queue.get(caller, id).status());
    }

    @Test
    void anotherTenantsJobIsNotFound() {
        long id = enqueue("other");
        Tenants tenants = new Tenants(db);
        Caller b = tenants.authenticate(tenants.add("queue-b").key());
        LoopAccessException e = assertThrows(LoopAccessException.class, () -> queue.get(b, id));
        assertEquals(404, e.status());
        db.inTenant(caller.tenantId(), c -> c.createStatement().executeUpdate("UPDATE jobs SET status = 'failed' "
                + "WHERE id = " + id));
    }
}
