package org.den4j.hub.testhub;

import static org.den4j.hub.testhub.Http.bytes;
import static org.den4j.hub.testhub.Http.header;
import static org.den4j.hub.testhub.Http.json;
import static org.den4j.hub.testhub.Http.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalHubDirectoryTest {

    private final Http http = new Http();

    @Test
    void serveDirectoryMakesEachOrgNameFolderARepository(@TempDir Path root) throws Exception {
        byte[] weights = bytes(300_000, 5);
        Files.createDirectories(root.resolve("acme/tiny/tokenizer"));
        Files.write(root.resolve("acme/tiny/config.json"), utf8("{}"));
        Files.write(root.resolve("acme/tiny/model.safetensors"), weights);
        Files.write(root.resolve("acme/tiny/tokenizer/tokenizer.json"), utf8("{\"v\":1}"));
        Files.createDirectories(root.resolve("other/base"));
        Files.write(root.resolve("other/base/README.md"), utf8("# base\n"));
        Files.write(root.resolve("stray-file.txt"), utf8("not a repository"));

        try (LocalHub hub = LocalHub.serveDirectory(root)) {
            JsonNode info = json(http.get(hub.baseUrl() + "/api/models/acme/tiny/revision/main"));
            assertEquals(List.of(".gitattributes", "config.json", "model.safetensors",
                    "tokenizer/tokenizer.json"), LocalHubProtocolTest.rfilenames(info));
            assertEquals(200, http.get(hub.baseUrl() + "/api/models/other/base").statusCode());
            HttpResponse<byte[]> head = http.head(hub.baseUrl() + "/acme/tiny/resolve/main/model.safetensors");
            assertEquals("\"" + Http.sha256(weights) + "\"", header(head, "X-Linked-Etag"));
            assertArrayEquals(weights, http.get(header(head, "Location")).body());
        }
    }

    @Test
    void commitFilesServesFromDiskInsteadOfMemory(@TempDir Path root) throws Exception {
        Path big = root.resolve("big.bin");
        byte[] content = bytes(4_000_000, 9);
        Files.write(big, content);
        try (LocalHub hub = LocalHub.start()) {
            hub.createRepo("acme/big");
            hub.commitFiles("acme/big", "main", Map.of("weights/big.bin", big, "small.txt", big),
                    LfsRule.patterns("*.bin"));
            JsonNode tree = json(http.get(hub.baseUrl() + "/api/models/acme/big/tree/main?recursive=true"));
            assertTrue(tree.get(3).has("lfs"), tree.toString());
            assertFalse(tree.get(1).has("lfs"), tree.toString());
            String location = header(http.head(hub.baseUrl() + "/acme/big/resolve/main/weights/big.bin"),
                    "Location");
            assertArrayEquals(content, http.get(location).body());
            assertArrayEquals(content, http.get(hub.baseUrl() + "/acme/big/resolve/main/small.txt").body());
        }
    }

    @Test
    void lfsRulesMatchLikeGitattributes() {
        assertTrue(LfsRule.DEFAULT.isLfs("model.safetensors", 10));
        assertTrue(LfsRule.DEFAULT.isLfs("sub/dir/pytorch_model.bin", 10));
        assertTrue(LfsRule.DEFAULT.isLfs("events.out.tfevents.123", 10));
        assertTrue(LfsRule.DEFAULT.isLfs("saved_model/variables/x.data", 10));
        assertTrue(LfsRule.DEFAULT.isLfs("big.json", 10L * 1024 * 1024 + 1));
        assertFalse(LfsRule.DEFAULT.isLfs("config.json", 1000));
        assertFalse(LfsRule.DEFAULT.isLfs("other/saved_model/x", 10));
        assertTrue(LfsRule.paths(List.of("a.json")).isLfs("a.json", 1));
        assertFalse(LfsRule.NONE.or(LfsRule.sizeAbove(5)).isLfs("a", 5));
    }
}
