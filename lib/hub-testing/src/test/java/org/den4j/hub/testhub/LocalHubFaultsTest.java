package org.den4j.hub.testhub;

import static org.den4j.hub.testhub.Http.bytes;
import static org.den4j.hub.testhub.Http.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalHubFaultsTest {

    private static final byte[] WEIGHTS = bytes(3_000_000, 11);
    private static final byte[] VOCAB = bytes(50_000, 12);

    private final Http http = new Http();
    private LocalHub hub;

    @BeforeEach
    void startHub() {
        hub = LocalHub.start();
        hub.createRepo("acme/tiny");
        hub.commit("acme/tiny", "main", Map.of("model.safetensors", WEIGHTS, "vocab.json", VOCAB));
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void droppedLfsDownloadResumesWithRange() throws IOException {
        hub.failNextDownload("model.safetensors", 1_000_000);
        String location = header(http.head(hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors"),
                "Location");
        IOException dropped = assertThrows(IOException.class, () -> http.sendOrThrow("GET", location));
        assertTrue(dropped.getMessage() == null || !dropped.getMessage().isEmpty());
        RecordedRequest failed = last(hub.requests(), "cdn");
        assertEquals(200, failed.status());
        assertEquals(1_000_000, failed.bodyBytes());
        assertEquals("model.safetensors", failed.file());
        assertEquals("acme/tiny", failed.repoId());

        HttpResponse<byte[]> rest = http.get(location, "Range", "bytes=1000000-");
        assertEquals(206, rest.statusCode());
        assertArrayEquals(Arrays.copyOfRange(WEIGHTS, 1_000_000, WEIGHTS.length), rest.body());
        assertArrayEquals(WEIGHTS, http.get(location).body(), "one drop per armed call");
    }

    @Test
    void droppedGitDownloadIsCutShortOnTheHubHost() {
        hub.failNextDownload("acme/tiny", "vocab.json", 1234);
        String url = hub.baseUrl() + "/acme/tiny/resolve/main/vocab.json";
        assertEquals(Long.toString(VOCAB.length), header(http.head(url), "Content-Length"),
                "a HEAD does not use up the armed drop");
        assertThrows(IOException.class, () -> http.sendOrThrow("GET", url));
        assertEquals(1234, last(hub.requests(), "hub").bodyBytes());
        assertArrayEquals(VOCAB, http.get(url).body());
    }

    @Test
    void dropForAnotherRepositoryDoesNotFire() {
        hub.failNextDownload("acme/other", "vocab.json", 10);
        assertArrayEquals(VOCAB, http.get(hub.baseUrl() + "/acme/tiny/resolve/main/vocab.json").body());
    }

    @Test
    void corruptedFileKeepsItsHeadersButNotItsBytes() {
        hub.corrupt("model.safetensors");
        hub.corrupt("acme/tiny", "vocab.json");
        HttpResponse<byte[]> head = http.head(hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors");
        assertEquals("\"" + Http.sha256(WEIGHTS) + "\"", header(head, "X-Linked-Etag"));
        byte[] served = http.get(header(head, "Location")).body();
        assertEquals(WEIGHTS.length, served.length);
        assertNotEquals(Http.sha256(WEIGHTS), Http.sha256(served));

        HttpResponse<byte[]> vocab = http.get(hub.baseUrl() + "/acme/tiny/resolve/main/vocab.json");
        assertEquals("\"" + Http.gitBlobId(VOCAB) + "\"", header(vocab, "ETag"));
        assertEquals(VOCAB.length, vocab.body().length);
        assertNotEquals(Http.gitBlobId(VOCAB), Http.gitBlobId(vocab.body()));

        hub.clearFaults();
        assertArrayEquals(VOCAB, http.get(hub.baseUrl() + "/acme/tiny/resolve/main/vocab.json").body());
    }

    @Test
    void requestLogShowsMethodsHeadersAndDownloads() {
        hub.registerToken("hf_user");
        hub.clearRequests();
        String url = hub.baseUrl() + "/acme/tiny/resolve/main/vocab.json";
        http.head(url, "Authorization", "Bearer hf_user", "User-Agent", "den4j-test");
        http.get(url, "Authorization", "Bearer hf_user");
        String location = header(http.head(hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors"),
                "Location");
        http.get(location);
        List<RecordedRequest> log = hub.requests();
        assertEquals(4, log.size());
        RecordedRequest first = log.get(0);
        assertEquals("hub", first.server());
        assertEquals("HEAD", first.method());
        assertEquals("/acme/tiny/resolve/main/vocab.json", first.path());
        assertNull(first.query());
        assertEquals("Bearer hf_user", first.header("authorization"), "header names in any case");
        assertEquals("den4j-test", first.header("USER-AGENT"));
        assertEquals(List.of(false, true, false, true),
                log.stream().map(RecordedRequest::isDownload).toList());
        assertEquals("cdn", log.get(3).server());
        assertEquals(WEIGHTS.length, log.get(3).bodyBytes());
        assertNull(log.get(3).header("Authorization"));
        assertEquals(2, log.stream().filter(r -> "model.safetensors".equals(r.file())).count());
    }

    private static RecordedRequest last(List<RecordedRequest> log, String server) {
        RecordedRequest found = null;
        for (RecordedRequest r : log) {
            if (r.server().equals(server)) {
                found = r;
            }
        }
        return found;
    }

    @Test
    void oneRangeCanBeDroppedOneByteCorruptedAndRangesIgnored() throws IOException {
        String location = header(http.head(hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors"),
                "Location");
        hub.failNextRange("model.safetensors", 2_000_000, 500);
        HttpResponse<byte[]> first = http.get(location, "Range", "bytes=0-999");
        assertEquals(206, first.statusCode(), "another range is served");
        assertEquals("bytes", header(first, "Accept-Ranges"));
        assertThrows(IOException.class, () -> http.sendOrThrow("GET", location, "Range", "bytes=2000000-2999999"));
        assertEquals(500, last(hub.requests(), "cdn").bodyBytes());
        assertEquals(1_000_000, http.get(location, "Range", "bytes=2000000-2999999").body().length, "armed once");

        hub.corruptByte("model.safetensors", 1_500_000);
        byte[] body = http.get(location).body();
        assertEquals((byte) ~WEIGHTS[1_500_000], body[1_500_000]);
        body[1_500_000] = WEIGHTS[1_500_000];
        assertArrayEquals(WEIGHTS, body, "only that byte differs");
        assertEquals((byte) ~WEIGHTS[1_500_000], http.get(location, "Range", "bytes=1499999-1500001").body()[1],
                "also inside a range");

        hub.clearFaults();
        hub.ignoreRanges();
        HttpResponse<byte[]> whole = http.get(location, "Range", "bytes=10-19");
        assertEquals(200, whole.statusCode());
        assertNull(header(whole, "Accept-Ranges"));
        assertArrayEquals(WEIGHTS, whole.body());
    }

    @Test
    void throttlingPacesEachConnection() {
        String url = hub.baseUrl() + "/acme/tiny/resolve/main/vocab.json";
        // Only a lower bound, which the pacing guarantees: a loaded machine makes it slower, never faster.
        hub.throttlePerConnection(250_000); // 50,000 bytes: at least 0.2 s
        long t0 = System.nanoTime();
        assertArrayEquals(VOCAB, http.get(url).body());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 150, "a paced body cannot arrive faster than its pace: " + ms + " ms");
        hub.clearFaults();
        hub.throttlePerConnection(0);
        assertThrows(IllegalArgumentException.class, () -> hub.throttlePerConnection(-1));
    }
}
