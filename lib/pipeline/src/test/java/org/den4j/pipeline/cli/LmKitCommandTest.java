package org.den4j.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.den4j.lm.io.Qwen2Config;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lm-kit} as a black box: a text corpus, a MIMIC database's notes, and the bad inputs. */
class LmKitCommandTest {
    @TempDir
    static Path dir;
    static Path corpus;

    @BeforeAll
    static void notes() throws Exception {
        corpus = Files.writeString(dir.resolve("notes.txt"), String.join("\n<|endoftext|>\n", notes(200)));
    }

    static List<String> notes(int n) {
        String[] findings = {"chest pain", "pneumonia", "atrial fibrillation", "sepsis", "acute kidney injury"};
        String[] plans = {"Started on ceftriaxone.", "Continue metoprolol 25 mg.", "Follow up in 2 weeks."};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("Patient " + i + " was admitted with " + findings[i % findings.length] + ". "
                    + plans[i % plans.length] + " Discharged home in stable condition.");
        }
        return out;
    }

    record Run(int exit, String out, String err) {
    }

    static Run lmKit(String... args) {
        CommandLine cl = LmKitCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void buildsTheKitFromATextFileAndPrintsItsFolder() throws Exception {
        Path kit = dir.resolve("kit-text");
        Run run = lmKit("--corpus", corpus.toString(), "--out", kit.toString(), "--quick", "--steps", "1");
        assertEquals(0, run.exit(), run.err());
        assertEquals(kit.toAbsolutePath().normalize().toString(), run.out().strip());
        assertEquals(2, Qwen2Config.read(kit).numHiddenLayers());
    }

    @Test
    void readsTheNotesOfAMimicDatabase() throws Exception {
        Path db = dir.resolve("mimic-dataset.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (hadm_id INTEGER, note_text VARCHAR)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO notes VALUES (?, ?)")) {
                int id = 0;
                for (String note : notes(50)) {
                    insert.setInt(1, id++);
                    insert.setString(2, note);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            s.execute("CREATE VIEW admission_facts AS SELECT hadm_id, note_text FROM notes");
        }
        Path kit = dir.resolve("kit-db");
        Run run = lmKit("--corpus", db.toString(), "--out", kit.toString(), "--quick", "--steps", "0");
        assertEquals(0, run.exit(), run.err());
        assertTrue(Files.isRegularFile(kit.resolve("tokenizer.json")));
    }

    @Test
    void badInputsExitWithTwoAndNameTheProblem() throws Exception {
        Run run = lmKit("--corpus", dir.resolve("absent.txt").toString(), "--out", dir.resolve("x").toString(),
                "--quick");
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("lm-kit: corpus " + dir.resolve("absent.txt") + " does not exist"), run.err());

        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("README"), "taken");
        run = lmKit("--corpus", corpus.toString(), "--out", full.toString(), "--quick");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("already holds files; pass a new or empty folder"), run.err());

        run = lmKit("--corpus", corpus.toString(), "--out", dir.resolve("y").toString(), "--size", "huge");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("kit size 'huge' is unknown; use quick, small or coder"), run.err());

        Path db = dir.resolve("empty.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db)) {
            c.createStatement().execute("CREATE TABLE other (x INTEGER)");
        }
        run = lmKit("--corpus", db.toString(), "--out", dir.resolve("z").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("has no admission_facts.note_text"), run.err());
    }
}
