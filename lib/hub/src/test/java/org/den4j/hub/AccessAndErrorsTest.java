package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.client;
import static org.den4j.hub.Fixtures.read;
import static org.den4j.hub.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.hub.testhub.LfsRule;
import org.den4j.hub.testhub.LocalHub;
import org.den4j.hub.testhub.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens, gated and private repositories, redirects, and the messages of the Hub's errors. */
class AccessAndErrorsTest {
    static final String REPO = "acme/open";

    @TempDir
    Path tmp;
    Path cache;
    LocalHub hub;
    byte[] weights = bytes(100_000, 11);
    byte[] config = utf8("{\"model_type\": \"qwen2\"}");

    @BeforeEach
    void startHub() {
        cache = tmp.resolve("hub");
        hub = LocalHub.start();
        hub.createRepo(REPO);
        hub.commit(REPO, "main", Map.of("config.json", config, "model.safetensors", weights), LfsRule.DEFAULT);
        hub.registerToken("hf_user");
        hub.clearRequests();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void redirectToTheCdnDropsAuthorization() {
        try (HubClient client = client(hub, cache, "hf_user")) {
            assertArrayEquals(weights, read(client.download(REPO, "main", "model.safetensors")));
            client.snapshotDownload(REPO, "main");
        }
        List<RecordedRequest> hubRequests = hub.requests().stream().filter(r -> r.server().equals("hub")).toList();
        List<RecordedRequest> cdnRequests = hub.requests().stream().filter(r -> r.server().equals("cdn")).toList();
        assertFalse(cdnRequests.isEmpty());
        assertTrue(hubRequests.stream().allMatch(r -> "Bearer hf_user".equals(r.header("Authorization"))),
                hubRequests.toString());
        assertTrue(cdnRequests.stream().allMatch(r -> r.header("Authorization") == null), cdnRequests.toString());
        assertFalse(hub.cdnSawAuthorization());
    }

    @Test
    void gatedRepoWithoutTokenSaysHowToGetAccess() {
        hub.gate(REPO, "hf_granted");
        try (HubClient client = client(hub, cache)) {
            GatedRepoException e = assertThrows(GatedRepoException.class,
                    () -> client.download(REPO, "main", "config.json"));
            assertEquals(401, e.statusCode());
            assertEquals(REPO, e.repoId());
            assertEquals("401 Client Error.\n\nCannot access gated repo for url " + hub.baseUrl()
                    + "/acme/open/resolve/main/config.json.\nAccess to model acme/open is restricted. No token was "
                    + "sent: request access at " + hub.baseUrl() + "/acme/open, then set HF_TOKEN (or log in so "
                    + "that $HF_HOME/token exists) to a token of the account that was granted access.\n"
                    + e.serverMessage() + "\n(Request ID: " + e.requestId() + ")", e.getMessage());
            assertNotNull(e.requestId());
        }
    }

    @Test
    void gatedRepoWithATokenNotGrantedNamesTheToken() {
        hub.gate(REPO, "hf_granted");
        try (HubClient client = client(hub, cache, "hf_user")) {
            GatedRepoException e = assertThrows(GatedRepoException.class,
                    () -> client.snapshotDownload(REPO, "main"));
            assertEquals(403, e.statusCode());
            assertTrue(e.getMessage().contains("The token from explicit was sent, but its account has not been "
                    + "granted access: request access at " + hub.baseUrl() + "/acme/open"), e.getMessage());
        }
    }

    @Test
    void gatedRepoWithAGrantedTokenDownloads() {
        hub.gate(REPO, "hf_granted");
        try (HubClient client = client(hub, cache, "hf_granted")) {
            assertTrue(client.repoInfo(REPO, "main").isGated());
            Path snapshot = client.snapshotDownload(REPO, "main");
            assertArrayEquals(weights, read(snapshot.resolve("model.safetensors")));
        }
        assertFalse(hub.cdnSawAuthorization());
    }

    @Test
    void rejectedTokenNamesWhereItCameFrom() {
        HubSettings settings = HubSettings.fromEnvironment(Map.of("HOME", tmp.toString(), "HF_HUB_CACHE",
                cache.toString(), "HF_ENDPOINT", hub.baseUrl(), "HF_TOKEN", "hf_stale"));
        try (HubClient client = new HubClient(settings)) {
            HubHttpException e = assertThrows(HubHttpException.class,
                    () -> client.download(REPO, "main", "config.json"));
            assertEquals(401, e.statusCode());
            assertEquals("401 Client Error.\n\nInvalid credentials for url " + hub.baseUrl()
                    + "/acme/open/resolve/main/config.json.\nThe token from HF_TOKEN was rejected: check or renew it ("
                    + hub.baseUrl() + "/settings/tokens), or unset it to read public repositories anonymously.\n"
                    + "Invalid credentials in Authorization header\n(Request ID: " + e.requestId() + ")",
                    e.getMessage());
        }
    }

    @Test
    void unknownRepositoryMessageNamesTheRepoAndTheToken() {
        try (HubClient client = client(hub, cache)) {
            RepositoryNotFoundException e = assertThrows(RepositoryNotFoundException.class,
                    () -> client.snapshotDownload("acme/nope", "main"));
            assertEquals("acme/nope", e.repoId());
            assertEquals(401, e.statusCode());
            assertEquals("401 Client Error.\n\nRepository Not Found for url: " + hub.baseUrl()
                    + "/api/models/acme/nope/revision/main.\nPlease make sure you specified the correct repo id "
                    + "('acme/nope').\nNo token was sent: if the repository is private or gated, set HF_TOKEN to a "
                    + "token that may read it.\nInvalid username or password.\n(Request ID: " + e.requestId() + ")",
                    e.getMessage());
        }
        try (HubClient client = client(hub, cache, "hf_user")) {
            RepositoryNotFoundException e = assertThrows(RepositoryNotFoundException.class,
                    () -> client.download("acme/nope", "main", "config.json"));
            assertEquals(404, e.statusCode());
            assertTrue(e.getMessage().contains("make sure the token from explicit has the required permissions"),
                    e.getMessage());
        }
    }

    @Test
    void unknownRevisionMessageNamesTheRevision() {
        try (HubClient client = client(hub, cache)) {
            RevisionNotFoundException e = assertThrows(RevisionNotFoundException.class,
                    () -> client.download(REPO, "v9", "config.json"));
            assertEquals("v9", e.revision());
            assertEquals(404, e.statusCode());
            assertTrue(e.getMessage().startsWith("404 Client Error.\n\nRevision Not Found for url: " + hub.baseUrl()
                    + "/acme/open/resolve/v9/config.json.\nRevision 'v9' does not exist in repository 'acme/open'. "
                    + "Check the branch, tag or commit name (commits are 40 hex digits)."), e.getMessage());
            assertThrows(RevisionNotFoundException.class, () -> client.snapshotDownload(REPO, "v9"));
        }
    }

    @Test
    void unknownFileMessageNamesTheFileAndRevision() {
        try (HubClient client = client(hub, cache)) {
            EntryNotFoundException e = assertThrows(EntryNotFoundException.class,
                    () -> client.download(REPO, "main", "Config.json"));
            assertTrue(e.getMessage().startsWith("404 Client Error.\n\nEntry Not Found for url: " + hub.baseUrl()
                    + "/acme/open/resolve/main/Config.json.\nFile 'Config.json' does not exist in repository "
                    + "'acme/open' at revision 'main'. Check the path (it is case-sensitive); listFiles shows the "
                    + "repository's files."), e.getMessage());
        }
    }

    @Test
    void privateRepoNeedsAReaderToken() {
        hub.makePrivate(REPO, "hf_reader");
        try (HubClient anonymous = client(hub, cache)) {
            assertThrows(RepositoryNotFoundException.class, () -> anonymous.download(REPO, "main", "config.json"));
        }
        try (HubClient reader = client(hub, cache, "hf_reader")) {
            assertArrayEquals(config, read(reader.download(REPO, "main", "config.json")));
        }
    }

    @Test
    void renamedRepositoryIsFollowedOnTheHub() {
        hub.renameRepo(REPO, "acme/renamed");
        try (HubClient client = client(hub, cache, "hf_user")) {
            assertArrayEquals(config, read(client.download(REPO, "main", "config.json")));
            assertArrayEquals(weights, read(client.download(REPO, "main", "model.safetensors")));
        }
        assertTrue(hub.requests().stream().anyMatch(r -> r.status() == 307), "a rename redirect was followed");
        assertFalse(hub.cdnSawAuthorization());
    }

    @Test
    void resolveCacheRedirectOfGitFilesKeepsTheToken() {
        try (LocalHub cached = LocalHub.builder().resolveCache(true).start()) {
            cached.createRepo(REPO);
            cached.commit(REPO, "main", Map.of("config.json", config));
            cached.makePrivate(REPO, "hf_reader");
            try (HubClient client = new HubClient(HubSettings.builder(cache).endpoint(cached.baseUrl())
                    .token("hf_reader").build())) {
                assertArrayEquals(config, read(client.download(REPO, "main", "config.json")));
                assertArrayEquals(utf8("{\"model_type\": \"qwen2\"}"),
                        read(client.snapshotDownload(REPO, "main").resolve("config.json")));
            }
            List<RecordedRequest> viaCache = cached.requests().stream()
                    .filter(r -> r.path().startsWith("/api/resolve-cache/")).toList();
            assertFalse(viaCache.isEmpty());
            assertTrue(viaCache.stream().allMatch(r -> "Bearer hf_reader".equals(r.header("Authorization"))));
        }
    }

    @Test
    void fileMetadataReportsEtagSizeAndCdnLocation() {
        try (HubClient client = client(hub, cache)) {
            HubFileMetadata lfs = client.fileMetadata(REPO, "main", "model.safetensors");
            assertEquals(Fixtures.sha256(weights), lfs.etag());
            assertEquals(weights.length, lfs.size());
            assertTrue(lfs.isLfs());
            assertTrue(lfs.location().toString().startsWith(hub.cdnUrl()), lfs.location().toString());
            assertEquals(hub.resolve(REPO, "main"), lfs.commit());

            HubFileMetadata git = client.fileMetadata(REPO, "main", "config.json");
            assertEquals(Fixtures.gitSha1(config), git.etag());
            assertEquals(config.length, git.size());
            assertFalse(git.isLfs());
            assertEquals(hub.baseUrl() + "/acme/open/resolve/main/config.json", git.location().toString());
        }
        assertNull(hub.requests().stream().filter(r -> r.server().equals("cdn")).findAny().orElse(null),
                "metadata never touches the CDN");
    }
}
