package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang train-coder} and {@code ./jbang evaluate} as a user runs them: the folder on the last line, the
 * evaluation JSON, bad input as exit code 2 with one line on stderr. The commands are tested in-process in
 * lib/coder (CoderCommandsTest).
 */
class CoderScriptTest {
    @TempDir
    Path tmp;

    @Test
    void trainThenEvaluateAndBadInputExitsTwo() throws Exception {
        Jbang jbang = Jbang.inRepo().withEnv("DEN4J_PATH", tmp.resolve("den").toString());
        Path release = tmp.resolve("mimic");
        Jbang.Result synth = jbang.run("synth-mimic", "--version", "mimic-iv", "--patients", "40", "--seed", "5",
                "--out", release.toString());
        assertEquals(0, synth.exitCode(), synth::toString);
        Jbang.Result prepare = jbang.run("prepare-mimic", "--mimic-dir", release.toString(), "--dataset-version",
                "mimic-iv", "--output-dir", tmp.resolve("db").toString());
        assertEquals(0, prepare.exitCode(), prepare::toString);
        Path db = tmp.resolve("db").resolve("mimic-dataset.duckdb");
        Path coder = tmp.resolve("coders/naive-bayes");
        Jbang.Result trained = jbang.run("train-coder", "--coder", "naive-bayes", "--database", db.toString(),
                "--output-dir", coder.toString());
        assertEquals(0, trained.exitCode(), trained::toString);
        List<String> lines = trained.stdout().lines().toList();
        assertEquals(coder.toString(), lines.get(lines.size() - 1));

        Jbang.Result evaluated = jbang.run("evaluate", "--model", coder.toString(), "--database", db.toString(),
                "--json", "--resamples", "50");
        assertEquals(0, evaluated.exitCode(), evaluated::toString);
        String json = evaluated.stdout().strip();
        assertTrue(json.startsWith("{\"split\":\"test\",\"notes\":") && json.contains("\"kind\":\"naive-bayes\"")
                && json.contains("\"negation_fp_rate\":0") && json.endsWith("\"comparisons\":[]}"), json);

        Jbang.Result bad = jbang.run("train-coder", "--coder", "svm", "--database", db.toString());
        assertEquals(2, bad.exitCode(), bad::toString);
        assertTrue(bad.stderr().startsWith("train-coder: Unknown coder kind 'svm'; known kinds: ")
                && bad.stderr().lines().count() == 1, bad::toString);
        assertEquals("", bad.stdout());
    }
}
