package org.den4j.data.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.den4j.command.Commands;
import org.den4j.data.TestTokenizer;
import org.den4j.data.TokenSets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandsTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Object command, String... args) {
        CommandLine cl = Commands.line(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void synthThenPrepareLoadsTheSyntheticRelease() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(progress, true);
        Path release = dir.resolve("syn");
        Run synth = run(new SynthMimicCommand(p), "--version", "mimic-iii", "--patients", "40", "--seed", "3",
                "--out", release.toString());
        assertEquals(0, synth.exitCode(), synth::toString);
        assertTrue(synth.out().startsWith("mimic-iii " + release + ": 40 patients, "), synth.out());
        assertTrue(progress.toString().contains("40/40 patients"), progress.toString());

        Run prepare = run(new PrepareMimicCommand(p), "--mimic-dir", release.toString(), "--dataset-version",
                "mimic-iii", "--output-dir", dir.resolve("data").toString(), "--num-samples", "20");
        assertEquals(0, prepare.exitCode(), prepare::toString);
        assertTrue(prepare.out().contains("sampled patients 20 (seed 42)"), prepare.out());
        assertTrue(prepare.out().matches("(?s).*admission_facts \\d+: train \\d+, validation \\d+, test \\d+\n.*"),
                prepare.out());
        assertTrue(Files.isRegularFile(dir.resolve("data/mimic-dataset.duckdb")));

        Path tokenizer = TestTokenizer.write(dir.resolve("tok"));
        Run tokens = run(new PrepareTokensCommand(p), "--config", "../../config/training-config.yaml", "--input-db",
                dir.resolve("data/mimic-dataset.duckdb").toString(), "--output-dir", dir.resolve("tokens").toString(),
                "--tokenizer", tokenizer.toString(), "--threads", "2", "--max-length", "64");
        assertEquals(0, tokens.exitCode(), tokens::toString);
        assertTrue(tokens.out().contains("max_length 64, 2 threads"), tokens.out());
        assertTrue(tokens.out().matches("(?s).*\\ntrain +\\d+ .*\\nvalidation +\\d+ .*\\ntest +\\d+ .*"), tokens.out());
        assertFalse(TokenSets.read(dir.resolve("tokens"), "train").isEmpty());
    }

    @Test
    void aBadConfigurationIsNamedWithExitTwo() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "data:\n  threads: zero\n");
        Run r = run(new PrepareTokensCommand(new PrintStream(new ByteArrayOutputStream())), "--config",
                config.toString());
        assertEquals(2, r.exitCode());
        assertEquals("prepare-tokens: data.threads: \"zero\" in " + config + " is not valid; use a whole number\n",
                r.err());
    }

    @Test
    void badInputExitsWithTwoAndOneLineNamingIt() {
        PrintStream p = new PrintStream(new ByteArrayOutputStream());
        Run r = run(new SynthMimicCommand(p), "--version", "mimic-v", "--out", dir.resolve("x").toString());
        assertEquals(2, r.exitCode());
        assertEquals("synth-mimic: --version 'mimic-v' is not a MIMIC version; use mimic-iii or mimic-iv\n", r.err());

        r = run(new PrepareMimicCommand(p), "--mimic-dir", dir.resolve("nowhere").toString(), "--dataset-version",
                "mimic-iv");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("prepare-mimic: MIMIC folder " + dir.resolve("nowhere") + " does not exist"),
                r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
