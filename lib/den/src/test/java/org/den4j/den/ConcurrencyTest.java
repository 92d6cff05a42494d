package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {
    @TempDir
    Path tmp;

    static Process worker(Path den, int id, int rounds, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                PushWorker.class.getName(), den.toString(), String.valueOf(id), String.valueOf(rounds), mode);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return pb.start();
    }

    @Test
    void eightProcessesPushingAndFetchingLeaveAConsistentRegistry() throws Exception {
        Path den = tmp.resolve("den");
        int workers = 8;
        int rounds = 3;
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            processes.add(worker(den, i, rounds, "mixed"));
        }
        for (Process p : processes) {
            assertTrue(p.waitFor(240, TimeUnit.SECONDS), "worker timed out");
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.exitValue(), "worker failed: " + out);
        }
        try (Den d = Den.at(den)) {
            // Same content under the same name converged on one version per round.
            List<ModelInfo> shared = d.list().stream().filter(m -> m.name().equals("acme/shared")).toList();
            assertEquals(rounds, shared.size());
            assertEquals(rounds, shared.stream().map(ModelInfo::digest).distinct().count());
            // Each worker's own content got its own version, numbered without gaps or duplicates.
            List<ModelInfo> common = d.list().stream().filter(m -> m.name().equals("acme/common")).toList();
            assertEquals(workers * rounds, common.size());
            assertEquals(IntStream.rangeClosed(1, workers * rounds).boxed().toList(),
                    common.stream().map(ModelInfo::version).sorted().toList());
            assertEquals(workers * rounds, common.stream().map(ModelInfo::digest).distinct().count());
            Set<String> sharedDigests = shared.stream().map(ModelInfo::digest).collect(Collectors.toSet());
            assertTrue(common.stream().allMatch(m -> sharedDigests.contains(m.parent())));
            assertEquals(workers, d.aliases("acme/common").size());
            assertTrue(d.verify().isClean(), () -> d.verify().problems().toString());
            // The weights file is stored once per round although 9 models per round hold it.
            assertEquals(rounds + rounds + workers * rounds, d.stats().blobs());
        }
    }

    @Test
    void threadsPushingTheSameContentConvergeOnOneVersion() throws Exception {
        Path src = DenRoundTripTest.model(tmp.resolve("m"), "config.json", "{}", "w.bin", "weights");
        try (Den d = Den.at(tmp.resolve("den"))) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<PushResult>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> d.push(PushRequest.builder(src, "acme/same").build())));
            }
            Set<String> refs = new java.util.HashSet<>();
            for (Future<PushResult> f : results) {
                refs.add(f.get().model().ref());
            }
            pool.shutdown();
            assertEquals(Set.of("acme/same@1"), refs);
            assertEquals(1, d.list().size());
        }
    }

    @Test
    void pushKilledMidwayLeavesNothingVisibleAndNextPushAndGcWork() throws Exception {
        Path den = tmp.resolve("den");
        try (Den d = Den.at(den)) {
            d.push(PushRequest.builder(DenRoundTripTest.model(tmp.resolve("base"), "a.txt", "base"), "acme/base").build());
        }
        Process p = worker(den, 1, 400, "big");
        // Wait until the push has staged some bytes, then SIGKILL it.
        assertEquals("ready", new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (bytesUnder(den.resolve("blobs")) < (20L << 20) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(p.isAlive(), "the push finished before it could be killed; make the model bigger");
        p.destroyForcibly();
        p.waitFor();
        long orphanBytes = bytesUnder(den.resolve("blobs"));

        try (Den d = Den.at(den)) {
            assertFalse(d.has("acme/big"), "a killed push must not leave a visible model");
            assertEquals(List.of("acme/base@1"), d.list().stream().map(ModelInfo::ref).toList());
            GcReport gc = d.gc(Duration.ZERO);
            assertTrue(gc.tempEntriesRemoved() > 0, gc.toString());
            assertTrue(gc.bytesFreed() >= orphanBytes - 100, gc + " should free the " + orphanBytes + " orphan bytes");
            assertEquals(0, bytesUnder(den.resolve("tmp")));
            assertEquals(1, d.stats().blobs(), "only the base model's blob is left");
            PushResult again = d.push(PushRequest.builder(
                    DenRoundTripTest.model(tmp.resolve("big2"), "w.bin", "after the crash"), "acme/big").build());
            assertEquals(1, again.model().version());
            assertTrue(d.verify().isClean());
            assertEquals("after the crash", Files.readString(d.fetch("acme/big").resolve("w.bin")));
        }
    }

    /** Bytes in regular files under a directory, tolerating files that move away meanwhile. */
    private static long bytesUnder(Path dir) throws Exception {
        for (int attempt = 0; ; attempt++) {
            if (!Files.isDirectory(dir)) {
                return 0;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".lock"))
                        .mapToLong(f -> f.toFile().length()).sum();
            } catch (java.io.UncheckedIOException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }
}
