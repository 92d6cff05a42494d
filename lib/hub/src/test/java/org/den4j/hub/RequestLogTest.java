package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.den4j.den.ProgressListener;
import org.den4j.hub.testhub.LocalHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RequestListener}: each request as one line, never with the token or a signed query. */
class RequestLogTest {
    static final String TOKEN = "hf_secretTokenThatMustNotLeak";
    static final byte[] WEIGHTS = bytes(200_000, 3);

    @TempDir
    Path tmp;
    LocalHub hub;

    @BeforeEach
    void startHub() {
        hub = LocalHub.start();
        hub.createRepo("acme/private");
        hub.commit("acme/private", "main", Map.of("config.json", utf8("{}"), "model.safetensors", WEIGHTS));
        hub.makePrivate("acme/private", TOKEN);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void everyRequestIsOneLineWithMethodUrlStatusBytesAndTimeButNoToken() {
        List<HubRequest> heard = new CopyOnWriteArrayList<>();
        StringWriter text = new StringWriter();
        RequestListener printing = RequestListener.printingTo(new PrintWriter(text));
        HubSettings settings = Fixtures.settings(hub, tmp.resolve("hub")).token(TOKEN).build();
        try (HubClient client = new HubClient(settings, r -> {
            heard.add(r);
            printing.requested(r);
        })) {
            client.snapshotDownload("acme/private", "main", null, null, Verification.SHA256, ProgressListener.NONE);
        }
        String log = text.toString();
        assertFalse(log.contains(TOKEN), log);
        assertFalse(heard.toString().contains(TOKEN));
        assertTrue(log.contains("Signature=***") && !log.matches("(?s).*Signature=[^*].*"),
                "the CDN's signed query values are hidden: " + log);

        List<String> lines = log.lines().toList();
        assertEquals(heard.size(), lines.size());
        for (String line : lines) {
            assertTrue(line.matches("hub: (GET|HEAD) http://127\\.0\\.0\\.1:\\d+/\\S* (\\d{3}|-) \\d+ bytes \\d+ ms.*"),
                    line);
        }
        HubRequest weights = heard.stream().filter(r -> r.url().getPath().endsWith("/" + Fixtures.sha256(WEIGHTS)))
                .findFirst().orElseThrow(() -> new AssertionError("no CDN request in " + log));
        assertEquals("GET", weights.method());
        assertEquals(200, weights.status());
        assertEquals(WEIGHTS.length, weights.bytes());
        assertTrue(weights.url().getRawQuery().contains("Signature=***"), weights.url().toString());
        assertTrue(weights.millis() >= 0);
        assertTrue(lines.stream().anyMatch(l -> l.matches("hub: GET " + hub.baseUrl() + "/api/models/acme/private/"
                + "revision/main 200 \\d+ bytes \\d+ ms")), log);
        assertTrue(lines.stream().anyMatch(l -> l.contains("/tree/") && l.contains("?recursive=true&expand=false")),
                "harmless API query values stay: " + log);
    }

    @Test
    void aFailedRequestIsLoggedWithItsError() {
        List<HubRequest> heard = new CopyOnWriteArrayList<>();
        int port = URI.create(hub.baseUrl()).getPort();
        hub.close();
        HubSettings settings = HubSettings.builder(tmp.resolve("hub")).endpoint("http://127.0.0.1:" + port)
                .token(TOKEN).build();
        try (HubClient client = new HubClient(settings, heard::add)) {
            try {
                client.repoInfo("acme/private", "main");
            } catch (HubUnreachableException expected) {
                // logged below
            }
        }
        assertFalse(heard.isEmpty());
        HubRequest first = heard.get(0);
        assertEquals(0, first.status());
        assertTrue(first.line().matches("GET http://127\\.0\\.0\\.1:" + port + "/api/models/acme/private/revision/main "
                + "- 0 bytes \\d+ ms \\(.+\\)"), first.line());
        assertFalse(first.line().contains(TOKEN));
    }

    @Test
    void redactionDropsUserInfoAndHidesQueryValues() {
        assertEquals(URI.create("https://cdn.example/x?X-Amz-Signature=***&recursive=true&token=***"),
                HubRequest.redact(URI.create("https://user:hf_pw@cdn.example/x?X-Amz-Signature=abc&recursive=true"
                        + "&token=hf_abc")));
        URI plain = URI.create("https://huggingface.co/acme/x/resolve/main/config.json");
        assertEquals(plain, HubRequest.redact(plain));
    }
}
