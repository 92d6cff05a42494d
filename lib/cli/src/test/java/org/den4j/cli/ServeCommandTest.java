package org.den4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code den serve} in its own JVM: it prints the URL, answers over HTTP, and stops cleanly on SIGTERM (Ctrl-C). */
class ServeCommandTest {
    @TempDir
    Path tmp;

    /** The {@code den} command line as a program, for the child JVM. */
    public static void main(String[] args) {
        System.exit(DenCommand.commandLine().execute(args));
    }

    @Test
    void servePrintsItsUrlServesTheDenAndStopsOnSigterm() throws Exception {
        Path src = tmp.resolve("m");
        Files.createDirectories(src);
        Files.writeString(src.resolve("config.json"), "{}");
        Cli cli = new Cli(tmp.resolve("den"));
        assertEquals(0, cli.den("push", src.toString(), "--name", "acme/tiny").exit());
        Path keys = tmp.resolve("keys.properties");
        Files.writeString(keys, "ci.token=ci-token-0123456789\nci.scopes=read\n");

        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ServeCommandTest.class.getName(), "--den", tmp.resolve("den").toString(), "serve", "--port", "0",
                "--keys", keys.toString())).redirectError(tmp.resolve("err.txt").toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile()).start();
        try {
            String url = firstLine(tmp.resolve("out.txt"), p);
            assertTrue(url != null && url.matches("http://127\\.0\\.0\\.1:\\d+"), String.valueOf(url));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/models"))
                    .header("Authorization", "Bearer ci-token-0123456789").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode());
            assertTrue(list.body().contains("\"name\" : \"acme/tiny\""), list.body());
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());

            p.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM runs the shutdown hook
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "den serve stops");
            assertEquals(List.of(url, "den server stopped"), Files.readAllLines(tmp.resolve("out.txt")));
            String err = Files.readString(tmp.resolve("err.txt"));
            assertTrue(err.contains("Serving den " + tmp.resolve("den") + " at " + url + " (1 API key, every request "
                    + "needs a key; fine-tuned pushes refused, local fine-tuning not allowed). Press Ctrl-C to stop."), err);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void serveTakesANamedBackendOfTheBackendsFile() throws Exception {
        Path src = tmp.resolve("m");
        Files.createDirectories(src);
        Files.writeString(src.resolve("config.json"), "{}");
        assertEquals(0, new Cli(tmp.resolve("team-den")).den("push", src.toString(), "--name", "acme/team").exit());
        Path backends = tmp.resolve("backends.json");
        Files.writeString(backends, "{\"default_backend\": \"mine\", \"backends\": {"
                + "\"mine\": {\"type\": \"local_user\", \"location\": \"" + tmp.resolve("mine") + "\"},"
                + "\"team\": {\"type\": \"local_user\", \"location\": \"" + tmp.resolve("team-den") + "\"}}}");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ServeCommandTest.class.getName(), "--backend", "team", "serve", "--port", "0", "--public-read"))
                .redirectError(tmp.resolve("err.txt").toFile()).redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().put("DEN4J_BACKENDS_JSON", backends.toString());
        Process p = pb.start();
        try {
            String url = firstLine(tmp.resolve("out.txt"), p);
            assertTrue(url != null && url.startsWith("http://127.0.0.1:"), url + Files.readString(tmp.resolve("err.txt")));
            HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/api/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode(), "--public-read lets anyone read");
            assertTrue(list.body().contains("acme/team"), list.body());
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String firstLine(Path file, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            String text = Files.readString(file);
            if (text.contains("\n")) {
                return text.substring(0, text.indexOf('\n'));
            }
            Thread.sleep(20);
        }
        return null;
    }

    @Test
    void missingKeyFileIsBadInput() {
        Cli.Result r = new Cli(tmp.resolve("den")).den("serve", "--port", "0", "--keys", tmp.resolve("nope.json").toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("den: Key file " + tmp.resolve("nope.json") + " does not exist"), r.err());
    }
}
