package org.den4j.serve.den;

import static org.den4j.serve.den.HttpDenRoundTripTest.WRITER;
import static org.den4j.serve.den.HttpDenRoundTripTest.client;
import static org.den4j.serve.den.HttpDenRoundTripTest.keys;
import static org.den4j.serve.den.HttpDenRoundTripTest.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.den4j.den.Den;
import org.den4j.den.PushRequest;
import org.den4j.den.format.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client with a write key that sends what push never would: every answer is a JSON 4xx with a code, nothing
 * it sends can block a name or rewrite the alias history, and no answer shows the server's paths.
 */
class HostileClientTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    HttpResponse<String> send(DenServer server, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + WRITER);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertJsonError(int status, String code, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(code, body.path("error").asText(), r.body());
        assertFalse(body.path("message").asText().isBlank(), r.body());
    }

    @Test
    void oddRoutesAndBodiesAreJson4xxWithACode() throws Exception {
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start()) {
            assertJsonError(400, "bad_prefix", send(server, "GET", "/api/v1/docs?prefix=../", null));
            assertJsonError(400, "bad_request", send(server, "GET", "/api/v1/changes?since=-5", null));
            assertJsonError(404, "no_document", send(server, "GET", "/api/v1/docs/models", null));
            assertJsonError(400, "bad_request", send(server, "PUT", "/api/v1/aliases/acme/a", "{not json"));
            assertJsonError(404, "no_route", send(server, "GET", "/api/v1/nothing-here", null));
        }
    }

    @Test
    void uploadShorterThanItsContentLengthIsA400() throws Exception {
        String digest = "a".repeat(64);
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start();
                Socket socket = new Socket(server.url().getHost(), server.url().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/blobs/" + digest + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + WRITER
                    + "\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(10)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            JsonNode body = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertEquals("truncated", body.path("error").asText(), answer);
        }
    }

    @Test
    void versionThatSkipsAheadIsRefusedSoItCannotBlockTheName() throws Exception {
        Path src = model(tmp.resolve("m"), "a.txt", "hello");
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start();
                Den writer = client(server, WRITER, tmp.resolve("client"))) {
            writer.push(PushRequest.builder(src, "acme/a").build());
            String record = send(server, "GET", "/api/v1/docs/models/acme/a/@versions/1.json", null).body();
            com.fasterxml.jackson.databind.node.ObjectNode doc = (com.fasterxml.jackson.databind.node.ObjectNode)
                    JSON.readTree(record);
            ((com.fasterxml.jackson.databind.node.ObjectNode) doc.path("model")).put("version", 999999999);
            String forged = doc.toString();
            HttpResponse<String> r = send(server, "PUT", "/api/v1/docs/models/acme/a/@versions/999999999.json",
                    forged, "If-None-Match", "*", "Content-Type", "application/json");
            assertJsonError(409, "version_out_of_order", r);
            assertTrue(JSON.readTree(r.body()).path("message").asText().contains("the next version of acme/a is 2"),
                    r.body());
            Files.writeString(src.resolve("a.txt"), "hello again");
            assertEquals(2, writer.push(PushRequest.builder(src, "acme/a").build()).model().version(),
                    "the name still grows");
        }
    }

    @Test
    void aliasHistoryIsWrittenByTheServerAndOnlyGrows() throws Exception {
        Path src = model(tmp.resolve("m"), "a.txt", "hello");
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start();
                Den writer = client(server, WRITER, tmp.resolve("client"))) {
            writer.push(PushRequest.builder(src, "acme/a").build());
            writer.alias("acme/a", "prod", 1);
            HttpResponse<String> read = send(server, "GET", "/api/v1/docs/models/acme/a/@aliases.json", null);
            JsonNode doc = JSON.readTree(read.body());
            assertEquals(1, doc.path("history").size(), read.body());
            assertEquals("writer", doc.path("history").get(0).path("user").asText(), "the key's name, not the client's");
            // Forge: drop the history, claim someone else set a new alias in 1999.
            String forged = "{\"aliases\":{\"prod\":1,\"staging\":1},\"history\":[{\"alias\":\"staging\",\"version\":1,"
                    + "\"previous\":0,\"at\":\"1999-01-01T00:00:00Z\",\"user\":\"ceo\"}]}";
            String etag = read.headers().firstValue("ETag").orElseThrow();
            assertEquals(200, send(server, "PUT", "/api/v1/docs/models/acme/a/@aliases.json", forged,
                    "If-Match", etag, "Content-Type", "application/json").statusCode());
            JsonNode after = JSON.readTree(send(server, "GET", "/api/v1/docs/models/acme/a/@aliases.json", null).body());
            assertEquals(2, after.path("history").size(), after.toString());
            assertEquals("prod", after.path("history").get(0).path("alias").asText(), "the old entry is kept");
            JsonNode added = after.path("history").get(1);
            assertEquals("staging", added.path("alias").asText());
            assertEquals("writer", added.path("user").asText());
            assertFalse(added.path("at").asText().startsWith("1999"), after.toString());
        }
    }

    @Test
    void noAnswerShowsTheServersPaths() throws Exception {
        Path den = tmp.resolve("den");
        try (DenServer server = DenServer.builder(den).keys(keys()).start()) {
            String info = send(server, "GET", "/api/v1/info", null).body();
            assertFalse(info.contains(tmp.toString()), info);
            String missing = send(server, "GET", "/api/v1/models/acme/none", null).body();
            assertFalse(missing.contains(tmp.toString()), missing);
            assertTrue(Json.MAPPER.readTree(missing).has("error"), missing);
        }
    }

    @Test
    void stagingLeftByAKilledServerIsRemovedAtStartUpAndByGc() throws Exception {
        Path den = tmp.resolve("den");
        DenServer.builder(den).keys(keys()).start().close(); // creates the den
        // What a server killed mid-upload leaves: a staging folder and its lock file, no lock held.
        Path leftover = Files.createDirectories(den.resolve("tmp/dead-writer"));
        Files.writeString(leftover.resolve("blob"), "half an upload");
        Files.createFile(den.resolve("tmp/dead-writer.lock"));
        String admin = "admin-token-0123456789";
        try (DenServer server = DenServer.builder(den).keys(keys().plus("admin", admin, ApiKeys.Scope.ADMIN)).start()) {
            assertFalse(Files.exists(leftover), "removed at start-up");
            Files.createDirectories(leftover);
            Files.createFile(den.resolve("tmp/dead-writer.lock"));
            HttpResponse<String> r = send(server, "POST", "/api/v1/staging/clean", null);
            assertEquals(403, r.statusCode(), "a writer may not; den gc runs with an admin key");
            assertTrue(Files.exists(leftover));
            try (Den gc = client(server, admin, tmp.resolve("admin-client"))) {
                gc.gc();
            }
            assertFalse(Files.exists(leftover), "den gc over http removed it");
        }
    }
}
