package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.client;
import static org.den4j.hub.Fixtures.read;
import static org.den4j.hub.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.ProgressListener;
import org.den4j.hub.testhub.LfsRule;
import org.den4j.hub.testhub.LocalHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code HF_HUB_OFFLINE} and an unreachable Hub: serve the cache, or say clearly what is missing. */
class OfflineTest {
    static final String REPO = "acme/offline";

    @TempDir
    Path tmp;
    Path cache;
    LocalHub hub;
    byte[] config = utf8("{}");
    byte[] weights = bytes(10_000, 5);
    String commit;

    @BeforeEach
    void startHub() {
        cache = tmp.resolve("hub");
        hub = LocalHub.start();
        hub.createRepo(REPO);
        commit = hub.commit(REPO, "main", Map.of("config.json", config, "model.safetensors", weights),
                LfsRule.DEFAULT);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private HubClient offline() {
        return new HubClient(HubSettings.fromEnvironment(Map.of("HOME", tmp.toString(), "HF_HUB_CACHE",
                cache.toString(), "HF_ENDPOINT", hub.baseUrl(), "HF_HUB_OFFLINE", "1")));
    }

    @Test
    void offlineServesWhatIsCachedWithoutAnyRequest() {
        Path online;
        Path snapshot;
        try (HubClient client = client(hub, cache)) {
            online = client.download(REPO, "main", "config.json");
            snapshot = client.snapshotDownload(REPO, "main");
        }
        hub.clearRequests();
        try (HubClient client = offline()) {
            assertEquals(online, client.download(REPO, "main", "config.json"));
            assertEquals(snapshot, client.snapshotDownload(REPO, "main"));
            assertEquals(snapshot, client.snapshotDownload(REPO, commit));
            assertEquals(3, client.listFiles(REPO, "main").size(), "the listing cached by the snapshot");
            assertTrue(client.isSnapshotCached(REPO, "main", null, null));
        }
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void offlineWithoutCacheSaysHowToGoOnline() {
        try (HubClient client = offline()) {
            OfflineModeException e = assertThrows(OfflineModeException.class,
                    () -> client.download(REPO, "main", "config.json"));
            assertEquals("Cannot find 'config.json' of acme/offline at revision 'main' in the cache at "
                    + cache.toAbsolutePath() + " (the cache has no refs/main for it), and outgoing traffic has been "
                    + "disabled (offline mode). To enable look-ups and downloads online, set HF_HUB_OFFLINE=0 as "
                    + "environment variable.", e.getMessage());
            assertEquals("config.json", e.path());

            OfflineModeException s = assertThrows(OfflineModeException.class,
                    () -> client.snapshotDownload(REPO, "main"));
            assertEquals("Cannot find a cached snapshot of acme/offline at revision 'main' in the cache at "
                    + cache.toAbsolutePath() + ", and outgoing traffic has been disabled (offline mode). To enable "
                    + "repo look-ups and downloads online, set HF_HUB_OFFLINE=0 as environment variable.",
                    s.getMessage());
            assertThrows(OfflineModeException.class, () -> client.repoInfo(REPO, "main"));
        }
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void offlineRefusesASnapshotThatIsMissingSelectedFiles() {
        try (HubClient client = client(hub, cache)) {
            client.snapshotDownload(REPO, "main", List.of("*.json"), null, Verification.NONE, ProgressListener.NONE);
        }
        try (HubClient client = offline()) {
            assertEquals(cache.toAbsolutePath().resolve("models--acme--offline/snapshots/" + commit),
                    client.snapshotDownload(REPO, "main", List.of("*.json"), null, Verification.NONE,
                            ProgressListener.NONE));
            OfflineModeException e = assertThrows(OfflineModeException.class,
                    () -> client.snapshotDownload(REPO, "main"));
            assertEquals("The cached snapshot of acme/offline (revision 'main', commit " + commit + ") is incomplete: "
                    + "2 file(s) are missing (.gitattributes, model.safetensors). Outgoing traffic has been disabled "
                    + "(offline mode): set HF_HUB_OFFLINE=0 and download again to complete it.", e.getMessage());
        }
    }

    @Test
    void offlineRemembersFilesTheHubSaidDoNotExist() {
        try (HubClient client = client(hub, cache)) {
            client.download(REPO, "main", "config.json");
            assertThrows(EntryNotFoundException.class, () -> client.download(REPO, "main", "tokenizer.json"));
        }
        try (HubClient client = offline()) {
            OfflineModeException e = assertThrows(OfflineModeException.class,
                    () -> client.download(REPO, "main", "tokenizer.json"));
            assertTrue(e.getMessage().contains("(the Hub said earlier that commit " + commit + " has no such file)"),
                    e.getMessage());
        }
    }

    @Test
    void unreachableHubFallsBackToTheCache() {
        Path cached;
        try (HubClient client = client(hub, cache)) {
            cached = client.download(REPO, "main", "model.safetensors");
            client.download(REPO, "main", "config.json");
        }
        String endpoint = hub.baseUrl();
        hub.close();
        try (HubClient client = new HubClient(HubSettings.builder(cache).endpoint(endpoint).build())) {
            assertArrayEquals(weights, read(client.download(REPO, "main", "model.safetensors")));
            assertEquals(cached, client.download(REPO, "main", "model.safetensors"));
            assertTrue(client.snapshotDownload(REPO, "main", List.of("*.json"), null, Verification.NONE,
                    ProgressListener.NONE).endsWith(commit));

            LocalEntryNotFoundException e = assertThrows(LocalEntryNotFoundException.class,
                    () -> client.download(REPO, "main", "README.md"));
            assertInstanceOf(HubUnreachableException.class, e.getCause());
            assertTrue(e.getMessage().startsWith("An error happened while trying to locate 'README.md' of "
                    + "acme/offline at revision 'main' on the Hub, and it is not in the cache at "
                    + cache.toAbsolutePath().resolve("models--acme--offline") + ". Check your connection and try "
                    + "again.\nCause: Cannot reach the Hub at " + endpoint + "/acme/offline/resolve/main/README.md"),
                    e.getMessage());

            LocalEntryNotFoundException s = assertThrows(LocalEntryNotFoundException.class,
                    () -> client.snapshotDownload("acme/other", "main"));
            assertInstanceOf(HubUnreachableException.class, s.getCause());
        }
    }
}
