package org.den4j.serve.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.den4j.serve.api.cli.ServeApiCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** serve-api as a black box: exit codes and one-line errors, and a served coder folder. */
class ServeApiCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ServeApiCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void unknownConfigKeyIsBadInputNamingKeyAndFile() throws Exception {
        Path config = dir.resolve("inference.yaml");
        Files.writeString(config, "api:\n  prot: 8000\n");
        Run r = run("--config", config.toString(), "--den", dir.resolve("den").toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("serve-api: Unknown key api.prot in " + config + "; the keys here are api_keys_file, cors_origins, "
                + "host, max_body_bytes, port, rate_limit, request_timeout_seconds, workers", r.err().strip());
    }

    @Test
    void missingConfigAndBadPortAreBadInput() {
        Run missing = run("--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("does not exist; pass --config FILE"), missing.err());
        Run port = run("--port", "70000", "--den", dir.resolve("den").toString());
        assertEquals(2, port.exit());
        assertTrue(port.err().startsWith("serve-api: --port 70000 is not a TCP port"), port.err());
    }

    @Test
    void servesACoderFolderAndPrintsItsUrl() throws Exception {
        Path folder = KeywordCoder.write(dir.resolve("coder"), KeywordCoder.keywords(1), KeywordCoder.descriptions(),
                0);
        StringWriter out = new StringWriter();
        CommandLine cl = ServeApiCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        Thread t = new Thread(() -> cl.execute("--model", folder.toString(), "--port", "0", "--den",
                dir.resolve("den").toString()));
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (out.toString().isBlank() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String url = out.toString().strip();
        assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+"), url);
        Http http = new Http(java.net.URI.create(url));
        CoderApiTest.awaitReady(http);
        assertEquals("I50.9", Http.json(http.post("/predict", "{\"text\":\"chf\"}")).at("/codes/0/code").asText());
    }
}
