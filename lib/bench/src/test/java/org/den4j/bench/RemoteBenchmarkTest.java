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

/** Runs the remote benchmark end to end at a tiny size; asserts that it measures, never how fast. */
class RemoteBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void tinyRunProducesEveryRowAndCleansUp() throws Exception {
        BenchReport report = RemoteBenchmark.builder().sizeMiB(8).repeats(1).workDir(tmp)
                .log(new PrintStream(PrintStream.nullOutputStream())).build().run();
        assertEquals(RemoteBenchmark.ROWS, report.rows().stream().map(Measurement::id).toList());
        for (Measurement m : report.rows()) {
            assertTrue(Double.isFinite(m.value()) && m.value() > 0, m.id() + " has value " + m.value());
        }
        Measurement push = report.row(RemoteBenchmark.PUSH_FINETUNE).orElseThrow();
        assertEquals(Measurement.Verdict.PASS, push.verdict(), "only the new blobs travel: " + push.note());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void tooSmallSizeIsRejectedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RemoteBenchmark.builder().sizeMiB(1).build());
        assertEquals("Size 1 MiB is too small; use 4 MiB or more", e.getMessage());
    }
}
