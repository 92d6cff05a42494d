package org.den4j.serve.den;

import static org.den4j.serve.den.HttpDenRoundTripTest.WRITER;
import static org.den4j.serve.den.HttpDenRoundTripTest.client;
import static org.den4j.serve.den.HttpDenRoundTripTest.keys;
import static org.den4j.serve.den.HttpDenRoundTripTest.model;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.den4j.den.CorruptBlobException;
import org.den4j.den.Den;
import org.den4j.den.DenException;
import org.den4j.den.backend.BackendUnreachableException;
import org.den4j.den.DenConfig;
import org.den4j.den.PushRequest;
import org.den4j.den.RemoteDenException;
import org.den4j.den.backend.HttpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dropped connections, corrupted blobs, a dead server: nothing half-done is ever used or shown. */
class HttpFaultsTest {
    @TempDir
    Path tmp;

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void downloadResumesWhereTheDroppedConnectionStopped() throws Exception {
        byte[] weights = random(4 << 20, 1);
        Path src = model(tmp.resolve("m"), "config.json", "{}");
        Files.write(src.resolve("weights.bin"), weights);
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()).start();
                DroppingProxy proxy = new DroppingProxy(server.url(), 1 << 20, 2)) {
            server.den().push(PushRequest.builder(src, "acme/big").build());
            HttpBackend backend = HttpBackend.connect(HttpBackend.Settings.of(proxy.url(), WRITER, tmp.resolve("client")));
            try (Den den = new Den(backend, DenConfig.defaults(), Clock.systemUTC())) {
                Path fetched = den.fetch("acme/big");
                assertArrayEquals(weights, Files.readAllBytes(fetched.resolve("weights.bin")));
            }
            assertEquals(2, proxy.drops.get(), "the proxy cut two connections");
            assertTrue(proxy.rangedRequests.get() >= 2, "each cut download went on with a Range request");
        }
    }

    @Test
    void corruptedBlobOnTheServerIsDetectedAndNotUsed() throws Exception {
        Path src = model(tmp.resolve("m"), "config.json", "{}", "weights.bin", "the real weights");
        try (DenServer server = DenServer.builder(tmp.resolve("den")).keys(keys()
                .plus("admin", "admin-token-0123456789", ApiKeys.Scope.ADMIN)).start();
                Den den = client(server, WRITER, tmp.resolve("client"))) {
            String sha = den.push(PushRequest.builder(src, "acme/m").build()).model().digest();
            String weightsSha = den.manifest("acme/m").files().stream().filter(f -> f.path().equals("weights.bin"))
                    .findFirst().orElseThrow().sha256();
            Path blob = tmp.resolve("den/blobs/sha256").resolve(weightsSha.substring(0, 2)).resolve(weightsSha);
            Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
            Files.writeString(blob, "the fake weights"); // same size, other bytes

            CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> den.fetch("acme/m"));
            assertEquals("weights.bin", e.file());
            assertTrue(e.getMessage().contains("expected sha256:" + weightsSha), e.getMessage());
            try (Stream<Path> left = Files.list(tmp.resolve("client/snapshots"))) {
                assertEquals(List.of(), left.toList(), "no fetched directory, not even a partial one, is left");
            }
            assertFalse(Files.exists(tmp.resolve("client/snapshots").resolve(sha)));

            // den verify through the server sets the damaged blob aside there (the server checks it first);
            // that needs the admin scope.
            RemoteDenException refused = assertThrows(RemoteDenException.class, () -> den.verify());
            assertEquals(403, refused.status());
            try (Den asAdmin = client(server, "admin-token-0123456789", tmp.resolve("c3"))) {
                assertEquals(1, asAdmin.verify().problems().size());
            }
            assertFalse(Files.exists(blob), "the server moved the damaged blob to its quarantine");
        }
    }

    @Test
    void serverKilledDuringAPushShowsNoHalfModelAfterRestartAndTheClientFailsClearly() throws Exception {
        Path den = tmp.resolve("den");
        Path src = model(tmp.resolve("m"), "config.json", "{\"model_type\":\"qwen2\"}");
        Files.write(src.resolve("model-00001.bin"), random(24 << 20, 2));
        Files.write(src.resolve("model-00002.bin"), random(24 << 20, 3));
        ServerProcess first = ServerProcess.start(den, WRITER);
        AtomicBoolean killed = new AtomicBoolean();
        Thread killer = new Thread(() -> {
            try {
                // Kill the server while it receives a large blob: a staged upload of more than 1 MiB.
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline && !stagedUploadOver(den.resolve("tmp"), 1 << 20)) {
                    Thread.sleep(1);
                }
                first.kill();
                killed.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        killer.start();
        HttpBackend backend = HttpBackend.connect(HttpBackend.Settings.of(first.url, WRITER, tmp.resolve("client"))
                .withRetries(2, Duration.ofMillis(100)));
        try (Den client = new Den(backend, DenConfig.defaults(), Clock.systemUTC())) {
            DenException e = assertThrows(DenException.class,
                    () -> client.push(PushRequest.builder(src, "acme/big").build()));
            killer.join();
            assertTrue(killed.get());
            assertTrue(BackendUnreachableException.isUnreachable(e), e.toString());
            assertTrue(e.getMessage().contains("Den " + first.url + " is unreachable: connection refused after 2 "
                    + "attempts to upload blob"), e.getMessage());
            assertTrue(e.getMessage().contains("nothing was made visible, push again"), e.getMessage());
        } finally {
            first.close();
        }

        try (ServerProcess second = ServerProcess.start(den, WRITER);
                Den client = new Den(HttpBackend.connect(HttpBackend.Settings.of(second.url, WRITER,
                        tmp.resolve("client2"))), DenConfig.defaults(), Clock.systemUTC())) {
            assertEquals(List.of(), client.list(), "the killed push made nothing visible");
            assertFalse(client.has("acme/big"));
            // The push can simply be done again.
            assertEquals(1, client.push(PushRequest.builder(src, "acme/big").build()).model().version());
            assertEquals(3, client.verify("acme/big").filesChecked());
            assertTrue(client.verify("acme/big").problems().isEmpty());
        }
    }

    private static boolean stagedUploadOver(Path tmp, long bytes) {
        try (Stream<Path> files = Files.walk(tmp)) {
            return files.anyMatch(p -> {
                try {
                    return Files.isRegularFile(p) && Files.size(p) > bytes;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
