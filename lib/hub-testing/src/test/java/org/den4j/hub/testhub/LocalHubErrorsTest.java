package org.den4j.hub.testhub;

import static org.den4j.hub.testhub.Http.header;
import static org.den4j.hub.testhub.Http.json;
import static org.den4j.hub.testhub.Http.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalHubErrorsTest {

    private static final byte[] CONFIG = utf8("{\"model_type\":\"qwen2\"}");

    private final Http http = new Http();
    private LocalHub hub;

    @BeforeEach
    void startHub() {
        hub = LocalHub.start();
        for (String id : List.of("acme/open", "acme/gated", "acme/secret")) {
            hub.createRepo(id);
            hub.commit(id, "main", Map.of("config.json", CONFIG, "model.safetensors", new byte[64]));
        }
        hub.gate("acme/gated", "hf_granted");
        hub.makePrivate("acme/secret", "hf_reader");
        hub.registerToken("hf_stranger");
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void unknownRepositoryIs401WithoutTokenAnd404WithOne() {
        for (String path : List.of("/api/models/acme/nope/revision/main", "/acme/nope/resolve/main/config.json",
                "/api/models/acme/nope/tree/main")) {
            HttpResponse<byte[]> anonymous = http.get(hub.baseUrl() + path);
            assertEquals(401, anonymous.statusCode(), path);
            assertEquals("RepoNotFound", header(anonymous, "X-Error-Code"), path);
            assertEquals("Invalid username or password.", json(anonymous).get("error").asText());
            HttpResponse<byte[]> user = http.get(hub.baseUrl() + path, "Authorization", "Bearer hf_stranger");
            assertEquals(404, user.statusCode(), path);
            assertEquals("RepoNotFound", header(user, "X-Error-Code"), path);
            assertEquals("Repository not found", header(user, "X-Error-Message"));
            assertEquals("Repository not found", json(user).get("error").asText());
        }
    }

    @Test
    void unknownRevisionIsRevisionNotFound() {
        for (String path : List.of("/api/models/acme/open/revision/v9", "/acme/open/resolve/v9/config.json",
                "/api/models/acme/open/tree/v9?recursive=true")) {
            HttpResponse<byte[]> response = http.get(hub.baseUrl() + path);
            assertEquals(404, response.statusCode(), path);
            assertEquals("RevisionNotFound", header(response, "X-Error-Code"), path);
            assertEquals("Invalid rev id: v9", json(response).get("error").asText());
        }
    }

    @Test
    void missingFileIsEntryNotFoundWithTheCommit() {
        HttpResponse<byte[]> head = http.head(hub.baseUrl() + "/acme/open/resolve/main/nope.bin");
        assertEquals(404, head.statusCode());
        assertEquals("EntryNotFound", header(head, "X-Error-Code"));
        assertEquals(hub.resolve("acme/open", "main"), header(head, "X-Repo-Commit"),
                "huggingface_hub writes .no_exist/<commit>/<file> from this header");
        HttpResponse<byte[]> get = http.get(hub.baseUrl() + "/acme/open/resolve/main/nope.bin");
        assertEquals("Entry not found", json(get).get("error").asText());
    }

    @Test
    void unknownTokenIsRefusedEvenForPublicRepositories() {
        HttpResponse<byte[]> response = http.get(hub.baseUrl() + "/acme/open/resolve/main/config.json",
                "Authorization", "Bearer hf_wrong");
        assertEquals(401, response.statusCode());
        assertNull(header(response, "X-Error-Code"));
        assertEquals("Invalid credentials in Authorization header", header(response, "X-Error-Message"));
        assertEquals("Invalid credentials in Authorization header", json(response).get("error").asText());
    }

    @Test
    void gatedRepositoryListsOpenlyButDownloadsNeedAGrantedToken() {
        assertEquals(200, http.get(hub.baseUrl() + "/api/models/acme/gated/revision/main").statusCode());
        assertEquals("manual", json(http.get(hub.baseUrl() + "/api/models/acme/gated")).get("gated").asText());
        assertEquals(200, http.get(hub.baseUrl() + "/api/models/acme/gated/tree/main").statusCode());

        String url = hub.baseUrl() + "/acme/gated/resolve/main/config.json";
        HttpResponse<byte[]> anonymous = http.head(url);
        assertEquals(401, anonymous.statusCode());
        assertEquals("GatedRepo", header(anonymous, "X-Error-Code"));
        HttpResponse<byte[]> stranger = http.get(url, "Authorization", "Bearer hf_stranger");
        assertEquals(403, stranger.statusCode());
        assertEquals("GatedRepo", header(stranger, "X-Error-Code"));
        assertTrue(json(stranger).get("error").asText().contains("not in the authorized list"));
        HttpResponse<byte[]> granted = http.get(url, "Authorization", "Bearer hf_granted");
        assertEquals(200, granted.statusCode());
        assertArrayEquals(CONFIG, granted.body());
        HttpResponse<byte[]> lfs = http.head(hub.baseUrl() + "/acme/gated/resolve/main/model.safetensors",
                "Authorization", "Bearer hf_granted");
        assertEquals(302, lfs.statusCode());
    }

    @Test
    void privateRepositoryIsNotFoundWithoutItsToken() {
        String url = hub.baseUrl() + "/api/models/acme/secret/revision/main";
        assertEquals(401, http.get(url).statusCode());
        HttpResponse<byte[]> stranger = http.get(url, "Authorization", "Bearer hf_stranger");
        assertEquals(404, stranger.statusCode());
        assertEquals("RepoNotFound", header(stranger, "X-Error-Code"));
        HttpResponse<byte[]> reader = http.get(url, "Authorization", "Bearer hf_reader");
        assertEquals(200, reader.statusCode());
        assertTrue(json(reader).get("private").asBoolean());
        assertEquals(200, http.get(hub.baseUrl() + "/acme/secret/resolve/main/config.json",
                "Authorization", "Bearer hf_reader").statusCode());
    }

    @Test
    void unknownPagesAndMethodsAreRefused() {
        assertEquals(404, http.get(hub.baseUrl() + "/acme/open/blob/main/config.json").statusCode());
        HttpResponse<byte[]> post = http.send("POST", hub.baseUrl() + "/api/models/acme/open/revision/main");
        assertEquals(405, post.statusCode());
    }

    @Test
    void misuseOfTheJavaApiNamesTheFix() {
        IllegalArgumentException noRepo = assertThrows(IllegalArgumentException.class,
                () -> hub.commit("acme/none", "main", Map.of("a", CONFIG)));
        assertEquals("no repository acme/none on this LocalHub; create it with createRepo(\"acme/none\")",
                noRepo.getMessage());
        IllegalArgumentException noBranch = assertThrows(IllegalArgumentException.class,
                () -> hub.commit("acme/open", "dev", Map.of("a", CONFIG)));
        assertEquals("no branch dev in acme/open; create it with createBranch, branches are [main]",
                noBranch.getMessage());
        IllegalArgumentException badId = assertThrows(IllegalArgumentException.class,
                () -> hub.createRepo("acme/no--dashes"));
        assertTrue(badId.getMessage().startsWith("'acme/no--dashes' is not a Hub repository id"));
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
                () -> hub.commit("acme/open", "main", Map.of("config.json/x", CONFIG)));
        assertEquals("'config.json' is a file and a folder (of 'config.json/x'); a repository path"
                + " cannot be both", clash.getMessage());
        IllegalArgumentException dots = assertThrows(IllegalArgumentException.class,
                () -> hub.commit("acme/open", "main", Map.of("../x", CONFIG)));
        assertTrue(dots.getMessage().startsWith("'../x' is not a repository file path"));
        assertThrows(IllegalStateException.class, () -> hub.createRepo("acme/open"));
        IllegalArgumentException noRevision = assertThrows(IllegalArgumentException.class,
                () -> hub.createTag("acme/open", "v1", "nope"));
        assertEquals("no revision nope in acme/open; branches are [main], tags []", noRevision.getMessage());
    }
}
