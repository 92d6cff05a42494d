package org.den4j.serve.den;

import static org.den4j.serve.den.HttpDenRoundTripTest.READER;
import static org.den4j.serve.den.HttpDenRoundTripTest.WRITER;
import static org.den4j.serve.den.HttpDenRoundTripTest.client;
import static org.den4j.serve.den.HttpDenRoundTripTest.keys;
import static org.den4j.serve.den.HttpDenRoundTripTest.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.ModelInfo;
import org.den4j.den.PushRequest;
import org.den4j.den.RemoteDenException;
import org.den4j.den.backend.HttpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys, scopes and the fine-tune policy are enforced by the server and explained to the client. */
class AuthAndPolicyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    HttpResponse<String> send(DenServer server, String method, String path, String token, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void missingOrWrongKeyIsAnswered401WithAJsonBodyThatSaysWhatToDo() throws Exception {
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start()) {
            HttpResponse<String> missing = send(server, "GET", "/api/v1/models", null, null);
            assertEquals(401, missing.statusCode());
            assertEquals("application/json", missing.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            assertEquals("unauthorized", json(missing).path("error").asText());
            assertTrue(json(missing).path("message").asText().contains("Authorization: Bearer TOKEN"), missing.body());
            assertTrue(json(missing).path("message").asText().contains("DEN4J_REMOTE_TOKEN"), missing.body());
            assertTrue(missing.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));

            HttpResponse<String> wrong = send(server, "GET", "/api/v1/models", "not-a-key", null);
            assertEquals(401, wrong.statusCode());
            assertTrue(json(wrong).path("message").asText().contains("is not a key of this den server"), wrong.body());

            assertEquals(200, send(server, "GET", "/api/v1/models", READER, null).statusCode());
        }
    }

    @Test
    void readOnlyKeyWritingIsAnswered403AndTheClientSaysWhy() throws Exception {
        Path src = model(tmp.resolve("m"), "a.txt", "hello");
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start();
                Den reader = client(server, READER, tmp.resolve("client"))) {
            HttpResponse<String> alias = send(server, "PUT", "/api/v1/aliases/acme/a", READER,
                    "{\"alias\":\"prod\",\"version\":1}");
            assertEquals(403, alias.statusCode());
            assertEquals("forbidden", json(alias).path("error").asText());
            assertEquals("API key 'reader' has the read scope only; to push, alias or delete models it needs the "
                    + "write scope: ask the server's operator for such a key", json(alias).path("message").asText());

            RemoteDenException e = assertThrows(RemoteDenException.class,
                    () -> reader.push(PushRequest.builder(src, "acme/a").build()));
            assertEquals(403, e.status());
            assertEquals("forbidden", e.code());
            assertTrue(e.getMessage().startsWith("Den server " + server.url() + " refused to upload blob"), e.getMessage());
            assertTrue(e.getMessage().contains("needs the write scope"), e.getMessage());
            assertEquals(List.of(), server.den().list(), "nothing was stored");
        }
    }

    @Test
    void clientWithoutKeyIsToldToSetTheTokenVariable() throws Exception {
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start()) {
            RemoteDenException e = assertThrows(RemoteDenException.class, () -> HttpBackend.connect(
                    HttpBackend.Settings.of(server.url(), null, tmp.resolve("client"))));
            assertEquals(401, e.status());
            assertTrue(e.getMessage().endsWith("Set DEN4J_REMOTE_TOKEN (or the backend's credentials) to an API key of "
                    + "this server."), e.getMessage());
        }
    }

    @Test
    void serverWithoutKeysLetsEveryoneReadAndNobodyWrite() throws Exception {
        Path src = model(tmp.resolve("m"), "a.txt", "hello");
        try (DenServer server = DenServer.builder(tmp.resolve("den")).start()) {
            server.den().push(PushRequest.builder(src, "acme/a").build());
            try (Den anonymous = client(server, null, tmp.resolve("client"))) {
                assertEquals("hello", Files.readString(anonymous.fetch("acme/a").resolve("a.txt")));
                RemoteDenException e = assertThrows(RemoteDenException.class, () -> anonymous.alias("acme/a", "prod", 1));
                assertEquals(401, e.status());
            }
        }
    }

    @Test
    void fineTunedPushIsRefusedUnlessTheServerAllowsIt() throws Exception {
        Path base = model(tmp.resolve("base"), "w.bin", "base weights");
        Path tuned = model(tmp.resolve("tuned"), "w.bin", "base weights", "adapter.bin", "lora");
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start();
                Den den = client(server, WRITER, tmp.resolve("client"))) {
            den.push(PushRequest.builder(base, "acme/base").build());
            RemoteDenException e = assertThrows(RemoteDenException.class,
                    () -> den.push(PushRequest.builder(tuned, "acme/tuned").parent("acme/base@1").build()));
            assertEquals(403, e.status());
            assertEquals("finetuned_push_refused", e.code());
            assertTrue(e.getMessage().contains("acme/tuned names parent acme/base@1"), e.getMessage());
            assertTrue(e.getMessage().contains("DEN4J_REMOTE_ALLOW_PUSH_FINETUNED=true"), e.getMessage());
            assertEquals(List.of("acme/base@1"), den.list().stream().map(ModelInfo::ref).toList());
        }
    }

    @Test
    void fineTuneOfAServedModelAlsoNeedsLocalFineTuneAllowed() throws Exception {
        Path base = model(tmp.resolve("base"), "w.bin", "base weights");
        Path tuned = model(tmp.resolve("tuned"), "w.bin", "base weights", "adapter.bin", "lora");
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).allowPushFinetuned(true).start();
                Den den = client(server, WRITER, tmp.resolve("client"))) {
            den.push(PushRequest.builder(base, "acme/base").build());
            HttpBackend.ServerPolicy policy = HttpBackend.connect(HttpBackend.Settings.of(server.url(), READER,
                    tmp.resolve("c2"))).policy();
            assertTrue(policy.allowPushFinetuned());
            assertFalse(policy.allowLocalFineTune());
            assertEquals(List.of("read"), policy.scopes());
            RemoteDenException e = assertThrows(RemoteDenException.class,
                    () -> den.push(PushRequest.builder(tuned, "acme/tuned").parent("acme/base@1").build()));
            assertEquals("local_fine_tune_refused", e.code());
            assertTrue(e.getMessage().contains("DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE=true"), e.getMessage());
        }
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys())
                .config(DenConfig.fromEnvironment(java.util.Map.of("DEN4J_REMOTE_ALLOW_PUSH_FINETUNED", "true",
                        "DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE", "true"))).start();
                Den den = client(server, WRITER, tmp.resolve("client"))) {
            ModelInfo pushed = den.push(PushRequest.builder(tuned, "acme/tuned").parent("acme/base@1").build()).model();
            assertEquals("acme/base@1", pushed.parentRef());
            assertEquals(List.of("acme/tuned@1"), den.listDerivatives("acme/base").stream().map(ModelInfo::ref).toList());
            assertEquals("true", send(server, "GET", "/api/v1/info", READER, null).headers()
                    .firstValue(HttpBackend.LOCAL_FINE_TUNE_HEADER).orElse(""));
        }
    }

    @Test
    void uploadThatDoesNotHashToItsNameIsRefused() throws Exception {
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start()) {
            String wrongName = "0".repeat(64);
            HttpResponse<String> r = send(server, "PUT", "/api/v1/blobs/" + wrongName, WRITER, "some bytes");
            assertEquals(422, r.statusCode());
            assertEquals("digest_mismatch", json(r).path("error").asText());
            assertEquals(404, send(server, "HEAD", "/api/v1/blobs/" + wrongName, WRITER, null).statusCode());
            assertTrue(server.den().stats().blobs() == 0, "nothing was stored");
        }
    }

    @Test
    void fileThatChangedAfterItWasHashedIsRefusedAndKept() throws Exception {
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start()) {
            HttpBackend backend = HttpBackend.connect(HttpBackend.Settings.of(server.url(), WRITER, tmp.resolve("c")));
            assertTrue(backend.checksUploads(), "a push needs no private copy of each file");
            Path file = Files.writeString(tmp.resolve("w.bin"), "weights as they are now");
            String hashedBefore = "1".repeat(64);
            RemoteDenException e = assertThrows(RemoteDenException.class,
                    () -> backend.putBlobChecked(hashedBefore, file));
            assertEquals(422, e.status());
            assertEquals("digest_mismatch", e.code());
            assertTrue(e.getMessage().contains("it may have changed while it was sent"), e.getMessage());
            assertTrue(Files.exists(file), "the caller's file is left alone");
        }
    }

    @Test
    void versionRecordNamingMissingBlobsIsRefused() throws Exception {
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start()) {
            String commit = "{\"name\":\"acme/ghost\",\"files\":[{\"path\":\"w.bin\",\"size\":3,\"sha256\":\""
                    + "a".repeat(64) + "\"}]}";
            HttpResponse<String> r = send(server, "POST", "/api/v1/models", WRITER, commit);
            assertEquals(400, r.statusCode());
            assertTrue(json(r).path("message").asText().contains("w.bin (sha256:" + "a".repeat(64) + ", not stored)"),
                    r.body());
            HttpResponse<String> doc = send(server, "PUT", "/api/v1/docs/manifests/" + "b".repeat(64) + ".json",
                    WRITER, "{\"files\":[]}");
            assertEquals(428, doc.statusCode(), doc.body());
            assertEquals(List.of(), server.den().list());
        }
    }
}
