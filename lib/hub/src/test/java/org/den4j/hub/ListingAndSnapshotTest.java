package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.client;
import static org.den4j.hub.Fixtures.downloads;
import static org.den4j.hub.Fixtures.gitSha1;
import static org.den4j.hub.Fixtures.sha256;
import static org.den4j.hub.Fixtures.tree;
import static org.den4j.hub.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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

/** Repository info, paginated listings, pattern selection, parallel snapshot downloads with one progress. */
class ListingAndSnapshotTest {
    static final String REPO = "acme/sharded";

    @TempDir
    Path tmp;
    Path cache;
    LocalHub hub;
    Map<String, byte[]> files = new LinkedHashMap<>();
    String commit;

    @BeforeEach
    void startHub() {
        cache = tmp.resolve("hub");
        hub = LocalHub.builder().treePageSize(3).start();
        hub.createRepo(REPO);
        files.put("config.json", utf8("{\"model_type\": \"qwen2\"}"));
        files.put("README.md", utf8("---\nlicense: mit\ntags: [clinical]\n---\n# sharded\n"));
        for (int i = 1; i <= 6; i++) {
            files.put("model-0000" + i + "-of-00006.safetensors", bytes(150_000 + i, i));
        }
        files.put("onnx/model.onnx", bytes(20_000, 42));
        files.put("onnx/config.json", utf8("{}"));
        commit = hub.commit(REPO, "main", files, LfsRule.DEFAULT);
        hub.clearRequests();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void repoInfoResolvesTheRevision() {
        try (HubClient client = client(hub, cache)) {
            RepoInfo info = client.repoInfo(REPO, "main");
            assertEquals(REPO, info.repoId());
            assertEquals(commit, info.commit());
            assertFalse(info.privateRepo());
            assertFalse(info.isGated());
            assertTrue(info.siblings().contains("onnx/model.onnx"), info.siblings().toString());
            assertTrue(info.tags().contains("clinical"), info.tags().toString());
        }
    }

    @Test
    void listFilesFollowsEveryPageAndReportsHashes() {
        List<HubFile> listed;
        try (HubClient client = client(hub, cache)) {
            listed = client.listFiles(REPO, "main");
        }
        assertEquals(files.size() + 1, listed.size(), "every file and .gitattributes");
        long pages = hub.requests().stream().filter(r -> r.path().contains("/tree/")).count();
        assertEquals(4, pages, "12 entries (11 files and the onnx folder) by 3");
        Map<String, HubFile> byPath = new LinkedHashMap<>();
        listed.forEach(f -> byPath.put(f.path(), f));
        HubFile shard = byPath.get("model-00001-of-00006.safetensors");
        assertEquals(commit, shard.commit());
        assertEquals(150_001, shard.size());
        assertEquals(sha256(files.get("model-00001-of-00006.safetensors")), shard.sha256());
        assertEquals(shard.sha256(), shard.etag());
        HubFile config = byPath.get("onnx/config.json");
        assertNull(config.sha256());
        assertEquals(gitSha1(files.get("onnx/config.json")), config.gitOid());
        assertEquals(config.gitOid(), config.etag());
        assertTrue(hub.requests().stream().filter(r -> r.path().contains("/tree/"))
                .allMatch(r -> r.query().contains("recursive=true")));
    }

    @Test
    void allowAndIgnorePatternsSelectFilesAsPythonDoes() {
        Path snapshot;
        try (HubClient client = client(hub, cache)) {
            snapshot = client.snapshotDownload(REPO, "main", List.of("*.json", "onnx/"), List.of("onnx/*.json"),
                    Verification.SHA256, ProgressListener.NONE);
        }
        List<String> present = tree(snapshot).stream().filter(p -> !p.equals("onnx")).toList();
        assertEquals(List.of("config.json", "onnx/model.onnx"), present);
    }

    @Test
    void snapshotDownloadsInParallelWithOneProgressAndSkipsWhatIsCached() {
        Fixtures.RecordingProgress first = new Fixtures.RecordingProgress();
        try (HubClient client = new HubClient(Fixtures.settings(hub, cache).maxWorkers(4).build())) {
            client.download(REPO, "main", "config.json");
            hub.clearRequests();
            client.snapshotDownload(REPO, "main", List.of("*.safetensors", "*.json"), null, Verification.SHA256,
                    first);
        }
        long expected = files.entrySet().stream().filter(e -> e.getKey().endsWith(".safetensors")
                || e.getKey().equals("onnx/config.json")).mapToLong(e -> e.getValue().length).sum();
        assertEquals(List.of("Fetching 7 files of acme/sharded"), first.starts);
        assertEquals(List.of(expected), first.totals);
        assertEquals(expected, first.advanced.get());
        assertEquals(1, first.finishes);
        List<String> fetched = new ArrayList<>(downloads(hub).stream().map(RecordedRequest::file).toList());
        fetched.sort(Comparator.naturalOrder());
        assertFalse(fetched.contains("config.json"), "the cached config was not fetched again");
        assertEquals(7, fetched.size(), fetched.toString());
        assertTrue(hub.requests().stream().noneMatch(r -> r.method().equals("HEAD")),
                "files listed at a commit need no HEAD");

        Fixtures.RecordingProgress second = new Fixtures.RecordingProgress();
        hub.clearRequests();
        try (HubClient client = client(hub, cache)) {
            client.snapshotDownload(REPO, "main", List.of("*.safetensors", "*.json"), null, Verification.SIZE,
                    second);
        }
        assertEquals(List.of(0L), second.totals);
        assertEquals(0, second.advanced.get());
        assertEquals(List.of(), downloads(hub));
        assertEquals(1, hub.requests().size(), "only the revision lookup; the listing is cached: "
                + hub.requests());
    }

    @Test
    void isCachedAnswersWithoutRequests() {
        try (HubClient client = client(hub, cache)) {
            assertFalse(client.isCached(REPO, "main", "config.json"));
            client.snapshotDownload(REPO, "main", List.of("config.json"), null, Verification.NONE,
                    ProgressListener.NONE);
            hub.clearRequests();
            assertTrue(client.isCached(REPO, "main", "config.json"));
            assertTrue(client.isCached(REPO, commit, "config.json"));
            assertFalse(client.isCached(REPO, "main", "README.md"));
            assertTrue(client.isSnapshotCached(REPO, "main", List.of("config.json"), null));
            assertFalse(client.isSnapshotCached(REPO, "main", null, null));
            assertEquals(cache.toAbsolutePath().resolve("models--acme--sharded"), client.repoCacheDir(REPO));
        }
        assertEquals(List.of(), hub.requests());
    }
}
