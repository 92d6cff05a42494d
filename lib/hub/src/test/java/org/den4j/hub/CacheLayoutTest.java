package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.client;
import static org.den4j.hub.Fixtures.downloadsOf;
import static org.den4j.hub.Fixtures.gitSha1;
import static org.den4j.hub.Fixtures.linkTarget;
import static org.den4j.hub.Fixtures.names;
import static org.den4j.hub.Fixtures.read;
import static org.den4j.hub.Fixtures.sha256;
import static org.den4j.hub.Fixtures.tree;
import static org.den4j.hub.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.den4j.den.ProgressListener;
import org.den4j.hub.testhub.LfsRule;
import org.den4j.hub.testhub.LocalHub;
import org.den4j.hub.testhub.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache on disk, file by file, against the layout Python's {@code huggingface_hub} writes:
 * {@code models--org--name/{blobs,refs,snapshots}}, blobs named by etag, relative symlinks, refs holding
 * the commit, {@code .no_exist} markers.
 */
class CacheLayoutTest {
    static final String REPO = "acme/tiny";

    @TempDir
    Path tmp;
    Path cache;
    LocalHub hub;
    Map<String, byte[]> files;
    String commit;

    @BeforeEach
    void startHub() {
        cache = tmp.resolve("hub");
        hub = LocalHub.start();
        hub.createRepo(REPO);
        files = new LinkedHashMap<>();
        files.put("config.json", utf8("{\"model_type\": \"qwen2\"}\n"));
        files.put("model.safetensors", bytes(200_000, 1));
        files.put("tokenizer/vocab.txt", utf8("a\nb\nc\n"));
        files.put("onnx/fp16/model.onnx", bytes(50_000, 2));
        commit = hub.commit(REPO, "main", files, LfsRule.DEFAULT);
        hub.clearRequests();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    /** The blob name Python would give: sha256 for LFS files, the git blob id for the others. */
    static String etag(String path, byte[] content) {
        return path.endsWith(".safetensors") || path.endsWith(".onnx") ? sha256(content) : gitSha1(content);
    }

    @Test
    void snapshotDownloadWritesPythonsLayoutFileByFile() throws IOException {
        Path snapshot;
        try (HubClient client = client(hub, cache)) {
            snapshot = client.snapshotDownload(REPO, "main");
        }
        Path repo = cache.resolve("models--acme--tiny");
        assertEquals(repo.resolve("snapshots").resolve(commit), snapshot);

        Map<String, byte[]> all = new TreeMap<>(files);
        all.put(".gitattributes", read(snapshot.resolve(".gitattributes")));

        List<String> expected = new ArrayList<>(List.of("blobs", "refs", "refs/main", "snapshots",
                "snapshots/" + commit, "snapshots/" + commit + "/onnx", "snapshots/" + commit + "/onnx/fp16",
                "snapshots/" + commit + "/tokenizer", "trees", "trees/" + commit + ".json"));
        all.forEach((path, content) -> {
            expected.add("blobs/" + etag(path, content));
            expected.add("snapshots/" + commit + "/" + path);
        });
        assertEquals(new java.util.TreeSet<>(expected).stream().toList(), tree(repo));

        assertEquals(commit, Files.readString(repo.resolve("refs/main")), "refs/main holds the commit, no newline");
        all.forEach((path, content) -> {
            Path pointer = snapshot.resolve(path);
            String blobName = etag(path, content);
            assertTrue(Files.isSymbolicLink(pointer), path + " is a symlink");
            String up = "../".repeat(2 + (int) path.chars().filter(c -> c == '/').count());
            assertEquals(up + "blobs/" + blobName, linkTarget(pointer), "link of " + path);
            assertArrayEquals(content, read(repo.resolve("blobs").resolve(blobName)), "blob of " + path);
            assertArrayEquals(content, read(pointer), path + " through its link");
        });
        assertEquals("Signature: 8a477f597d28d172789f06886806bc55\n"
                + "# This file is a cache directory tag created by huggingface_hub.\n"
                + "# For information about cache directory tags, see:\n"
                + "#\thttps://bford.info/cachedir/\n", Files.readString(cache.resolve("CACHEDIR.TAG")));
        List<String> locks = new ArrayList<>();
        all.forEach((path, content) -> locks.add(etag(path, content) + ".lock"));
        assertEquals(locks.stream().sorted().toList(), names(cache.resolve(".locks/models--acme--tiny")));
        assertEquals(List.of(".locks", "CACHEDIR.TAG", "models--acme--tiny"), names(cache));
    }

    @Test
    void treeListingIsCachedByteForByteAsPythonWritesIt() throws IOException {
        hub.createRepo("acme/two");
        byte[] config = utf8("{}");
        byte[] weights = bytes(1000, 3);
        String c = hub.commit("acme/two", "main", Map.of("config.json", config, "w.safetensors", weights));
        try (HubClient client = client(hub, cache)) {
            client.snapshotDownload("acme/two", "main");
        }
        String gitattributes = gitSha1(read(cache.resolve("models--acme--two/snapshots/" + c + "/.gitattributes")));
        long gitattributesSize = Files.size(cache.resolve("models--acme--two/snapshots/" + c + "/.gitattributes"));
        // an LFS file's git oid is its pointer file's
        String pointerOid = gitSha1(utf8("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256(weights)
                + "\nsize 1000\n"));
        // json.dump(data, f, indent=1) of huggingface_hub's _tree_cache.write_tree_cache, no final newline
        assertEquals("{\n"
                + " \"format_version\": 1,\n"
                + " \"files\": {\n"
                + "  \".gitattributes\": {\n"
                + "   \"size\": " + gitattributesSize + ",\n"
                + "   \"blob_id\": \"" + gitattributes + "\"\n"
                + "  },\n"
                + "  \"config.json\": {\n"
                + "   \"size\": 2,\n"
                + "   \"blob_id\": \"" + gitSha1(config) + "\"\n"
                + "  },\n"
                + "  \"w.safetensors\": {\n"
                + "   \"size\": 1000,\n"
                + "   \"blob_id\": \"" + pointerOid + "\",\n"
                + "   \"lfs_sha256\": \"" + sha256(weights) + "\",\n"
                + "   \"lfs_size\": 1000\n"
                + "  }\n"
                + " }\n"
                + "}", Files.readString(cache.resolve("models--acme--two/trees/" + c + ".json")));
    }

    @Test
    void singleDownloadLinksOneFileAndRecordsTheRef() throws IOException {
        Path pointer;
        try (HubClient client = client(hub, cache)) {
            pointer = client.download(REPO, "main", "tokenizer/vocab.txt");
        }
        Path repo = cache.resolve("models--acme--tiny");
        String blob = gitSha1(files.get("tokenizer/vocab.txt"));
        assertEquals(repo.resolve("snapshots/" + commit + "/tokenizer/vocab.txt"), pointer);
        assertEquals("../../../blobs/" + blob, linkTarget(pointer));
        assertEquals(List.of("blobs", "blobs/" + blob, "refs", "refs/main", "snapshots", "snapshots/" + commit,
                "snapshots/" + commit + "/tokenizer", "snapshots/" + commit + "/tokenizer/vocab.txt"), tree(repo));
        assertEquals(commit, Files.readString(repo.resolve("refs/main")));
    }

    @Test
    void missingFileLeavesANoExistMarkerAndTheRef() throws IOException {
        try (HubClient client = client(hub, cache)) {
            EntryNotFoundException e = assertThrows(EntryNotFoundException.class,
                    () -> client.download(REPO, "main", "onnx/missing.onnx"));
            assertEquals("onnx/missing.onnx", e.path());
            assertEquals("main", e.revision());
            assertEquals(REPO, e.repoId());
            assertEquals(404, e.statusCode());
        }
        Path repo = cache.resolve("models--acme--tiny");
        assertEquals(List.of(".no_exist", ".no_exist/" + commit, ".no_exist/" + commit + "/onnx",
                ".no_exist/" + commit + "/onnx/missing.onnx", "refs", "refs/main"), tree(repo));
        assertEquals(0, Files.size(repo.resolve(".no_exist/" + commit + "/onnx/missing.onnx")));
        assertEquals(commit, Files.readString(repo.resolve("refs/main")));
    }

    @Test
    void twoRevisionsShareUnchangedBlobsAndKeepTheirOwnVersionOfAChangedFile() throws IOException {
        hub.createTag(REPO, "v1", commit);
        byte[] newConfig = utf8("{\"model_type\": \"qwen2\", \"vocab_size\": 3}\n");
        String v2 = hub.commit(REPO, "main", Map.of("config.json", newConfig));
        hub.clearRequests();

        Path s1;
        Path s2;
        try (HubClient client = client(hub, cache)) {
            s1 = client.snapshotDownload(REPO, "v1");
            s2 = client.snapshotDownload(REPO, "main");
        }
        Path repo = cache.resolve("models--acme--tiny");
        assertEquals(commit, Files.readString(repo.resolve("refs/v1")));
        assertEquals(v2, Files.readString(repo.resolve("refs/main")));
        assertArrayEquals(files.get("config.json"), read(s1.resolve("config.json")));
        assertArrayEquals(newConfig, read(s2.resolve("config.json")));
        assertEquals("../../blobs/" + gitSha1(files.get("config.json")), linkTarget(s1.resolve("config.json")));
        assertEquals("../../blobs/" + gitSha1(newConfig), linkTarget(s2.resolve("config.json")));
        assertEquals(linkTarget(s1.resolve("model.safetensors")), linkTarget(s2.resolve("model.safetensors")));
        // five blobs of v1, one new config: nothing stored twice
        assertEquals(6, names(repo.resolve("blobs")).size());
        assertEquals(1, downloadsOf(hub, "model.safetensors").size(), "the shared weights came once");
        assertEquals(2, downloadsOf(hub, "config.json").size(), "each config came once");
    }

    @Test
    void cacheWrittenByPythonIsReusedWithoutDownloading() throws IOException {
        // The layout Python leaves after hf_hub_download(REPO, "model.safetensors"), built by hand.
        Path repo = cache.resolve("models--acme--tiny");
        byte[] weights = files.get("model.safetensors");
        Files.createDirectories(repo.resolve("blobs"));
        Files.write(repo.resolve("blobs").resolve(sha256(weights)), weights);
        Files.createDirectories(repo.resolve("snapshots").resolve(commit));
        Files.createSymbolicLink(repo.resolve("snapshots").resolve(commit).resolve("model.safetensors"),
                Path.of("../../blobs/" + sha256(weights)));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);

        try (HubClient client = client(hub, cache)) {
            Path byBranch = client.download(REPO, "main", "model.safetensors");
            assertEquals(repo.resolve("snapshots").resolve(commit).resolve("model.safetensors"), byBranch);
            List<RecordedRequest> requests = hub.requests();
            assertEquals(1, requests.size(), "one HEAD to resolve main: " + requests);
            assertEquals("HEAD", requests.get(0).method());

            hub.clearRequests();
            assertEquals(byBranch, client.download(REPO, commit, "model.safetensors"));
            assertEquals(List.of(), hub.requests(), "a cached commit needs no request");

            assertTrue(client.isCached(REPO, "main", "model.safetensors"));
            assertFalse(client.isCached(REPO, "main", "config.json"));

            hub.clearRequests();
            client.snapshotDownload(REPO, "main", List.of("*.safetensors"), null, Verification.SIZE,
                    ProgressListener.NONE);
            assertEquals(List.of(), Fixtures.downloads(hub), "the cached weights were not downloaded again");
        }
        assertEquals("../../blobs/" + sha256(weights),
                linkTarget(repo.resolve("snapshots").resolve(commit).resolve("model.safetensors")));
    }

    @Test
    void withoutSymlinksSnapshotsHoldTheFilesThemselves() throws IOException {
        Path snapshot;
        try (HubClient client = new HubClient(Fixtures.settings(hub, cache).symlinksDisabled(true).build())) {
            snapshot = client.snapshotDownload(REPO, "main");
        }
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path file = snapshot.resolve(e.getKey());
            assertFalse(Files.isSymbolicLink(file), e.getKey());
            assertArrayEquals(e.getValue(), read(file), e.getKey());
        }
        // As in Python, a new blob is moved into the snapshot rather than copied.
        assertEquals(List.of(), names(cache.resolve("models--acme--tiny/blobs")));
    }

    @Test
    void noTemporaryFileIsLeftAfterDownloads() throws IOException {
        try (HubClient client = client(hub, cache)) {
            client.snapshotDownload(REPO, "main");
        }
        assertTrue(tree(cache).stream().noneMatch(p -> p.endsWith(".incomplete") || p.endsWith(".tmp")),
                tree(cache).toString());
    }
}
