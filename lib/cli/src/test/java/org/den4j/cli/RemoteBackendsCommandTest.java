package org.den4j.cli;

import static org.den4j.cli.Cli.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.den4j.den.s3.testing.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --backend}, {@code den sync}, {@code den move} and {@code den cache} over a local den and an s3 den. */
class RemoteBackendsCommandTest {
    @TempDir
    static Path shared;
    static LocalS3 s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() {
        s3 = LocalS3.start(shared.resolve("s3"));
        s3.createBucket("models");
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.close();
        }
    }

    private Map<String, String> env() throws Exception {
        Path file = tmp.resolve("backends.json");
        Files.writeString(file, """
                {"default_backend": "laptop",
                 "backends": {
                   "laptop": {"type": "local_user", "location": "%s"},
                   "team": {"type": "s3", "location": "s3://models/%s", "host": "%s",
                            "credentials": {"access_key_id": "env:TEAM_KEY", "secret_access_key": "%s"},
                            "options": {"path_style": true},
                            "cache": {"path": "%s", "max_size": 100000000}}}}
                """.formatted(tmp.resolve("laptop"), tmp.getFileName(), s3.endpoint(), LocalS3.SECRET_ACCESS_KEY,
                tmp.resolve("cache")));
        return Map.of("DEN4J_BACKENDS_JSON", file.toString(), "TEAM_KEY", LocalS3.ACCESS_KEY_ID);
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    @Test
    void syncAndMoveBetweenBackendsThenManageTheCache() throws Exception {
        Map<String, String> env = env();
        model(tmp.resolve("base"), "config.json", "{}", "weights.bin", "W".repeat(10_000));
        model(tmp.resolve("tune"), "adapter.json", "{\"r\":8}", "weights.bin", "W".repeat(10_000));
        ok(Cli.raw(env, "push", tmp.resolve("base").toString(), "--name", "acme/base", "--tag", "qwen2"));
        ok(Cli.raw(env, "push", tmp.resolve("tune").toString(), "--name", "acme/tune", "--parent", "acme/base"));

        Cli.Result sync = ok(Cli.raw(env, "sync", "--to", "team", "acme/base"));
        assertEquals("acme/base@1", sync.out().trim());
        assertTrue(sync.err().contains("2 blob(s)"), sync.err());
        Cli.Result move = ok(Cli.raw(env, "move", "acme/tune", "--to", "team"));
        assertEquals("acme/tune@1", move.out().trim());
        assertTrue(move.err().contains("1 blob(s), 10.0 KiB already there") || move.err().contains("already there"),
                move.err());
        assertEquals(2, Cli.raw(env, "show", "acme/tune").exit(), "moved away from laptop");

        Cli.Result show = ok(Cli.raw(env, "--backend", "team", "show", "acme/tune"));
        assertTrue(show.out().contains("acme/base@1"), "lineage kept: " + show.out());
        Path dir = Path.of(ok(Cli.raw(env, "--backend", "team", "fetch", "acme/tune")).out().trim());
        assertTrue(dir.startsWith(tmp.resolve("cache")), dir.toString());

        ok(Cli.raw(env, "--backend", "team", "cache", "pin", "acme/base"));
        Cli.Result ls = ok(Cli.raw(env, "--backend", "team", "cache", "ls"));
        assertTrue(ls.out().contains("acme/base@1") && ls.out().contains("acme/tune@1"), ls.out());
        assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("acme/base@1") && l.contains("yes")), ls.out());
        assertTrue(ls.err().contains("2 model(s)"), ls.err());

        Cli.Result clear = ok(Cli.raw(env, "--backend", "team", "cache", "clear"));
        assertTrue(clear.out().contains("removed 1 model(s) (acme/tune@1)"), clear.out());
        assertTrue(Files.isDirectory(Path.of(ok(Cli.raw(env, "--backend", "team", "fetch", "acme/base")).out().trim())));
    }

    @Test
    void unknownBackendListsTheKnownOnes() throws Exception {
        Cli.Result r = Cli.raw(env(), "--backend", "tem", "list");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("No backend named 'tem'; known backends: laptop, team"), r.err());
    }
}
