package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang synth-mimic}, {@code prepare-mimic} and {@code prepare-tokens} as a user runs them: the synthetic release
 * loads into DuckDB, stdout carries the summaries and exit codes reach the shell. The commands' behaviour is
 * tested in-process in lib/data.
 */
class DataScriptTest {
    @TempDir
    Path tmp;

    @Test
    void synthMimicPrepareMimicAndPrepareTokensWriteTheirDatabases() throws Exception {
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

        // A small valid tokenizer.json (WordLevel): the tokenizer is an input like any other.
        Path tokenizer = tmp.resolve("tokenizer.json");
        Files.writeString(tokenizer, "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, "
                + "\"added_tokens\": [{\"id\": 0, \"content\": \"[UNK]\", \"single_word\": false, \"lstrip\": false, "
                + "\"rstrip\": false, \"normalized\": false, \"special\": true}], \"normalizer\": {\"type\": "
                + "\"Lowercase\"}, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null, "
                + "\"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"[UNK]\": 0, \"predict\": 1, "
                + "\"the\": 2, \"codes\": 3, \",\": 4, \".\": 5}, \"unk_token\": \"[UNK]\"}}");
        Jbang.Result tokens = Jbang.inRepo().run("prepare-tokens", "--input-db",
                tmp.resolve("data/mimic-dataset.duckdb").toString(), "--output-dir", tmp.resolve("tokens").toString(),
                "--tokenizer", tokenizer.toString(), "--max-length", "128");
        assertEquals(0, tokens.exitCode(), tokens::toString);
        assertTrue(tokens.stdout().contains("max_length 128, 2 threads"), tokens::toString);
        assertTrue(Files.isRegularFile(tmp.resolve("tokens/tokens.duckdb")));

        Jbang.Result wrong = Jbang.inRepo().run("prepare-mimic", "--mimic-dir", release.toString(),
                "--dataset-version", "mimic-iii", "--output-dir", tmp.resolve("data").toString());
        assertEquals(2, wrong.exitCode(), wrong::toString);
        assertEquals("prepare-mimic: " + release + " is a mimic-iv folder (it has hosp/admissions.csv.gz), not "
                + "mimic-iii; pass --dataset-version mimic-iv\n", wrong.stderr());
    }
}
