package org.den4j.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.den4j.den.Den;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The promotion rule with lib/coder's naive Bayes on synthetic notes. */
class GateTest {
    @TempDir
    static Path dir;
    private static LoopDatabase db;
    private static Den den;
    private static Caller caller;
    private static LabelSets sets;
    private static Observations observations;
    private static Models models;
    private static JobQueue queue;
    private static Worker worker;
    private static Champions champions;

    @BeforeAll
    static void open() {
        db = LoopDatabase.open(LoopDatabase.Location.url(TestPostgres.newDatabase("gate")), 6);
        den = Den.at(dir.resolve("den"));
        ObjectMapper json = LoopJson.mapper();
        Algorithms algorithms = Algorithms.standard();
        queue = new JobQueue(db, json);
        champions = new Champions(db, den, algorithms);
        observations = new Observations(db, queue, champions, json);
        sets = new LabelSets(db, algorithms);
        models = new Models(db, json, den);
        Training training = new Training(db, queue, algorithms, champions, den, dir.resolve("work"), json);
        worker = new Worker(queue, Map.of("train", training), 1, Duration.ofSeconds(30), Duration.ofMillis(100));
        Tenants tenants = new Tenants(db);
        caller = tenants.authenticate(tenants.add("gate").key());
    }

    @AfterAll
    static void close() {
        worker.close();
        champions.close();
        db.close();
        den.close();
    }

    private static void add(String set, List<SyntheticNotes.Note> notes) {
        List<ObservationInput> items = new ArrayList<>();
        for (SyntheticNotes.Note n : notes) {
            items.add(new ObservationInput(n.text(), new ArrayList<>(n.codes()), null, null));
        }
        for (int i = 0; i < items.size(); i += Observations.MAX_ITEMS) {
            observations.add(caller, set, items.subList(i, Math.min(items.size(), i + Observations.MAX_ITEMS)));
        }
    }

    private static Job train(String set) throws InterruptedException {
        long id = observations.train(caller, set);
        worker.wake();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Job job = queue.get(caller, id);
        while (!job.status().equals("succeeded") && !job.status().equals("failed") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            job = queue.get(caller, id);
        }
        assertEquals("succeeded", job.status(), String.valueOf(job.error()));
        return job;
    }

    @Test
    void aChallengerTrainedOnShuffledLabelsIsNotPromoted() throws Exception {
        sets.create(caller, new LabelSets.Spec("shuffled", false, "naive-bayes", 0, List.of(), 0.25, null, null));
        add("shuffled", SyntheticNotes.generate(400, 11, false));
        Job first = train("shuffled");
        assertTrue(first.result().get("promoted").asBoolean(), first.result().toString());

        // every training annotation gets another observation's labels; the holdout keeps its gold labels
        db.inTenant(caller.tenantId(), c -> {
            List<Long> ids = new ArrayList<>();
            List<String[]> labels = new ArrayList<>();
            try (var rs = c.createStatement().executeQuery("SELECT a.id, a.labels FROM annotations a JOIN label_sets s "
                    + "ON s.id = a.label_set_id WHERE s.name = 'shuffled' AND a.observation_id NOT IN (SELECT "
                    + "observation_id FROM holdout_items)")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    labels.add((String[]) rs.getArray(2).getArray());
                }
            }
            Collections.shuffle(labels, new Random(3));
            try (var ps = c.prepareStatement("UPDATE annotations SET labels = ?, updated_at = now() WHERE id = ?")) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setArray(1, c.createArrayOf("text", labels.get(i)));
                    ps.setLong(2, ids.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
        Job second = train("shuffled");
        assertFalse(second.result().get("promoted").asBoolean(), second.result().toString());

        List<ModelVersion> versions = models.list(caller, "shuffled");
        assertEquals(2, versions.size());
        ModelVersion rejected = versions.get(0);
        assertEquals("rejected", rejected.status());
        assertEquals("champion", versions.get(1).status());
        Decision d = rejected.decision();
        assertFalse(d.promoted());
        assertEquals(Integer.valueOf(1), d.championVersion());
        assertNotNull(d.championMetrics());
        assertTrue(d.microF1Diff() < 0, d.toString());
        assertTrue(d.ciHigh() < 0, "the whole interval is below 0: " + d);
        assertTrue(d.mcnemarP() < 0.01, d.toString());
        assertEquals(versions.get(1).decision().holdoutHash(), d.holdoutHash(), "the same frozen holdout");
        assertEquals(100, d.challengerMetrics().holdoutSize());
        assertTrue(d.reason().startsWith("rejected:"), d.reason());
        assertTrue(d.trigger().startsWith("on demand by key:"));
    }

    @Test
    void aBetterChallengerIsPromotedAndTheDecisionHoldsTheFigures() throws Exception {
        // a large holdout and a small first training set: the first champion is weak
        sets.create(caller, new LabelSets.Spec("better", false, "naive-bayes", 0, List.of(), 0.8, null, null));
        add("better", SyntheticNotes.generate(150, 21, false));
        Job first = train("better");
        assertTrue(first.result().get("promoted").asBoolean(), first.result().toString());
        assertEquals(30, first.result().get("trained_on").asInt());
        ModelVersion v1 = models.list(caller, "better").get(0);
        assertNull(v1.decision().ciLow(), "no interval for the first model");
        assertTrue(v1.decision().baselineMicroF1() < v1.metrics().microF1());

        add("better", SyntheticNotes.generate(600, 22, false));
        Job second = train("better");
        assertTrue(second.result().get("promoted").asBoolean(), second.result().toString());
        List<ModelVersion> versions = models.list(caller, "better");
        ModelVersion v2 = versions.get(0);
        assertEquals("champion", v2.status());
        assertEquals("retired", versions.get(1).status());
        assertEquals(Integer.valueOf(1), v2.parentVersion());
        Decision d = v2.decision();
        assertTrue(d.ciLow() > 0, d.toString());
        assertTrue(d.microF1Diff() > 0);
        assertEquals(d.challengerMetrics().microF1() - d.championMetrics().microF1(), d.microF1Diff(), 1e-9);
        assertEquals(120, d.challengerMetrics().holdoutSize());
        assertEquals(v1.decision().holdoutHash(), d.holdoutHash());
        assertNotNull(d.mcnemarP());
        assertTrue(v2.denRef().startsWith("loop/gate/better@"));
        assertEquals(v2.denRef(), "loop/gate/better@" + den.aliases("loop/gate/better").get("champion"));
        assertEquals(v1.denRef(), den.show(v2.denRef()).parentRef(), "the den lineage names the replaced champion");

        // rollback puts version 1 back
        assertEquals(1, models.rollback(caller, "better"));
        versions = models.list(caller, "better");
        assertEquals("rejected", versions.get(0).status());
        assertEquals("champion", versions.get(1).status());
        assertEquals(versions.get(1).denRef(), "loop/gate/better@" + den.aliases("loop/gate/better").get("champion"));
    }
}
