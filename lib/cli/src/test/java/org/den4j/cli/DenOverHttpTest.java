package org.den4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.den4j.serve.den.ApiKeys;
import org.den4j.serve.den.DenServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The den command line with DEN4J_TYPE=http against a real den server on loopback. */
class DenOverHttpTest {
    @TempDir
    Path tmp;

    private Map<String, String> env(DenServer server, String token) {
        return Map.of("DEN4J_TYPE", "http", "DEN4J_REMOTE_HOST", server.url().toString(),
                "DEN4J_REMOTE_TOKEN", token, "DEN4J_LOCAL_CACHE_PATH", tmp.resolve("cache").toString());
    }

    @Test
    void pushListAliasFetchThroughTheServerAndA403ExitsOne() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("m"));
        Files.writeString(src.resolve("config.json"), "{\"model_type\":\"qwen2\"}");
        ApiKeys keys = ApiKeys.of("alice", "alice-token-123456", ApiKeys.Scope.WRITE)
                .plus("ci", "ci-token-123456", ApiKeys.Scope.READ);
        try (DenServer server = DenServer.builder(tmp.resolve("served")).keys(keys).start()) {
            Map<String, String> alice = env(server, "alice-token-123456");
            Cli.Result push = Cli.raw(alice, "push", src.toString(), "--name", "acme/tiny", "-t", "icd10");
            assertEquals(0, push.exit(), push.toString());
            assertTrue(push.out().startsWith("acme/tiny@1 sha256:"), push.out());
            assertEquals(0, Cli.raw(alice, "alias", "acme/tiny", "prod", "1").exit());

            Map<String, String> ci = env(server, "ci-token-123456");
            Cli.Result list = Cli.raw(ci, "list");
            assertTrue(list.out().contains("acme/tiny"), list.toString());
            Cli.Result fetch = Cli.raw(ci, "fetch", "acme/tiny@prod");
            assertEquals(0, fetch.exit(), fetch.toString());
            assertEquals("{\"model_type\":\"qwen2\"}", Files.readString(Path.of(fetch.out().strip()).resolve("config.json")));

            Cli.Result refused = Cli.raw(ci, "alias", "acme/tiny", "staging", "1");
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.err().startsWith("den: Den server " + server.url() + " refused to change the aliases of "
                    + "acme/tiny (HTTP 403 forbidden): API key 'ci' has the read scope only"), refused.err());
        }
    }

    @Test
    void entryWithoutFilesIsRegisteredRefusedAndAttachedThroughTheServer() throws Exception {
        Path meta = Files.writeString(tmp.resolve("coder.yaml"), DenEntriesTest.PYTHON);
        Path src = Files.createDirectories(tmp.resolve("m"));
        Files.writeString(src.resolve("config.json"), "{}");
        ApiKeys keys = ApiKeys.of("alice", "alice-token-123456", ApiKeys.Scope.WRITE);
        try (DenServer server = DenServer.builder(tmp.resolve("served")).keys(keys).start()) {
            Map<String, String> alice = env(server, "alice-token-123456");
            Cli.Result r = Cli.raw(alice, "register", "acme/icd-coder", "--metadata", meta.toString());
            assertEquals(0, r.exit(), r.toString());
            assertEquals("acme/icd-coder@1 (no files)\n", r.out());
            assertTrue(Cli.raw(alice, "list").out().contains("(no files)"));
            Cli.Result fetch = Cli.raw(alice, "fetch", "acme/icd-coder");
            assertEquals(2, fetch.exit(), fetch.toString());
            assertTrue(fetch.err().contains("is a registry entry without files"), fetch.err());
            Cli.Result push = Cli.raw(alice, "push", src.toString(), "--name", "acme/icd-coder");
            assertEquals(0, push.exit(), push.toString());
            assertTrue(push.out().startsWith("acme/icd-coder@2 "), push.out());
            assertEquals(0, Cli.raw(alice, "fetch", "acme/icd-coder").exit());
            assertTrue(Cli.raw(alice, "show", "acme/icd-coder").out().contains("ICD coder (MIMIC-IV)"));
        }
    }
}
