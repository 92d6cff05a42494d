package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang serve-api} and {@code ./jbang test-export} as a user runs them: bad input reaches the shell as exit
 * code 2 with one line on stderr. The commands are tested in-process in lib/serve (ServeApiCommandTest, with a live
 * server) and lib/bench (ExportCheckTest).
 */
class ServeScriptsTest {
    @TempDir
    Path tmp;

    @Test
    void badInputIsOneLineOnStderrAndExitTwo() throws Exception {
        Path config = tmp.resolve("inference.yaml");
        Files.writeString(config, "model:\n  nmae: den4j/icd-coder@champion\n");
        Jbang jbang = Jbang.inRepo().withEnv("DEN4J_PATH", tmp.resolve("den").toString());
        Jbang.Result serve = jbang.run("serve-api", "--config", config.toString());
        assertEquals(2, serve.exitCode(), serve::toString);
        assertEquals("serve-api: Unknown key model.nmae in " + config + "; the keys here are device, name, "
                + "poll_seconds", own(serve.stderr()));
        assertEquals("", serve.stdout());

        Path db = tmp.resolve("missing.duckdb");
        Jbang.Result export = jbang.run("test-export", "--model", tmp.toString(), "--gguf", tmp.resolve("x.gguf")
                .toString(), "--database", db.toString());
        assertEquals(2, export.exitCode(), export::toString);
        String line = own(export.stderr());
        assertEquals(1, line.lines().count(), export::toString);
        assertEquals(true, line.startsWith("test-export: ") && line.contains(db.toString()), line);
        assertEquals("", export.stdout());
    }

    /** The command's own stderr: without the wrapper's and JBang's first-run lines ([den4j] ..., [jbang] ...). */
    private static String own(String stderr) {
        return String.join("\n", stderr.lines().filter(l -> !l.startsWith("[jbang]") && !l.startsWith("[den4j]"))
                .toList());
    }
}
