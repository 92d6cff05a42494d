package org.den4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the Hub benchmark end to end at a tiny size; asserts that it measures, never how fast. */
class HubBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void tinyRunProducesEveryRowWithPositiveFiniteValues() {
        BenchReport report = HubBenchmark.builder().sizeMiB(8).repeats(1).warmup(false).workDir(tmp)
                .log(new PrintStream(PrintStream.nullOutputStream())).build().run();

        assertEquals(HubBenchmark.ROWS, report.rows().stream().map(Measurement::id).toList());
        for (Measurement m : report.rows()) {
            assertTrue(Double.isFinite(m.value()) && m.value() > 0,
                    m.id() + " has value " + m.value() + ": " + m.note());
            if (m.hasReference()) {
                assertTrue(Double.isFinite(m.referenceValue()) && m.referenceValue() > 0,
                        m.id() + " has reference " + m.referenceValue());
                assertTrue(Double.isFinite(m.ratio()) && m.ratio() > 0, m.id() + " has ratio " + m.ratio());
            }
        }
        assertTrue(report.row(HubBenchmark.VERIFY).orElseThrow().hasReference());
        String table = report.toTable();
        for (Measurement m : report.rows()) {
            assertTrue(table.contains(m.name()), "table lacks row " + m.name() + ":\n" + table);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void zeroSizeIsRejectedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HubBenchmark.builder().sizeMiB(0).build());
        assertEquals("Size 0 MiB is too small; use 1 MiB or more", e.getMessage());
    }
}
