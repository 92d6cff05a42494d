package org.den4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the data benchmark end to end at a tiny size; asserts that it measures, never how fast. */
class DataBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void tinyRunProducesEveryRowWithPositiveFiniteValues() {
        BenchReport report = DataBenchmark.builder().admissions(150).repeats(1).workDir(tmp)
                .log(new PrintStream(PrintStream.nullOutputStream())).build().run();
        assertEquals(DataBenchmark.ROWS, report.rows().stream().map(Measurement::id).toList());
        for (Measurement m : report.rows()) {
            assertTrue(Double.isFinite(m.value()) && m.value() > 0, m.id() + " has value " + m.value());
            if (m.hasReference()) {
                assertTrue(Double.isFinite(m.ratio()) && m.ratio() > 0, m.id() + " has ratio " + m.ratio());
            }
        }
        assertTrue(report.row(DataBenchmark.LOAD).orElseThrow().hasReference());
        assertTrue(report.row(DataBenchmark.TOKENIZE).orElseThrow().hasReference());
        assertTrue(report.toTable().contains("DuckDB read_csv"), report.toTable());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the run directory is deleted");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void tooFewAdmissionsAreRejectedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataBenchmark.builder().admissions(10));
        assertEquals("Admissions 10 are too few to measure; use 100 or more", e.getMessage());
    }
}
