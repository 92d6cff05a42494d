package org.den4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the den server benchmark end to end at a tiny size; asserts that it measures, never how fast. */
class DenServerBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void tinyRunProducesEveryRowWithPositiveFiniteValuesAndCleansUp() throws Exception {
        BenchReport report = DenServerBenchmark.builder().sizeMiB(4).repeats(1).warmup(false).workDir(tmp)
                .log(new PrintStream(PrintStream.nullOutputStream())).build().run();
        assertEquals(DenServerBenchmark.ROWS, report.rows().stream().map(Measurement::id).toList());
        for (Measurement m : report.rows()) {
            assertTrue(Double.isFinite(m.value()) && m.value() > 0, m.id() + " has value " + m.value());
            if (m.hasReference()) {
                assertTrue(Double.isFinite(m.ratio()) && m.ratio() > 0, m.id() + " has ratio " + m.ratio());
            }
        }
        assertTrue(report.row(DenServerBenchmark.FETCH).orElseThrow().hasReference(), "curl is the reference");
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
