package org.den4j.cli;

import static org.den4j.cli.Cli.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.DenConfig;
import org.den4j.den.DenInputException;
import org.den4j.den.Dens;
import org.den4j.den.ExternalSources;
import org.den4j.den.FineTuneRefusedException;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelNotFoundException;
import org.den4j.den.PushRequest;
import org.den4j.den.RegistryQuery;
import org.den4j.den.s3.testing.LocalS3;
import org.den4j.serve.den.ApiKeys;
import org.den4j.serve.den.DenServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Dens}: one object over a local den, an s3 den (the S3 test server) and a den server over HTTP, each call
 * naming its backend; and the local-fine-tune policy of each (train and train-coder: lib/pipeline TrainCommandTest).
 */
class MultiBackendDenTest {
    private static final String KEY = "alice-token-123456";

    @TempDir
    static Path shared;
    static LocalS3 s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startS3() {
        s3 = LocalS3.start(shared.resolve("s3"));
        s3.createBucket("models");
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    /** A backends file of laptop (default), team (s3) and server (http, its key given as api_key). */
    private Map<String, String> env(DenServer server) throws Exception {
        Path file = tmp.resolve("backends.json");
        Files.writeString(file, """
                {"default_backend": "laptop",
                 "backends": {
                   "laptop": {"type": "local_user", "location": "%s"},
                   "team": {"type": "s3", "location": "s3://models/%s", "host": "%s",
                            "credentials": {"access_key_id": "%s", "secret_access_key": "%s"},
                            "options": {"path_style": true}, "cache": {"path": "%s"}},
                   "team-tunable": {"type": "s3", "location": "s3://models/%s", "host": "%s",
                            "credentials": {"access_key_id": "%s", "secret_access_key": "%s"},
                            "options": {"path_style": true}, "cache": {"path": "%s"}, "allow_local_fine_tune": true},
                   "server": {"type": "http", "location": "%s", "credentials": {"api_key": "env:SERVER_KEY"},
                              "cache": {"path": "%s"}}}}
                """.formatted(tmp.resolve("laptop"), tmp.getFileName(), s3.endpoint(), LocalS3.ACCESS_KEY_ID,
                LocalS3.SECRET_ACCESS_KEY, tmp.resolve("team-cache"), tmp.getFileName(), s3.endpoint(), LocalS3.ACCESS_KEY_ID,
                LocalS3.SECRET_ACCESS_KEY, tmp.resolve("tunable-cache"), server.url(), tmp.resolve("server-cache")));
        return Map.of("DEN4J_BACKENDS_JSON", file.toString(), "SERVER_KEY", KEY);
    }

    private static Dens open(Map<String, String> env) {
        return Dens.open(DenConfig.fromEnvironment(env), env, ExternalSources.fromEnvironment(Map.of()));
    }

    private static List<String> refs(List<ModelInfo> models) {
        return models.stream().map(ModelInfo::ref).toList();
    }

    @Test
    void oneObjectPushesListsSearchesAndFetchesAcrossThreeBackendsByName() throws Exception {
        Path a = model(tmp.resolve("a"), "config.json", "{\"m\":\"a\"}", "weights.bin", "A".repeat(5000));
        Path b = model(tmp.resolve("b"), "config.json", "{\"m\":\"b\"}", "weights.bin", "B".repeat(5000));
        Path c = model(tmp.resolve("c"), "config.json", "{\"m\":\"c\"}", "weights.bin", "C".repeat(5000));
        try (DenServer server = DenServer.builder(tmp.resolve("served"))
                .keys(ApiKeys.of("alice", KEY, ApiKeys.Scope.WRITE)).start();
                Dens dens = open(env(server))) {
            assertEquals(List.of("laptop", "server", "team", "team-tunable"), dens.names());
            assertEquals("laptop", dens.defaultName());

            assertEquals("acme/a@1", dens.push(PushRequest.builder(a, "acme/a").tags(List.of("icd10")).build()).model().ref(),
                    "no name: the default backend");
            assertEquals("acme/b@1", dens.push(PushRequest.builder(b, "acme/b").tags(List.of("icd10")).build(), "team")
                    .model().ref());
            assertEquals("acme/c@1", dens.push(PushRequest.builder(c, "acme/c").tags(List.of("icd10")).build(),
                    "server").model().ref());

            assertEquals(List.of("acme/a@1"), refs(dens.list()));
            assertEquals(List.of("acme/a@1"), refs(dens.list("laptop")));
            assertEquals(List.of("acme/b@1"), refs(dens.list("team")));
            assertEquals(List.of("acme/c@1"), refs(dens.list("server")));
            RegistryQuery icd = RegistryQuery.builder().tag("icd10").build();
            assertEquals(List.of("acme/a@1"), refs(dens.search(icd)));
            assertEquals(List.of("acme/b@1"), refs(dens.search(icd, "team")));
            assertEquals(List.of("acme/c@1"), refs(dens.search(icd, "server")));

            assertEquals("{\"m\":\"a\"}", Files.readString(dens.fetch("acme/a").resolve("config.json")));
            Path fromTeam = dens.fetch("acme/b@1", "team");
            assertEquals("{\"m\":\"b\"}", Files.readString(fromTeam.resolve("config.json")));
            assertTrue(fromTeam.startsWith(tmp.resolve("team-cache")), fromTeam.toString());
            assertEquals("C".repeat(5000), Files.readString(dens.fetch("acme/c", "server").resolve("weights.bin")));
            assertThrows(ModelNotFoundException.class, () -> dens.fetch("acme/b"), "the default is laptop");

            DenInputException unknown = assertThrows(DenInputException.class, () -> dens.list("tem"));
            assertEquals("No backend named 'tem'; known backends: laptop, server, team, team-tunable (from " + tmp.resolve(
                    "backends.json") + ")", unknown.getMessage());

            // The den command's --backend reaches the same backends, before or after the subcommand.
            Map<String, String> env = env(server);
            Cli.Result team = Cli.raw(env, "--backend", "team", "list");
            assertEquals(0, team.exit(), team.toString());
            assertTrue(team.out().contains("acme/b") && !team.out().contains("acme/a"), team.out());
            Cli.Result served = Cli.raw(env, "list", "--backend", "server");
            assertEquals(0, served.exit(), served.toString());
            assertTrue(served.out().contains("acme/c") && !served.out().contains("acme/b"), served.out());
        }
    }

    @Test
    void aDenServerThatForbidsLocalFineTuningRefusesItAndAnS3DenFollowsTheClientSetting() throws Exception {
        Path base = model(tmp.resolve("base"), "config.json", "{\"model_type\":\"qwen2\"}", "weights.bin", "W");
        try (DenServer server = DenServer.builder(tmp.resolve("served"))
                .keys(ApiKeys.of("alice", KEY, ApiKeys.Scope.WRITE)).start();
                Dens dens = open(env(server))) {
            dens.push(PushRequest.builder(base, "acme/base").build(), "server");
            dens.push(PushRequest.builder(base, "acme/base").build(), "laptop");
            dens.push(PushRequest.builder(base, "acme/base").build(), "team");
            FineTuneRefusedException e = assertThrows(FineTuneRefusedException.class,
                    () -> dens.den("server").checkLocalFineTune("acme/base"));
            String message = "Cannot fine-tune acme/base@1 here: den server " + server.url() + " does not allow its "
                    + "models to be fine-tuned locally (it runs with DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE=false). Ask its "
                    + "operator to restart it with --allow-local-fine-tune, or train a model of a local den";
            assertEquals(message, e.getMessage());
            assertEquals("DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE", e.setting());
            assertEquals("acme/base@1", dens.den("laptop").checkLocalFineTune("acme/base").ref(), "a local den: yes");
            FineTuneRefusedException s3Refused = assertThrows(FineTuneRefusedException.class,
                    () -> dens.den("team").checkLocalFineTune("acme/base@1"));
            // an s3 den cannot advertise a policy: the client's allow_local_fine_tune decides, false by default
            assertTrue(s3Refused.getMessage().startsWith("Cannot fine-tune acme/base@1 here: s3 den "), s3Refused
                    .getMessage());
            assertTrue(s3Refused.getMessage().contains("allow_local_fine_tune of its backend in "), s3Refused
                    .getMessage());
            assertEquals("acme/base@1", dens.den("team-tunable").checkLocalFineTune("acme/base@1").ref(),
                    "the same s3 den with allow_local_fine_tune: true");
        }
    }
}
