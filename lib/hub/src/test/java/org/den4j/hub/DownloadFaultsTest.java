package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.client;
import static org.den4j.hub.Fixtures.downloadsOf;
import static org.den4j.hub.Fixtures.gitSha1;
import static org.den4j.hub.Fixtures.names;
import static org.den4j.hub.Fixtures.read;
import static org.den4j.hub.Fixtures.sha256;
import static org.den4j.hub.Fixtures.tree;
import static org.den4j.hub.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.ProgressListener;
import org.den4j.hub.testhub.LfsRule;
import org.den4j.hub.testhub.LocalHub;
import org.den4j.hub.testhub.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dropped connections resume with {@code Range}; damaged bytes are refused and leave nothing behind. */
class DownloadFaultsTest {
    static final String REPO = "acme/faulty";

    @TempDir
    Path tmp;
    Path cache;
    LocalHub hub;
    byte[] weights = bytes(3_000_000, 7);
    byte[] notes = utf8("line\n".repeat(20_000));
    String commit;

    @BeforeEach
    void startHub() {
        cache = tmp.resolve("hub");
        hub = LocalHub.start();
        hub.createRepo(REPO);
        commit = hub.commit(REPO, "main", Map.of("model.safetensors", weights, "notes.txt", notes), LfsRule.DEFAULT);
        hub.clearRequests();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void truncatedLfsTransferResumesWithRange() {
        hub.failNextDownload("model.safetensors", 1_000_000);
        Path file;
        try (HubClient client = client(hub, cache)) {
            file = client.download(REPO, "main", "model.safetensors", Verification.SHA256, ProgressListener.NONE);
        }
        assertArrayEquals(weights, read(file));
        List<RecordedRequest> gets = downloadsOf(hub, "model.safetensors");
        assertEquals(2, gets.size(), gets.toString());
        assertEquals("cdn", gets.get(0).server());
        assertEquals(1_000_000, gets.get(0).bodyBytes(), "the first transfer was cut");
        assertNull(gets.get(0).header("Range"));
        assertEquals("bytes=1000000-", gets.get(1).header("Range"));
        assertEquals(206, gets.get(1).status());
        assertEquals(2_000_000, gets.get(1).bodyBytes(), "only the rest came again");
        assertEquals(List.of(sha256(weights)), names(cache.resolve("models--acme--faulty/blobs")));
    }

    @Test
    void truncatedGitFileTransferResumesWithRange() {
        hub.failNextDownload("notes.txt", 5);
        Path file;
        try (HubClient client = client(hub, cache)) {
            file = client.download(REPO, "main", "notes.txt", Verification.SHA256, ProgressListener.NONE);
        }
        assertArrayEquals(notes, read(file));
        List<RecordedRequest> gets = downloadsOf(hub, "notes.txt");
        assertEquals(2, gets.size(), gets.toString());
        assertEquals("bytes=5-", gets.get(1).header("Range"));
        assertEquals(List.of(gitSha1(notes)), names(cache.resolve("models--acme--faulty/blobs")));
    }

    @Test
    void snapshotResumesADroppedFileAndCountsItsBytesOnce() {
        hub.failNextDownload("model.safetensors", 500_000);
        Fixtures.RecordingProgress progress = new Fixtures.RecordingProgress();
        try (HubClient client = client(hub, cache)) {
            client.snapshotDownload(REPO, "main", null, null, Verification.SHA256, progress);
        }
        long total = weights.length + notes.length
                + Fixtures.read(cache.resolve("models--acme--faulty/snapshots/" + commit + "/.gitattributes")).length;
        assertEquals(List.of(total), progress.totals);
        assertEquals(total, progress.advanced.get());
        assertEquals(1, progress.finishes);
    }

    @Test
    void corruptLfsBytesAreRefusedAndNothingIsLeftInBlobs() {
        hub.corrupt("model.safetensors");
        byte[] inverted = weights.clone();
        for (int i = 0; i < inverted.length; i++) {
            inverted[i] = (byte) ~inverted[i];
        }
        try (HubClient client = client(hub, cache)) {
            BadChecksumException e = assertThrows(BadChecksumException.class, () -> client.download(REPO, "main",
                    "model.safetensors", Verification.SHA256, ProgressListener.NONE));
            assertEquals("model.safetensors", e.path());
            assertEquals("sha256", e.algorithm());
            assertEquals(sha256(weights), e.expected());
            assertEquals(sha256(inverted), e.actual());
            assertEquals("Bad checksum for 'model.safetensors' of acme/faulty at commit " + commit + ": expected sha256 "
                    + sha256(weights) + " but the downloaded bytes give " + sha256(inverted) + ". The download was "
                    + "discarded and nothing was stored in the cache. Download it again; if this repeats, the server "
                    + "(127.0.0.1) is sending damaged bytes.", e.getMessage());
            assertFalse(client.isCached(REPO, "main", "model.safetensors"));
        }
        assertEquals(List.of(), names(cache.resolve("models--acme--faulty/blobs")));
        assertTrue(tree(cache.resolve("models--acme--faulty/snapshots")).stream()
                .noneMatch(p -> p.endsWith("model.safetensors")));
    }

    @Test
    void corruptGitFileIsRefusedByItsGitBlobId() {
        hub.corrupt("notes.txt");
        try (HubClient client = client(hub, cache)) {
            BadChecksumException e = assertThrows(BadChecksumException.class, () -> client.download(REPO, "main",
                    "notes.txt", Verification.SHA256, ProgressListener.NONE));
            assertEquals("git-sha1", e.algorithm());
            assertEquals(gitSha1(notes), e.expected());
        }
        assertEquals(List.of(), names(cache.resolve("models--acme--faulty/blobs")));
    }

    @Test
    void corruptFileInASnapshotFailsTheSnapshotButKeepsTheGoodFiles() {
        hub.corrupt("model.safetensors");
        try (HubClient client = client(hub, cache)) {
            assertThrows(BadChecksumException.class, () -> client.snapshotDownload(REPO, "main", null, null,
                    Verification.SHA256, ProgressListener.NONE));
            assertTrue(client.isCached(REPO, "main", "notes.txt"));
            assertFalse(client.isSnapshotCached(REPO, "main", null, null));
            hub.clearFaults();
            hub.clearRequests();
            client.snapshotDownload(REPO, "main", null, null, Verification.SHA256, ProgressListener.NONE);
            assertTrue(client.isSnapshotCached(REPO, "main", null, null));
        }
        assertEquals(List.of("model.safetensors"), Fixtures.downloads(hub).stream().map(RecordedRequest::file)
                .toList(), "the second run fetched only what was missing");
    }

    @Test
    void connectionThatKeepsDroppingFailsWithoutLeavingAPartialFile() {
        for (int i = 0; i < 8; i++) {
            hub.failNextDownload("model.safetensors", 0);
        }
        try (HubClient client = client(hub, cache)) {
            DownloadFailedException e = assertThrows(DownloadFailedException.class,
                    () -> client.download(REPO, "main", "model.safetensors"));
            assertEquals("model.safetensors", e.path());
            assertTrue(e.getMessage().startsWith("Download of 'model.safetensors' of acme/faulty from "
                    + hub.cdnUrl()), e.getMessage());
            assertTrue(e.getMessage().contains("failed: the transfer broke off 6 times in a row without progress, "
                    + "0 of 3000000 bytes arrived"), e.getMessage());
            assertTrue(e.getMessage().endsWith("Nothing was stored in the cache. Check your connection and try "
                    + "again."), e.getMessage());
        }
        assertEquals(List.of(), names(cache.resolve("models--acme--faulty/blobs")));
        assertEquals(6, downloadsOf(hub, "model.safetensors").size(), "one try and five retries");
    }

    @Test
    void damagedCachedBlobIsReportedBySizeCheckAndTrustedWithoutChecks() throws Exception {
        try (HubClient client = client(hub, cache)) {
            client.download(REPO, "main", "notes.txt");
        }
        Path blob = cache.resolve("models--acme--faulty/blobs").resolve(gitSha1(notes));
        Files.write(blob, utf8("truncated"));
        try (HubClient client = client(hub, cache)) {
            BadChecksumException e = assertThrows(BadChecksumException.class, () -> client.download(REPO, "main",
                    "notes.txt", Verification.SIZE, ProgressListener.NONE));
            assertEquals("size", e.algorithm());
            assertEquals(Long.toString(notes.length), e.expected());
            assertEquals("9", e.actual());
            assertEquals("The cached 'notes.txt' of acme/faulty has 9 bytes, but the Hub announces " + notes.length
                    + ": the cache is damaged. Delete " + cache.toAbsolutePath().resolve(
                            "models--acme--faulty/snapshots/" + commit + "/notes.txt") + " and download again.",
                    e.getMessage());
            assertArrayEquals(utf8("truncated"), read(client.download(REPO, "main", "notes.txt")),
                    "verification none trusts the cache, as Python does");
        }
    }

    @Test
    void concurrentDownloadsOfTheSameFileStoreOneBlob() throws Exception {
        int threads = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<Path>> results = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    try (HubClient client = client(hub, cache)) {
                        return client.download(REPO, "main", "model.safetensors", Verification.SHA256,
                                ProgressListener.NONE);
                    }
                }));
            }
            go.countDown();
            Path first = results.get(0).get();
            for (java.util.concurrent.Future<Path> r : results) {
                assertEquals(first, r.get());
            }
            assertArrayEquals(weights, read(first));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(sha256(weights)), names(cache.resolve("models--acme--faulty/blobs")));
        assertEquals(1, downloadsOf(hub, "model.safetensors").size(), "the lock let one thread download");
    }

    @Test
    void verifyCachedFindsMissingAndDamagedFilesWithoutDownloading() throws Exception {
        Path snapshot;
        try (HubClient client = client(hub, cache)) {
            snapshot = client.snapshotDownload(REPO, "main");
        }
        byte[] flipped = weights.clone();
        flipped[12345] ^= 1;
        Files.write(cache.resolve("models--acme--faulty/blobs").resolve(sha256(weights)), flipped);
        Files.delete(snapshot.resolve("notes.txt"));
        hub.clearRequests();
        try (HubClient client = client(hub, cache)) {
            CacheCheck bySize = client.verifyCached(REPO, "main", null, null, Verification.SIZE, ProgressListener.NONE);
            assertEquals(commit, bySize.commit());
            assertEquals(List.of("notes.txt"), bySize.missing());
            assertEquals(List.of(".gitattributes", "model.safetensors"), bySize.verified());
            assertTrue(bySize.damaged().isEmpty(), "same size: a size check cannot tell");

            Fixtures.RecordingProgress progress = new Fixtures.RecordingProgress();
            CacheCheck byHash = client.verifyCached(REPO, "main", List.of("*.safetensors"), null,
                    Verification.SHA256, progress);
            assertFalse(byHash.isComplete());
            assertEquals(1, byHash.damaged().size());
            BadChecksumException bad = byHash.damaged().get(0);
            assertEquals("model.safetensors", bad.path());
            assertEquals("sha256", bad.algorithm());
            assertEquals(sha256(weights), bad.expected());
            assertEquals(sha256(flipped), bad.actual());
            assertEquals((long) weights.length, progress.advanced.get());
        }
        assertEquals(List.of(), hub.requests(), "the cached listing answers; nothing is downloaded");
    }
}
