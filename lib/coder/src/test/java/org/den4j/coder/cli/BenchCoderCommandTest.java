package org.den4j.coder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCoderCommandTest {
    @TempDir
    Path dir;

    @Test
    void oneRunPrintsEveryCoderAgainstLinearAndTheTargets() {
        CoderCommandsTest.Run r = CoderCommandsTest.run(BenchCoderCommand.commandLine(null, Map.of()), "--patients",
                "40", "--kinds", "linear,naive-bayes", "--resamples", "50", "--work-dir", dir.toString(),
                "--sklearn-python", dir.resolve("no-python").toString());
        assertEquals(0, r.exit(), r.err());
        String t = r.out();
        assertTrue(t.startsWith("bench-coder: synthetic MIMIC-IV, 40 patients, seed 7; notes: train "), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("linear ") && l.contains(" - ")), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("naive-bayes ") && l.contains("[")), t);
        assertTrue(t.contains("linear throughput: "), t);
        assertTrue(t.contains("linear vs scikit-learn: not run ("), t);
        assertTrue(t.contains("best LM coder vs linear: no LM coder ran"), t);

        CoderCommandsTest.Run bad = CoderCommandsTest.run(BenchCoderCommand.commandLine(null, Map.of()), "--set",
                "c=1", "--work-dir", dir.toString(), "--kinds", "linear");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("names no kind; write KIND.KEY=VALUE"), bad.err());
    }
}
