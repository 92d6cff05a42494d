package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.client;
import static org.den4j.hub.Fixtures.downloadsOf;
import static org.den4j.hub.Fixtures.names;
import static org.den4j.hub.Fixtures.read;
import static org.den4j.hub.Fixtures.sha256;
import static org.den4j.hub.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.den4j.den.ProgressListener;
import org.den4j.hub.testhub.LfsRule;
import org.den4j.hub.testhub.LocalHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hub (or mirror) that lies cannot make the client write, link or serve anything outside the cache: every
 * value that names a file is checked first, and nothing outside {@code HF_HUB_CACHE} changes.
 */
class HostileHubTest {
    static final String REPO = "acme/hostile";

    @TempDir
    Path tmp;
    Path cache;
    Path outside;
    Path secret;
    LocalHub hub;
    byte[] weights = bytes(40_000, 3);
    byte[] notes = utf8("line\n".repeat(2_000));
    String commit;

    @BeforeEach
    void startHub() throws IOException {
        cache = tmp.resolve("home/cache/hub");
        Files.createDirectories(cache);
        // What an attacker would like to reach: a folder with a key in it, a file next to it, a secret.
        outside = tmp.resolve("outside");
        Files.createDirectories(outside.resolve("victim"));
        Files.write(outside.resolve("victim/id_rsa"), utf8("PRIVATE KEY"));
        Files.write(outside.resolve("victim.json"), utf8("{\"keep\": true}"));
        secret = outside.resolve("secret.txt");
        Files.write(secret, weights.length == 0 ? new byte[0] : Arrays.copyOf(utf8("secret"), weights.length));
        hub = LocalHub.start();
        hub.createRepo(REPO);
        commit = hub.commit(REPO, "main", Map.of("model.safetensors", weights, "notes.txt", notes),
                LfsRule.DEFAULT);
        hub.clearRequests();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void commitIdThatIsAnAbsolutePathIsRefusedBeforeAnythingIsWritten() {
        Map<String, String> before = contents(tmp, cache);
        hub.sendCommitId(outside.resolve("victim").toString());
        try (HubClient client = client(hub, cache)) {
            InvalidHubAnswerException e = assertThrows(InvalidHubAnswerException.class,
                    () -> client.snapshotDownload(REPO, "main"));
            assertEquals("commit id", e.field());
            assertEquals(outside.resolve("victim").toString(), e.value());
            assertTrue(e.getMessage().startsWith("The Hub sent an invalid commit id for acme/hostile: '"
                    + outside.resolve("victim") + "' (a commit id is 40 lower-case hex digits), in its answer to "
                    + hub.baseUrl() + "/api/models/acme/hostile/revision/main. Nothing was written."),
                    e.getMessage());
            assertThrows(InvalidHubAnswerException.class, () -> client.download(REPO, "main", "notes.txt"));
        }
        assertEquals(before, contents(tmp, cache), "nothing outside the cache changed");
        assertEquals(Map.of(), contents(cache, null), "nothing in the cache either");
    }

    @Test
    void commitIdThatClimbsOutOfTheCacheIsRefused() {
        Map<String, String> before = contents(tmp, cache);
        hub.sendCommitId("../../../../outside/victim");
        try (HubClient client = client(hub, cache)) {
            assertThrows(InvalidHubAnswerException.class, () -> client.snapshotDownload(REPO, "main"));
            InvalidHubAnswerException e = assertThrows(InvalidHubAnswerException.class,
                    () -> client.download(REPO, "main", "notes.txt"));
            assertEquals("commit id", e.field());
            assertTrue(e.getMessage().contains("answer to " + hub.baseUrl() + "/acme/hostile/resolve/main/notes.txt"),
                    e.getMessage());
        }
        assertEquals(before, contents(tmp, cache));
        assertFalse(Files.exists(cache.resolve("models--acme--hostile/refs/main")));
    }

    @Test
    void lfsOidThatIsALocalPathIsRefusedAndNothingLinksToIt() {
        Map<String, String> before = contents(tmp, cache);
        hub.sendLfsOid("model.safetensors", secret.toString());
        try (HubClient client = client(hub, cache)) {
            InvalidHubAnswerException listing = assertThrows(InvalidHubAnswerException.class,
                    () -> client.snapshotDownload(REPO, "main", null, null, Verification.SHA256,
                            ProgressListener.NONE));
            assertEquals("LFS oid of 'model.safetensors'", listing.field());
            InvalidHubAnswerException head = assertThrows(InvalidHubAnswerException.class,
                    () -> client.download(REPO, "main", "model.safetensors", Verification.SHA256,
                            ProgressListener.NONE));
            assertEquals("ETag of 'model.safetensors'", head.field());
            assertTrue(head.getMessage().startsWith("The Hub sent an invalid ETag of 'model.safetensors' for "
                    + "acme/hostile: '" + secret + "'"), head.getMessage());
        }
        assertEquals(before, contents(tmp, cache), "no link, no .lock next to the secret");
        assertFalse(Files.exists(cache.resolve("models--acme--hostile/snapshots/" + commit + "/model.safetensors"),
                LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void blobAlreadyInTheStoreIsHashedBeforeANewFileLinksToIt() throws IOException {
        Path blobs = cache.resolve("models--acme--hostile/blobs");
        Files.createDirectories(blobs);
        // Planted (or damaged) under the right name and with the right size, but other bytes.
        Files.write(blobs.resolve(sha256(weights)), Arrays.copyOf(utf8("planted"), weights.length));
        try (HubClient client = client(hub, cache)) {
            BadChecksumException e = assertThrows(BadChecksumException.class, () -> client.download(REPO, "main",
                    "model.safetensors", Verification.SHA256, ProgressListener.NONE));
            assertEquals("sha256", e.algorithm());
            assertEquals(sha256(weights), e.expected());
            assertTrue(e.getMessage().endsWith(": the cache is damaged. Delete " + blobs.toAbsolutePath()
                    .resolve(sha256(weights)) + " and download again."), e.getMessage());
            assertFalse(Files.exists(cache.resolve("models--acme--hostile/snapshots/" + commit
                    + "/model.safetensors"), LinkOption.NOFOLLOW_LINKS), "nothing links to it");
            Files.delete(blobs.resolve(sha256(weights)));
            assertArrayEquals(weights, read(client.download(REPO, "main", "model.safetensors",
                    Verification.SHA256, ProgressListener.NONE)), "deleted, it downloads again");
        }
    }

    @Test
    void snapshotLinkThatPointsOutsideTheCacheIsNeverServed() throws IOException {
        Path file;
        try (HubClient client = client(hub, cache)) {
            file = client.download(REPO, "main", "notes.txt");
        }
        Files.delete(file);
        Files.createSymbolicLink(file, secret);
        try (HubClient client = client(hub, cache)) {
            assertFalse(client.isCached(REPO, commit, "notes.txt"), "a link out of the cache is no cached file");
            Path again = client.download(REPO, commit, "notes.txt");
            assertEquals(file, again);
            assertArrayEquals(notes, read(again), "the link was replaced by one into blobs/");
        }
        assertArrayEquals(Arrays.copyOf(utf8("secret"), weights.length), read(secret), "the secret is untouched");
    }

    @Test
    void endlessJsonIsCutAtItsLimit() {
        hub.sendEndlessJson();
        Map<String, String> before = contents(tmp, cache);
        long start = System.nanoTime();
        try (HubClient client = client(hub, cache)) {
            InvalidHubAnswerException e = assertThrows(InvalidHubAnswerException.class,
                    () -> client.snapshotDownload(REPO, "main"));
            assertEquals("JSON answer", e.field());
            assertEquals("The Hub at " + hub.baseUrl() + " answered " + hub.baseUrl()
                    + "/api/models/acme/hostile/revision/main with more than 32 MiB of JSON, the most den4j reads "
                    + "from one answer; it stopped reading and wrote nothing. Check that HF_ENDPOINT points at a "
                    + "Hugging Face Hub or a mirror you trust.", e.getMessage());
            assertThrows(InvalidHubAnswerException.class, () -> client.listFiles(REPO, commit));
        }
        assertTrue(System.nanoTime() - start < 60_000_000_000L, "bounded in time as well");
        assertEquals(before, contents(tmp, cache));
    }

    @Test
    void serverThatIgnoresRangeAndCutsEveryBodyShortIsGivenUpOn() {
        // Each answer is 200 from byte 0 and ends after 10,000 bytes: a restart is no progress.
        hub.truncateIgnoringRange("model.safetensors", 10_000);
        try (HubClient client = client(hub, cache)) {
            DownloadFailedException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> assertThrows(DownloadFailedException.class, () -> client.download(REPO, "main",
                            "model.safetensors", Verification.SHA256, ProgressListener.NONE)));
            assertTrue(e.getMessage().contains("failed: the server ignored Range and sent the file from byte 0 "
                    + "again 3 times, and every transfer broke off (10000 of 40000 bytes at most;"), e.getMessage());
        }
        assertEquals(4, downloadsOf(hub, "model.safetensors").size(), "the first try and three restarts");
        assertEquals(List.of(), names(cache.resolve("models--acme--hostile/blobs")), "nothing stored");
    }

    @Test
    void transferThatDripsNewBytesGetsABoundedNumberOfAttempts() {
        // 40 drops after 100 new bytes each: progress every time, so only the bound on attempts ends it.
        for (int i = 0; i < 40; i++) {
            hub.failNextDownload("notes.txt", 100);
        }
        try (HubClient client = client(hub, cache)) {
            DownloadFailedException e = assertTimeoutPreemptively(Duration.ofSeconds(120),
                    () -> assertThrows(DownloadFailedException.class, () -> client.download(REPO, "main",
                            "notes.txt", Verification.SHA256, ProgressListener.NONE)));
            assertTrue(e.getMessage().contains("failed: the transfer broke off 30 times, the most one file gets, "
                    + "3000 of 10000 bytes arrived"), e.getMessage());
        }
        assertEquals(30, downloadsOf(hub, "notes.txt").size());
        assertEquals(List.of(), names(cache.resolve("models--acme--hostile/blobs")), "nothing stored");
    }

    /** Every file and folder under {@code root} (except {@code skip}) with its bytes' hash; links as their target. */
    static Map<String, String> contents(Path root, Path skip) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> skip == null || !p.startsWith(skip)).forEach(p -> {
                String key = root.relativize(p).toString();
                try {
                    if (Files.isSymbolicLink(p)) {
                        out.put(key, "-> " + Files.readSymbolicLink(p));
                    } else if (Files.isDirectory(p)) {
                        out.put(key, "dir");
                    } else {
                        out.put(key, sha256(Files.readAllBytes(p)));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (skip == null) {
            out.remove("");
        }
        return out;
    }
}
