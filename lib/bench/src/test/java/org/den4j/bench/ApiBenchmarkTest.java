package org.den4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.den4j.coder.Coders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench-api on a small setting: every row is measured, and no request fails during the swaps. */
class ApiBenchmarkTest {
    @Test
    void measuresPredictOverHttpBesideInProcessAndSwapsWithoutFailures(@TempDir Path dir) throws IOException {
        assumeTrue(Coders.formats().stream().anyMatch(f -> f.kind().equals("linear")),
                "the linear coder kind is not registered yet");
        BenchReport report = ApiBenchmark.builder().patients(60).concurrency(List.of(1, 4))
                .duration(Duration.ofSeconds(1)).swaps(2).workDir(dir).log(System.err).build().run();
        System.out.print(report.toTable());
        for (String id : List.of("predict-c1", "predict-c4", "p99-c1", "p99-c4")) {
            Measurement m = report.row(id).orElseThrow(() -> new AssertionError("no row " + id));
            assertTrue(m.value() > 0 && m.referenceValue() > 0, m.toString());
            assertTrue(!id.startsWith("predict") || m.note().contains(", 0 failed"), m.note());
        }
        Measurement swap = report.row("swap").orElseThrow();
        assertEquals(0, swap.value(), swap.note());
        assertTrue(swap.note().matches("\\d+ requests sent.*") && !swap.note().startsWith("0 requests"), swap.note());
        assertTrue(report.row("lm-generate").orElseThrow().note().startsWith("not run"));
        assertTrue(report.header().get(1).matches(".*; load average at the end (\\d+\\.\\d\\d|n/a)"),
                report.header().get(1));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "the run's directory under --work-dir is deleted");
        }
    }
}
