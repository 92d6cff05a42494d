package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendsTest {
    @TempDir
    Path tmp;

    private Path file(String json) throws Exception {
        Path f = tmp.resolve("backends.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void backendsFileWinsOverEnvironmentWhichFillsWhatItLeavesOut() throws Exception {
        Path f = file("""
                {"default_backend": "team",
                 "backends": {
                   "laptop": {"type": "local_user", "location": "%s"},
                   "team": {"type": "s3", "location": "s3://models/den", "host": "http://127.0.0.1:9000",
                            "credentials": {"access_key_id": "env:TEAM_KEY", "secret_access_key": "s3cr3t"},
                            "options": {"path_style": true, "region": "us-east-1"},
                            "cache": {"max_size": 0, "eviction_policy": "lfu"},
                            "allow_push_finetuned": true}}}
                """.formatted(tmp.resolve("laptop-den")));
        Map<String, String> env = Map.of("DEN4J_BACKENDS_JSON", f.toString(), "DEN4J_LOCAL_CACHE_PATH",
                tmp.resolve("cache").toString(), "DEN4J_LOCAL_CACHE_EXPIRATION_TIME", "60", "DEN4J_REMOTE_HOST",
                "http://ignored:1", "TEAM_KEY", "AKIA-TEST");
        Backends backends = Backends.of(DenConfig.fromEnvironment(env), env);
        assertEquals("team", backends.defaultName());
        assertEquals(List.of("laptop", "team"), backends.names());
        BackendSpec team = backends.spec(null);
        assertEquals(DenType.S3, team.type());
        assertEquals("http://127.0.0.1:9000", team.host(), "the file's host beats DEN4J_REMOTE_HOST");
        assertEquals("AKIA-TEST", team.credentials().get("access_key_id"));
        assertTrue(team.booleanOption("path_style", false));
        assertEquals(0, team.cache().maxSize(), "0 is honoured, not treated as unset");
        assertEquals(EvictionPolicy.LFU, team.cache().evictionPolicy());
        assertEquals(Duration.ofSeconds(60), team.cache().expiration(), "from the environment");
        assertEquals(tmp.resolve("cache"), team.cache().path());
        assertTrue(team.allowPushFinetuned());
        assertTrue(!team.toString().contains("s3cr3t"), "secrets stay out of messages");
        try (Den den = Den.open(DenConfig.fromEnvironment(env), "laptop", ExternalSources.fromEnvironment(Map.of()))) {
            assertEquals(tmp.resolve("laptop-den").toString(), den.location());
        }
    }

    @Test
    void unknownBackendNameListsTheKnownOnes() throws Exception {
        Path f = file("{\"default_backend\": \"a\", \"backends\": {\"a\": {\"type\": \"local_user\"}, "
                + "\"b\": {\"type\": \"s3\", \"location\": \"s3://x/y\"}}}");
        Backends backends = Backends.load(f, DenConfig.defaults(), Map.of());
        DenConfigException e = assertThrows(DenConfigException.class, () -> backends.spec("team"));
        assertEquals("No backend named 'team'; known backends: a, b (from " + f + ")", e.getMessage());
    }

    @Test
    void apiKeyIsTheTokenOfAServerBackendAndBothDifferingIsAnError() throws Exception {
        Path f = file("""
                {"default_backend": "server",
                 "backends": {
                   "server": {"type": "http", "location": "http://127.0.0.1:1", "credentials": {"api_key": "env:KEY"}},
                   "same": {"type": "http", "location": "http://127.0.0.1:1",
                            "credentials": {"api_key": "k1", "token": "k1"}}}}
                """);
        Backends backends = Backends.load(f, DenConfig.defaults(), Map.of("KEY", "den4j_secret"));
        assertEquals(Map.of("token", "den4j_secret"), backends.spec("server").credentials());
        assertEquals(Map.of("token", "k1"), backends.spec("same").credentials(), "the same value twice is fine");

        Path g = file("""
                {"backends": {"server": {"type": "http", "credentials": {"api_key": "k1", "token": "k2"}}}}
                """);
        DenConfigException e = assertThrows(DenConfigException.class,
                () -> Backends.load(g, DenConfig.defaults(), Map.of()));
        assertEquals("Backends file " + g + ": backend \"server\" gives both credentials.api_key and "
                + "credentials.token, with different values; they are the same setting, so keep one of them",
                e.getMessage());
    }

    @Test
    void densOpensEachBackendAtFirstUseAndRefusesAnUnknownName() throws Exception {
        Path f = file("""
                {"default_backend": "a",
                 "backends": {"a": {"type": "local_user", "location": "%s"},
                              "b": {"type": "local_user", "location": "%s"},
                              "c": {"type": "s3", "location": "s3://x/y", "credentials": {"secret_access_key": "env:NOPE"}}}}
                """.formatted(tmp.resolve("a"), tmp.resolve("b")));
        Map<String, String> env = Map.of("DEN4J_BACKENDS_JSON", f.toString());
        try (Dens dens = Dens.open(DenConfig.fromEnvironment(env), env, ExternalSources.fromEnvironment(Map.of()))) {
            assertEquals(List.of("a", "b", "c"), dens.names());
            assertEquals("a", dens.defaultName());
            assertTrue(dens.list().isEmpty());
            assertEquals(tmp.resolve("a").toString(), dens.den(null).location());
            assertTrue(dens.den("a") == dens.den(null), "one den per backend, kept open");
            assertTrue(!Files.exists(tmp.resolve("b")), "b is opened only when named");
            DenInputException e = assertThrows(DenInputException.class, () -> dens.list("team"));
            assertEquals("No backend named 'team'; known backends: a, b, c (from " + f + ")", e.getMessage());
            DenConfigException unset = assertThrows(DenConfigException.class, () -> dens.list("c"));
            assertTrue(unset.getMessage().contains("reads environment variable NOPE, which is not set"),
                    unset.getMessage());
            dens.close();
            assertThrows(IllegalStateException.class, () -> dens.den("a"));
        }
    }

    @Test
    void badBackendsFileNamesTheFileBackendAndSetting() throws Exception {
        Path f = file("{\"backends\": {\"team\": {\"type\": \"s3\", \"hots\": \"x\"}}}");
        DenConfigException e = assertThrows(DenConfigException.class,
                () -> Backends.load(f, DenConfig.defaults(), Map.of()));
        assertTrue(e.getMessage().contains("backend \"team\" in " + f + " has unknown setting \"hots\""), e.getMessage());

        Path g = file("{\"backends\": {\"team\": {\"type\": \"s4\"}}}");
        e = assertThrows(DenConfigException.class, () -> Backends.load(g, DenConfig.defaults(), Map.of()));
        assertTrue(e.getMessage().contains("s4 is not a den type"), e.getMessage());

        Path missing = tmp.resolve("nope.json");
        e = assertThrows(DenConfigException.class, () -> Backends.load(missing, DenConfig.defaults(), Map.of()));
        assertTrue(e.getMessage().contains(missing + " (DEN4J_BACKENDS_JSON) does not exist"), e.getMessage());
    }

    @Test
    void exampleBackendsFileInConfigParses() {
        Path example = Path.of("../../config/backends.example.json");
        Map<String, String> env = Map.of("TEAM_S3_ACCESS_KEY_ID", "k", "TEAM_S3_SECRET_ACCESS_KEY", "s");
        Backends backends = Backends.load(example, DenConfig.defaults(), env);
        assertEquals("laptop", backends.defaultName());
        assertEquals(List.of("aws", "lab", "laptop", "team"), backends.names());
        assertEquals("k", backends.spec("team").credentials().get("access_key_id"));
        assertEquals(EvictionPolicy.LRU, backends.spec("team").cache().evictionPolicy());
        assertEquals("clinical", backends.spec("aws").credentials().get("profile"));
    }
}
