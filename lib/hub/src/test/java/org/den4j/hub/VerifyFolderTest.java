package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.downloads;
import static org.den4j.hub.Fixtures.sha256;
import static org.den4j.hub.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.den4j.hub.testhub.LocalHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelManager#verify(String, Path, Verification)}: any folder against its repository's files, by path. */
class VerifyFolderTest {
    private static final byte[] WEIGHTS = bytes(300_000, 7);
    private static final String TINY = "verify: sha256\nmodels:\n  - id: tiny\n    repo_id: acme/tiny\n"
            + "    files: [config.json, \"tokenizer*.json\", \"*.safetensors\"]\n";

    @TempDir
    Path tmp;
    LocalHub hub;
    Path cache;
    String commit;

    @BeforeEach
    void startHub() {
        hub = LocalHub.start();
        hub.createRepo("acme/tiny");
        commit = hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{\"model_type\":\"qwen2\"}"),
                "tokenizer.json", utf8("{\"version\":\"1.0\"}"), "model.safetensors", WEIGHTS,
                "README.md", utf8("# tiny\n")));
        cache = tmp.resolve("hub");
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private ModelManager manager(String yaml) throws IOException {
        Path file = tmp.resolve("models.yaml");
        Files.writeString(file, yaml);
        return new ModelManager(ModelsConfig.read(file), HubSettings.builder(cache).endpoint(hub.baseUrl()).build());
    }

    /** A plain copy of a folder, following the snapshot's links: what a user copies elsewhere. */
    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted().toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
        return to;
    }

    @Test
    void aDamagedCopyReportsTheChangedByteTheMissingFileAndTheExtraFile() throws IOException {
        try (ModelManager models = manager(TINY)) {
            Path copy = copy(models.ensure("tiny"), tmp.resolve("elsewhere/tiny"));
            FolderCheck clean = models.verify("tiny", copy, Verification.SHA256);
            assertTrue(clean.isExact(), clean.toString());
            assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json"), clean.verified().stream()
                    .sorted().toList());

            byte[] damaged = WEIGHTS.clone();
            damaged[123_456] ^= 1;
            Files.write(copy.resolve("model.safetensors"), damaged);
            Files.delete(copy.resolve("tokenizer.json"));
            Files.writeString(copy.resolve("notes.txt"), "mine");
            hub.clearRequests();

            FolderCheck check = models.verify("tiny", copy, Verification.SHA256);
            assertEquals(copy, check.folder());
            assertEquals("acme/tiny", check.repoId());
            assertEquals(commit, check.commit());
            assertEquals(List.of("config.json"), check.verified());
            assertEquals(List.of("tokenizer.json"), check.missing());
            assertEquals(List.of("notes.txt"), check.extra());
            assertEquals(1, check.damaged().size());
            BadChecksumException bad = check.damaged().get(0);
            assertEquals("model.safetensors", bad.path());
            assertEquals("sha256", bad.algorithm());
            assertEquals(sha256(WEIGHTS), bad.expected());
            assertEquals(sha256(damaged), bad.actual());
            assertEquals("'model.safetensors' in " + copy + " has sha256 " + sha256(damaged) + ", but acme/tiny at "
                    + "commit " + commit + " lists " + sha256(WEIGHTS) + ": the copy is damaged. Copy it again from "
                    + "the Hub cache, or download it again.", bad.getMessage());
            assertFalse(check.isComplete());
            assertEquals(List.of(), downloads(hub), "verifying downloads nothing");

            // A one-byte change keeps the size: the size level cannot see it, the missing file it does.
            FolderCheck bySize = models.verify("tiny", copy, Verification.SIZE);
            assertEquals(List.of("config.json", "model.safetensors"), bySize.verified());
            assertEquals(List.of("tokenizer.json"), bySize.missing());
        }
    }

    @Test
    void aFolderIsComparedWithTheCommitItHoldsNotTheBranchHead() throws IOException {
        try (ModelManager models = manager(TINY)) {
            Path snapshot = models.ensure("tiny");
            hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{\"model_type\":\"qwen3\"}")));
            // The cache's snapshot folder is named by its commit: still exact, though main moved on.
            FolderCheck check = models.verify(snapshot, Verification.SHA256);
            assertTrue(check.isExact(), check.toString());
            assertEquals(commit, check.commit());
            // A copy that records nothing is compared with main now: its config.json is out of date.
            Path copy = copy(snapshot, tmp.resolve("copy"));
            FolderCheck now = models.verify(copy, Verification.SHA256);
            assertEquals(hub.resolve("acme/tiny", "main"), now.commit());
            assertEquals(List.of("config.json"), now.damaged().stream().map(BadChecksumException::path).toList());
            assertEquals("git-sha1", now.damaged().get(0).algorithm());
        }
    }

    @Test
    void aLocalDirIsFoundByItsRecordAndItsBookkeepingIsNotExtra() throws IOException {
        Path local = tmp.resolve("models/tiny");
        try (ModelManager models = manager(TINY.replace("    files:", "    local_dir: models/tiny\n    files:")
                + "  - id: other\n    repo_id: acme/other\n")) {
            assertEquals(local, models.ensure("tiny"));
            FolderCheck check = models.verify(local, Verification.SHA256);
            assertTrue(check.isExact(), check.toString());
            assertTrue(Files.exists(local.resolve(ModelManager.LOCAL_DIR_MARKER)));

            Path unknown = Files.createDirectories(tmp.resolve("unknown"));
            HubConfigException e = assertThrows(HubConfigException.class,
                    () -> models.verify(unknown, Verification.SHA256));
            assertEquals("Cannot tell which model " + unknown + " holds: it has no .cache/den4j/snapshot.txt and is "
                    + "not a snapshot folder of a Hub cache, and the configuration has 2 models (tiny, other). Name "
                    + "the model: hub --verify-folder " + unknown + " --model ID", e.getMessage());
            HubException notAFolder = assertThrows(HubException.class,
                    () -> models.verify("tiny", tmp.resolve("nothing"), Verification.SHA256));
            assertTrue(notAFolder.getMessage().startsWith("Cannot verify " + tmp.resolve("nothing")
                    + " against acme/tiny: it is not a folder."), notAFolder.getMessage());
        }
    }
}
