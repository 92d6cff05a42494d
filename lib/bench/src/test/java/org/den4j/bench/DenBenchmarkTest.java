package org.den4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the benchmark end to end at a tiny size; asserts that it measures, never how fast. */
class DenBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void tinyRunProducesEveryRowWithPositiveFiniteValues() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        BenchReport report = DenBenchmark.builder().sizeMiB(8).models(200).repeats(1).warmup(false).workDir(tmp)
                .log(new PrintStream(progress, true, StandardCharsets.UTF_8)).build().run();

        assertEquals(DenBenchmark.ROWS, report.rows().stream().map(Measurement::id).toList());
        for (Measurement m : report.rows()) {
            assertTrue(Double.isFinite(m.value()) && m.value() > 0,
                    m.id() + " has value " + m.value() + ": " + m.note());
            if (m.hasReference()) {
                assertTrue(Double.isFinite(m.referenceValue()) && m.referenceValue() > 0,
                        m.id() + " has reference " + m.referenceValue());
                assertTrue(Double.isFinite(m.ratio()) && m.ratio() > 0, m.id() + " has ratio " + m.ratio());
            }
        }
        assertTrue(report.row(DenBenchmark.PUSH).orElseThrow().hasReference());
        assertTrue(report.row(DenBenchmark.FETCH_STORED).orElseThrow().hasReference());

        String table = report.toTable();
        for (Measurement m : report.rows()) {
            assertTrue(table.contains(m.name()), "table lacks row " + m.name() + ":\n" + table);
        }
        assertTrue(table.contains("targets reached"), table);
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("[bench] set-up: pushing 200 small models"));
    }

    @Test
    void workDirectoryIsDeletedAfterTheRun() throws Exception {
        DenBenchmark.builder().sizeMiB(1).models(3).repeats(1).warmup(false).freshJvm(false).workDir(tmp)
                .log(new PrintStream(PrintStream.nullOutputStream())).build().run();
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void registryDenIsKeptAndItsModelsReused() throws Exception {
        Path registry = tmp.resolve("registry");
        DenBenchmark bench = DenBenchmark.builder().sizeMiB(1).models(5).repeats(1).warmup(false).freshJvm(false)
                .workDir(tmp.resolve("work")).registryDen(registry)
                .log(new PrintStream(PrintStream.nullOutputStream())).build();
        bench.run();
        BenchReport again = bench.run();
        Measurement setup = again.row(DenBenchmark.REGISTRY_SETUP).orElseThrow();
        assertTrue(setup.note().startsWith("reused the 5 models"), setup.note());
        assertFalse(again.row(DenBenchmark.LIST_FRESH_JVM).isPresent());
    }

    @Test
    void zeroModelsIsRejectedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DenBenchmark.builder().models(0).build());
        assertEquals("Model count 0 is too small; use 1 or more", e.getMessage());
    }
}
