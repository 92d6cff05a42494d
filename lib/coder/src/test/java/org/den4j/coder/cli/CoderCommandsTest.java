package org.den4j.coder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.coder.CoderConfig;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** train-coder and evaluate as black boxes: exit code, standard output, the error line. */
class CoderCommandsTest {
    @TempDir
    static Path dir;
    static Path database;

    @BeforeAll
    static void prepare() {
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(80).seed(11).build().write(dir.resolve("mimic"));
        MimicImport.builder(dir.resolve("mimic"), MimicVersion.MIMIC_IV).outputDir(dir.resolve("db")).build().run();
        database = dir.resolve("db").resolve(MimicImport.DATABASE_FILE);
    }

    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void trainPushAndEvaluateAFolderAgainstADenReference() throws Exception {
        Path den = dir.resolve("den");
        Path folder = dir.resolve("coders/nb");
        Run trained = run(TrainCoderCommand.commandLine(null, Map.of()), "--coder", "naive-bayes", "--database",
                database.toString(), "--output-dir", folder.toString());
        assertEquals(0, trained.exit(), trained.err());
        assertEquals(folder.toString(), trained.lines().get(trained.lines().size() - 1));
        assertTrue(CoderConfig.isCoderFolder(folder));

        Run pushed = run(TrainCoderCommand.commandLine(null, Map.of()), "--coder", "linear", "--database",
                database.toString(), "--output-dir", dir.resolve("coders/linear").toString(), "--push",
                "test/icd-coder", "--den", den.toString(), "--set", "c=0.5");
        assertEquals(0, pushed.exit(), pushed.err());
        assertEquals("test/icd-coder@1", pushed.lines().get(pushed.lines().size() - 1));

        Run evaluated = run(EvaluateCommand.commandLine(Map.of()), "--model", folder.toString(), "--model",
                "test/icd-coder@1", "--den", den.toString(), "--database", database.toString(), "--json",
                "--resamples", "100");
        assertEquals(0, evaluated.exit(), evaluated.err());
        JsonNode json = new ObjectMapper().readTree(evaluated.out());
        assertEquals("test", json.get("split").asText());
        assertEquals("naive-bayes", json.get("models").get(0).get("kind").asText());
        assertEquals("test/icd-coder@1", json.get("models").get(1).get("model").asText());
        assertEquals(folder.toString(), json.get("comparisons").get(0).get("a").asText());
        assertTrue(json.get("models").get(1).get("micro_f1").asDouble() > 0);

        Run table = run(EvaluateCommand.commandLine(Map.of()), "--model", folder.toString(), "--database",
                database.toString(), "--split", "validation");
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().startsWith("validation split, "), table.out());
        assertTrue(table.out().contains("naive-bayes"), table.out());
    }

    @Test
    void badInputExitsWithTwoAndOneLine() {
        Run kind = run(TrainCoderCommand.commandLine(null, Map.of()), "--coder", "svm", "--database",
                database.toString(), "--output-dir", dir.resolve("x").toString());
        assertEquals(2, kind.exit());
        assertTrue(kind.err().startsWith("train-coder: Unknown coder kind 'svm'; known kinds: "), kind.err());
        assertEquals(1, kind.err().lines().count(), kind.err());
        assertTrue(Files.notExists(dir.resolve("x")));

        Run missing = run(TrainCoderCommand.commandLine(null, Map.of()), "--coder", "linear", "--database",
                dir.resolve("none.duckdb").toString());
        assertEquals(2, missing.exit());
        assertEquals("train-coder: MIMIC database " + dir.resolve("none.duckdb") + " does not exist; write one with "
                + "./jbang prepare-mimic", missing.err().strip());

        Run notCoder = run(EvaluateCommand.commandLine(Map.of()), "--model", dir.toString(), "--den",
                dir.resolve("empty-den").toString(), "--database", database.toString());
        assertEquals(2, notCoder.exit(), notCoder.err());

        Run split = run(EvaluateCommand.commandLine(Map.of()), "--model", "x", "--database", database.toString(),
                "--split", "train");
        assertEquals(2, split.exit());
        assertTrue(split.err().contains("--split must be test or validation"), split.err());
    }
}
