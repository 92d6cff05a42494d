package org.den4j.hub.testhub;

import static org.den4j.hub.testhub.Http.bytes;
import static org.den4j.hub.testhub.Http.header;
import static org.den4j.hub.testhub.Http.json;
import static org.den4j.hub.testhub.Http.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalHubProtocolTest {

    private static final byte[] CONFIG_V1 = utf8("{\"model_type\":\"qwen2\",\"architectures\":[\"Qwen2ForCausalLM\"]}");
    private static final byte[] CONFIG_V2 = utf8("{\"model_type\":\"qwen2\",\"hidden_size\":64}");
    private static final byte[] WEIGHTS = bytes(200_000, 7);
    private static final byte[] README = utf8("---\nlicense: apache-2.0\ntags:\n- clinical\n"
            + "library_name: transformers\n---\n# Tiny\n");

    private final Http http = new Http();
    private LocalHub hub;
    private String v1;
    private String v2;

    @BeforeEach
    void startHub() {
        hub = LocalHub.builder().treePageSize(3).start();
        hub.createRepo("acme/tiny");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", CONFIG_V1);
        files.put("model.safetensors", WEIGHTS);
        files.put("README.md", README);
        files.put("tokenizer/vocab.txt", utf8("a\nb\n"));
        files.put("tokenizer/merges/m.txt", utf8("a b\n"));
        v1 = hub.commit("acme/tiny", "main", files, LfsRule.DEFAULT);
        hub.createTag("acme/tiny", "v1", v1);
        v2 = hub.commit("acme/tiny", "main", Map.of("config.json", CONFIG_V2), LfsRule.DEFAULT);
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void revisionInfoNamesCommitAndSiblings() {
        HttpResponse<byte[]> response = http.get(hub.baseUrl() + "/api/models/acme/tiny/revision/main");
        assertEquals(200, response.statusCode());
        assertEquals("application/json; charset=utf-8", header(response, "Content-Type"));
        JsonNode info = json(response);
        assertEquals("acme/tiny", info.get("id").asText());
        assertEquals(v2, info.get("sha").asText());
        assertEquals(List.of(".gitattributes", "README.md", "config.json", "model.safetensors",
                "tokenizer/merges/m.txt", "tokenizer/vocab.txt"), rfilenames(info));
        assertFalse(info.get("siblings").get(0).has("size"), "sizes only with ?blobs=true");
        assertEquals(false, info.get("private").asBoolean());
        assertEquals(false, info.get("gated").asBoolean());
        assertEquals("apache-2.0", info.get("cardData").get("license").asText());
        assertEquals("transformers", info.get("library_name").asText());
        assertEquals(List.of("clinical", "license:apache-2.0"), texts(info.get("tags")));
        assertEquals("qwen2", info.get("config").get("model_type").asText());

        JsonNode atTag = json(http.get(hub.baseUrl() + "/api/models/acme/tiny/revision/v1"));
        assertEquals(v1, atTag.get("sha").asText());
        assertEquals("Qwen2ForCausalLM", atTag.get("config").get("architectures").get(0).asText());
        JsonNode atSha = json(http.get(hub.baseUrl() + "/api/models/acme/tiny/revision/" + v1));
        assertEquals(v1, atSha.get("sha").asText());
        JsonNode noRevision = json(http.get(hub.baseUrl() + "/api/models/acme/tiny"));
        assertEquals(v2, noRevision.get("sha").asText());
    }

    @Test
    void revisionInfoWithBlobsGivesSizesAndLfsDigests() {
        JsonNode info = json(http.get(hub.baseUrl() + "/api/models/acme/tiny/revision/main?blobs=true"));
        JsonNode weights = sibling(info, "model.safetensors");
        assertEquals(WEIGHTS.length, weights.get("size").asLong());
        assertEquals(Http.sha256(WEIGHTS), weights.get("lfs").get("sha256").asText());
        assertEquals(WEIGHTS.length, weights.get("lfs").get("size").asLong());
        String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:"
                + Http.sha256(WEIGHTS) + "\nsize " + WEIGHTS.length + "\n";
        assertEquals(pointer.length(), weights.get("lfs").get("pointerSize").asInt());
        assertEquals(Http.gitBlobId(utf8(pointer)), weights.get("blobId").asText());
        JsonNode config = sibling(info, "config.json");
        assertEquals(Http.gitBlobId(CONFIG_V2), config.get("blobId").asText());
        assertEquals(CONFIG_V2.length, config.get("size").asLong());
        assertFalse(config.has("lfs"));
    }

    @Test
    void expandKeepsOnlyTheNamedProperties() {
        JsonNode info = json(http.get(hub.baseUrl()
                + "/api/models/acme/tiny/revision/main?expand=sha&expand=siblings"));
        assertEquals(Set.of("_id", "id", "sha", "siblings"), fieldNames(info));
        HttpResponse<byte[]> bad = http.get(hub.baseUrl() + "/api/models/acme/tiny?expand=nonsense");
        assertEquals(400, bad.statusCode());
        assertTrue(json(bad).get("error").asText().contains("not nonsense"), json(bad).toString());
    }

    @Test
    void recursiveTreeIsPaginatedWithLinkHeader() {
        List<JsonNode> entries = new ArrayList<>();
        String url = hub.baseUrl() + "/api/models/acme/tiny/tree/main?recursive=true&expand=false";
        int pages = 0;
        while (url != null) {
            HttpResponse<byte[]> page = http.get(url);
            assertEquals(200, page.statusCode(), url);
            JsonNode array = json(page);
            assertTrue(array.size() <= 3, "page size 3, got " + array.size());
            array.forEach(entries::add);
            pages++;
            url = nextLink(header(page, "Link"));
            if (url != null) {
                assertTrue(url.startsWith(hub.baseUrl() + "/api/models/acme/tiny/tree/main?"), url);
                assertTrue(url.contains("recursive=true"), "the next link keeps the query: " + url);
            }
        }
        assertEquals(3, pages);
        List<String> paths = entries.stream().map(e -> e.get("path").asText()).toList();
        assertEquals(List.of(".gitattributes", "README.md", "config.json", "model.safetensors",
                "tokenizer", "tokenizer/merges", "tokenizer/merges/m.txt", "tokenizer/vocab.txt"),
                paths);
        JsonNode weights = entries.get(3);
        assertEquals("file", weights.get("type").asText());
        assertEquals(WEIGHTS.length, weights.get("size").asLong());
        assertEquals(Http.sha256(WEIGHTS), weights.get("lfs").get("oid").asText());
        assertTrue(weights.get("lfs").get("pointerSize").asInt() > 100);
        JsonNode folder = entries.get(4);
        assertEquals("directory", folder.get("type").asText());
        assertTrue(folder.get("oid").asText().matches("[0-9a-f]{40}"));
        JsonNode config = entries.get(2);
        assertEquals(Http.gitBlobId(CONFIG_V2), config.get("oid").asText());
        assertFalse(config.has("lfs"));
    }

    @Test
    void treeListsOneFolderAndOnlyItsChildrenWithoutRecursive() {
        JsonNode top = json(http.get(hub.baseUrl() + "/api/models/acme/tiny/tree/v1?recursive=false"));
        assertEquals(3, top.size(), "first page");
        JsonNode folder = json(http.get(hub.baseUrl() + "/api/models/acme/tiny/tree/main/tokenizer"));
        assertEquals(List.of("tokenizer/merges", "tokenizer/vocab.txt"), paths(folder));
        JsonNode encoded = json(http.get(hub.baseUrl()
                + "/api/models/acme/tiny/tree/main/tokenizer%2Fmerges?recursive=true"));
        assertEquals(List.of("tokenizer/merges/m.txt"), paths(encoded));
        HttpResponse<byte[]> missing = http.get(hub.baseUrl() + "/api/models/acme/tiny/tree/main/nope");
        assertEquals(404, missing.statusCode());
        assertEquals("EntryNotFound", header(missing, "X-Error-Code"));
    }

    @Test
    void pathsInfoAnswersJsonAndFormRequests() throws Exception {
        String url = hub.baseUrl() + "/api/models/acme/tiny/paths-info/v1";
        HttpResponse<byte[]> json = http.post(url, "application/json",
                "{\"paths\": [\"config.json\", \"tokenizer\", \"nope.txt\"], \"expand\": true}");
        assertEquals(200, json.statusCode());
        JsonNode entries = json(json);
        assertEquals(List.of("config.json", "tokenizer"), paths(entries));
        assertEquals(Http.gitBlobId(CONFIG_V1), entries.get(0).get("oid").asText());
        assertEquals(v1, entries.get(0).get("lastCommit").get("id").asText());
        assertEquals("Upload 5 files", entries.get(0).get("lastCommit").get("title").asText());
        assertEquals("directory", entries.get(1).get("type").asText());

        // huggingface_hub's get_paths_info posts form fields.
        HttpResponse<byte[]> form = http.post(hub.baseUrl() + "/api/models/acme/tiny/paths-info/main",
                "application/x-www-form-urlencoded", "paths=config.json&paths=model.safetensors&expand=False");
        JsonNode formEntries = json(form);
        assertEquals(List.of("config.json", "model.safetensors"), paths(formEntries));
        assertEquals(Http.sha256(WEIGHTS), formEntries.get(1).get("lfs").get("oid").asText());
        assertFalse(formEntries.get(0).has("lastCommit"));
    }

    @Test
    void expandedTreeNamesTheLastCommitThatChangedEachEntry() {
        JsonNode tree = json(http.get(hub.baseUrl() + "/api/models/acme/tiny/tree/main?expand=true"));
        assertEquals(List.of(".gitattributes", "README.md", "config.json"), paths(tree));
        assertEquals(v1, tree.get(1).get("lastCommit").get("id").asText(), "README.md changed in v1");
        assertEquals(v2, tree.get(2).get("lastCommit").get("id").asText(), "config.json changed in v2");
        assertEquals("initial commit", tree.get(0).get("lastCommit").get("title").asText());
        assertEquals("2024-01-01T00:00:00.000Z", tree.get(0).get("lastCommit").get("date").asText());
    }

    @Test
    void headRevisionIsTheDefaultBranch() {
        assertEquals(v2, json(http.get(hub.baseUrl() + "/api/models/acme/tiny/revision/HEAD")).get("sha").asText());
        assertEquals(v2, header(http.head(hub.baseUrl() + "/acme/tiny/resolve/HEAD/config.json"),
                "X-Repo-Commit"));
    }

    @Test
    void regularFileAnswersWithGitBlobEtagAndCommit() {
        String url = hub.baseUrl() + "/acme/tiny/resolve/main/config.json";
        HttpResponse<byte[]> head = http.head(url);
        assertEquals(200, head.statusCode());
        assertEquals("\"" + Http.gitBlobId(CONFIG_V2) + "\"", header(head, "ETag"));
        assertEquals(v2, header(head, "X-Repo-Commit"));
        assertEquals(Long.toString(CONFIG_V2.length), header(head, "Content-Length"));
        assertNull(header(head, "X-Linked-Etag"));
        assertEquals(0, head.body().length);

        HttpResponse<byte[]> get = http.get(url);
        assertEquals(200, get.statusCode());
        assertArrayEquals(CONFIG_V2, get.body());
        assertEquals("inline; filename*=UTF-8''config.json; filename=\"config.json\";",
                header(get, "Content-Disposition"));

        HttpResponse<byte[]> notModified = http.get(url, "If-None-Match", header(head, "ETag"));
        assertEquals(304, notModified.statusCode());
    }

    @Test
    void fileChangesBetweenRevisions() {
        HttpResponse<byte[]> old = http.get(hub.baseUrl() + "/acme/tiny/resolve/v1/config.json");
        assertArrayEquals(CONFIG_V1, old.body());
        assertEquals(v1, header(old, "X-Repo-Commit"));
        HttpResponse<byte[]> bySha = http.get(hub.baseUrl() + "/acme/tiny/resolve/" + v1 + "/config.json");
        assertArrayEquals(CONFIG_V1, bySha.body());
        HttpResponse<byte[]> now = http.get(hub.baseUrl() + "/acme/tiny/resolve/main/config.json");
        assertArrayEquals(CONFIG_V2, now.body());
        assertNotEquals(header(old, "ETag"), header(now, "ETag"));
        assertEquals(v1, hub.resolve("acme/tiny", "v1"));
        assertEquals(v2, hub.resolve("acme/tiny", "refs/heads/main"));
    }

    @Test
    void lfsFileRedirectsToTheCdnHostWithLinkedHeaders() {
        HttpResponse<byte[]> head = http.head(hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors");
        assertEquals(302, head.statusCode());
        assertEquals("\"" + Http.sha256(WEIGHTS) + "\"", header(head, "X-Linked-Etag"));
        assertEquals(Integer.toString(WEIGHTS.length), header(head, "X-Linked-Size"));
        assertEquals(v2, header(head, "X-Repo-Commit"));
        assertTrue(header(head, "ETag").startsWith("W/\""), "the redirect's own ETag: "
                + header(head, "ETag"));
        String location = header(head, "Location");
        URI cdn = URI.create(location);
        assertEquals(URI.create(hub.cdnUrl()).getPort(), cdn.getPort());
        assertNotEquals(URI.create(hub.baseUrl()).getPort(), cdn.getPort());
        assertNotEquals(Integer.toString(WEIGHTS.length), header(head, "Content-Length"),
                "Content-Length of a redirect is its body's, not the file's");

        HttpResponse<byte[]> get = http.get(location);
        assertEquals(200, get.statusCode());
        assertArrayEquals(WEIGHTS, get.body());
        assertEquals("application/octet-stream", header(get, "Content-Type"));
        assertNotEquals("\"" + Http.sha256(WEIGHTS) + "\"", header(get, "ETag"),
                "the CDN's ETag is not the file's SHA-256");
        assertTrue(header(get, "Content-Disposition").contains("filename=\"model.safetensors\";"));
        assertFalse(hub.cdnSawAuthorization());
    }

    @Test
    void cdnRefusesAuthorizationAndTamperedSignatures() {
        hub.registerToken("hf_user");
        String location = header(http.head(hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors",
                "Authorization", "Bearer hf_user"), "Location");
        HttpResponse<byte[]> withAuth = http.get(location, "Authorization", "Bearer hf_user");
        assertEquals(400, withAuth.statusCode());
        assertTrue(new String(withAuth.body()).contains("Only one auth mechanism allowed"));
        assertTrue(hub.cdnSawAuthorization());

        HttpResponse<byte[]> tampered = http.get(location.replace("x-path=model.safetensors",
                "x-path=config.json"));
        assertEquals(403, tampered.statusCode());
        assertTrue(new String(tampered.body()).contains("SignatureDoesNotMatch"));
    }

    @Test
    void rangeRequestsAnswerPartialContentOnBothHosts() {
        String git = hub.baseUrl() + "/acme/tiny/resolve/main/config.json";
        HttpResponse<byte[]> tail = http.get(git, "Range", "bytes=10-");
        assertEquals(206, tail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(CONFIG_V2, 10, CONFIG_V2.length), tail.body());
        assertEquals("bytes 10-" + (CONFIG_V2.length - 1) + "/" + CONFIG_V2.length,
                header(tail, "Content-Range"));

        String location = header(http.head(hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors"),
                "Location");
        HttpResponse<byte[]> middle = http.get(location, "Range", "bytes=1000-1999");
        assertEquals(206, middle.statusCode());
        assertArrayEquals(Arrays.copyOfRange(WEIGHTS, 1000, 2000), middle.body());
        assertEquals("bytes 1000-1999/" + WEIGHTS.length, header(middle, "Content-Range"));
        HttpResponse<byte[]> resumed = http.get(location, "Range", "bytes=150000-");
        assertArrayEquals(Arrays.copyOfRange(WEIGHTS, 150_000, WEIGHTS.length), resumed.body());

        HttpResponse<byte[]> beyond = http.get(location, "Range", "bytes=" + WEIGHTS.length + "-");
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */" + WEIGHTS.length, header(beyond, "Content-Range"));
    }

    @Test
    void refsListBranchesAndTags() {
        hub.createBranch("acme/tiny", "refs/pr/1", "v1");
        JsonNode refs = json(http.get(hub.baseUrl() + "/api/models/acme/tiny/refs"));
        assertEquals(List.of("main", "refs/pr/1"), texts(refs.get("branches").findValues("name")));
        assertEquals(v1, refs.get("tags").get(0).get("targetCommit").asText());
        assertEquals("refs/tags/v1", refs.get("tags").get(0).get("ref").asText());
        // A revision with a slash travels percent-encoded, as huggingface_hub sends it.
        HttpResponse<byte[]> pr = http.get(hub.baseUrl() + "/acme/tiny/resolve/refs%2Fpr%2F1/config.json");
        assertArrayEquals(CONFIG_V1, pr.body());
        JsonNode info = json(http.get(hub.baseUrl() + "/api/models/acme/tiny/revision/refs%2Fpr%2F1"));
        assertEquals(v1, info.get("sha").asText());
    }

    @Test
    void deletedFileIsGoneFromTheNewRevisionOnly() {
        String v3 = hub.deleteFiles("acme/tiny", "main", List.of("tokenizer/vocab.txt"));
        HttpResponse<byte[]> gone = http.get(hub.baseUrl() + "/acme/tiny/resolve/main/tokenizer/vocab.txt");
        assertEquals(404, gone.statusCode());
        assertEquals("EntryNotFound", header(gone, "X-Error-Code"));
        assertEquals(v3, header(gone, "X-Repo-Commit"));
        assertEquals(200, http.get(hub.baseUrl() + "/acme/tiny/resolve/v1/tokenizer/vocab.txt").statusCode());
    }

    @Test
    void renamedRepositoryRedirectsRelativelyAndKeepsTheRest() {
        hub.renameRepo("acme/tiny", "acme/small");
        HttpResponse<byte[]> moved = http.head(hub.baseUrl() + "/acme/tiny/resolve/v1/config.json");
        assertEquals(307, moved.statusCode());
        assertEquals("/acme/small/resolve/v1/config.json", header(moved, "Location"));
        HttpResponse<byte[]> api = http.get(hub.baseUrl() + "/api/models/acme/tiny/tree/main?recursive=1");
        assertEquals(307, api.statusCode());
        assertEquals("/api/models/acme/small/tree/main?recursive=1", header(api, "Location"));
        assertArrayEquals(CONFIG_V1,
                http.get(hub.baseUrl() + header(moved, "Location")).body());
    }

    @Test
    void resolveCacheModeRedirectsGitFilesOnTheSameHost() {
        try (LocalHub cached = LocalHub.builder().resolveCache(true).start()) {
            cached.createRepo("acme/c");
            String sha = cached.commit("acme/c", "main", Map.of("config.json", CONFIG_V1));
            HttpResponse<byte[]> head = http.head(cached.baseUrl() + "/acme/c/resolve/main/config.json");
            assertEquals(307, head.statusCode());
            String location = header(head, "Location");
            assertTrue(location.startsWith("/api/resolve-cache/models/acme/c/" + sha + "/config.json?"),
                    location);
            HttpResponse<byte[]> followed = http.get(cached.baseUrl() + location);
            assertEquals(200, followed.statusCode());
            assertArrayEquals(CONFIG_V1, followed.body());
            assertEquals(sha, header(followed, "X-Repo-Commit"));
            assertEquals("\"" + Http.gitBlobId(CONFIG_V1) + "\"", header(followed, "ETag"));
        }
    }

    @Test
    void singleNameRepositoriesWork() {
        hub.createRepo("gpt2");
        String sha = hub.commit("gpt2", "main", Map.of("config.json", CONFIG_V1));
        assertEquals(sha, json(http.get(hub.baseUrl() + "/api/models/gpt2/revision/main")).get("sha").asText());
        assertArrayEquals(CONFIG_V1, http.get(hub.baseUrl() + "/gpt2/resolve/main/config.json").body());
        assertEquals(List.of(".gitattributes", "config.json"),
                paths(json(http.get(hub.baseUrl() + "/api/models/gpt2/tree/main"))));
    }

    static List<String> rfilenames(JsonNode info) {
        List<String> names = new ArrayList<>();
        info.get("siblings").forEach(s -> names.add(s.get("rfilename").asText()));
        return names;
    }

    static JsonNode sibling(JsonNode info, String name) {
        for (JsonNode s : info.get("siblings")) {
            if (s.get("rfilename").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError(name + " not in " + info);
    }

    static List<String> paths(JsonNode array) {
        List<String> paths = new ArrayList<>();
        array.forEach(e -> paths.add(e.get("path").asText()));
        return paths;
    }

    static List<String> texts(Iterable<JsonNode> nodes) {
        List<String> texts = new ArrayList<>();
        nodes.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The URL of a {@code Link: <url>; rel="next"} header, as requests' links parse it. */
    static String nextLink(String link) {
        if (link == null) {
            return null;
        }
        Matcher m = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"").matcher(link);
        return m.find() ? m.group(1) : null;
    }
}
