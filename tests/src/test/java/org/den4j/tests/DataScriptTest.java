package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang synth-mimic} then {@code ./jbang prepare-mimic} as a user runs them: the synthetic release
 * loads into DuckDB, stdout carries the summaries and exit codes reach the shell. The commands' behaviour is
 * tested in-process in lib/data.
 */
class DataScriptTest {
    @TempDir
    Path tmp;

    @Test
    void synthMimicThenPrepareMimicWritesTheDatabase() throws Exception {
        Path release = tmp.resolve("synthetic-mimic-iv");
        Jbang.Result synth = Jbang.inRepo().run("synth-mimic", "--version", "mimic-iv", "--patients", "60", "--seed",
                "1", "--out", release.toString());
        assertEquals(0, synth.exitCode(), synth::toString);
        assertTrue(synth.stdout().startsWith("mimic-iv " + release + ": 60 patients"), synth::toString);
        assertTrue(Files.isRegularFile(release.resolve("note/discharge.csv.gz")));

        Jbang.Result prepare = Jbang.inRepo().run("prepare-mimic", "--mimic-dir", release.toString(),
                "--dataset-version", "mimic-iv", "--output-dir", tmp.resolve("data").toString(), "--num-samples", "40");
        assertEquals(0, prepare.exitCode(), prepare::toString);
        assertTrue(prepare.stdout().contains("sampled patients 40"), prepare::toString);
        assertTrue(Files.isRegularFile(tmp.resolve("data/mimic-dataset.duckdb")));

        Jbang.Result wrong = Jbang.inRepo().run("prepare-mimic", "--mimic-dir", release.toString(),
                "--dataset-version", "mimic-iii", "--output-dir", tmp.resolve("data").toString());
        assertEquals(2, wrong.exitCode(), wrong::toString);
        assertEquals("prepare-mimic: " + release + " is a mimic-iv folder (it has hosp/admissions.csv.gz), not "
                + "mimic-iii; pass --dataset-version mimic-iv\n", wrong.stderr());
    }
}
