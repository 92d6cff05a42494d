package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.downloads;
import static org.den4j.hub.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.den4j.hub.testhub.LocalHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelManagerTest {
    private static final byte[] WEIGHTS = bytes(300_000, 7);

    @TempDir
    Path tmp;
    LocalHub hub;
    Path cache;

    @BeforeEach
    void startHub() {
        hub = LocalHub.start();
        hub.createRepo("acme/tiny");
        hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{\"model_type\":\"qwen2\"}"),
                "tokenizer.json", utf8("{\"version\":\"1.0\"}"), "model.safetensors", WEIGHTS,
                "README.md", utf8("# tiny\n")));
        cache = tmp.resolve("hub");
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private Path yaml(String text) throws IOException {
        Path file = tmp.resolve("models.yaml");
        Files.writeString(file, text);
        return file;
    }

    private ModelManager manager(String yaml) throws IOException {
        return new ModelManager(ModelsConfig.read(yaml(yaml)), HubSettings.builder(cache).endpoint(hub.baseUrl())
                .build());
    }

    private static final String TINY = "verify: sha256\nmodels:\n  - id: tiny\n    repo_id: acme/tiny\n"
            + "    files: [config.json, \"tokenizer*.json\", \"*.safetensors\"]\n";

    @Test
    void ensureDownloadsOnlyTheSelectedFilesIntoTheHubCache() throws IOException {
        try (ModelManager models = manager(TINY)) {
            assertFalse(models.isCached("tiny"));
            assertEquals(Optional.empty(), models.pathOf("tiny"));
            Path dir = models.ensure("tiny");
            assertEquals(cache.resolve("models--acme--tiny").resolve("snapshots").resolve(hub.resolve("acme/tiny",
                    "main")), dir);
            assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json"), Fixtures.names(dir));
            assertArrayEquals(WEIGHTS, Files.readAllBytes(dir.resolve("model.safetensors")));
            assertTrue(models.isCached("tiny"));
            assertEquals(Optional.of(dir), models.pathOf("tiny"));
        }
    }

    @Test
    void ensureSkipsFilesAlreadyCached() throws IOException {
        try (ModelManager models = manager(TINY)) {
            models.ensure("tiny");
            assertEquals(3, downloads(hub).size());
            hub.clearRequests();
            Path again = models.ensureAll().get("tiny");
            assertEquals(List.of(), downloads(hub), "no file is downloaded a second time");
            assertTrue(Files.isRegularFile(again.resolve("config.json")));
        }
    }

    @Test
    void statusReportsMissingCachedAndStaleAfterANewCommit() throws IOException {
        try (ModelManager models = manager(TINY)) {
            ModelStatus missing = models.status().get(0);
            assertEquals(ModelStatus.State.MISSING, missing.state());
            assertEquals("missing", missing.describe());

            String first = hub.resolve("acme/tiny", "main");
            models.ensure("tiny");
            ModelStatus cached = models.status().get(0);
            assertEquals(ModelStatus.State.CACHED, cached.state());
            assertEquals(first, cached.cachedCommit());
            assertEquals(first, cached.hubCommit());

            String second = hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{\"model_type\":\"qwen3\"}")));
            ModelStatus stale = models.status().get(0);
            assertEquals(ModelStatus.State.STALE, stale.state());
            assertEquals(first, stale.cachedCommit());
            assertEquals(second, stale.hubCommit());

            Path updated = models.ensure("tiny");
            assertEquals(second, updated.getFileName().toString());
            assertEquals("{\"model_type\":\"qwen3\"}", Files.readString(updated.resolve("config.json")));
            assertEquals(ModelStatus.State.CACHED, models.status().get(0).state());
        }
    }

    @Test
    void statusOfflineSaysFreshnessIsUnknown() throws IOException {
        try (ModelManager online = manager(TINY)) {
            online.ensure("tiny");
        }
        hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{}")));
        hub.clearRequests();
        try (ModelManager offline = new ModelManager(ModelsConfig.read(tmp.resolve("models.yaml")),
                HubSettings.builder(cache).endpoint(hub.baseUrl()).offline(true).build())) {
            ModelStatus status = offline.status().get(0);
            assertEquals(ModelStatus.State.CACHED, status.state());
            assertFalse(status.checkedOnline());
            assertNull(status.hubCommit());
            assertEquals("cached (freshness unknown: offline)", status.describe());
        }
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void verifyOnlyFindsADamagedBlobWithoutDownloading() throws IOException {
        try (ModelManager models = manager(TINY)) {
            Path dir = models.ensure("tiny");
            assertTrue(models.verifyOnly().get(0).isComplete());
            Path blob = dir.resolve("model.safetensors").toRealPath();
            blob.toFile().setWritable(true);
            byte[] damaged = WEIGHTS.clone();
            damaged[100] ^= 1;
            Files.write(blob, damaged);
            hub.clearRequests();

            ModelCheck check = models.verifyOnly().get(0);
            assertFalse(check.isComplete());
            assertTrue(check.isDamaged());
            BadChecksumException bad = check.check().damaged().get(0);
            assertEquals("model.safetensors", bad.path());
            assertEquals("sha256", bad.algorithm());
            assertEquals(Fixtures.sha256(WEIGHTS), bad.expected());
            assertEquals(Fixtures.sha256(damaged), bad.actual());
            assertEquals(List.of(), downloads(hub));
        }
    }

    @Test
    void verifyOnlyReportsAModelThatIsNotCached() throws IOException {
        try (ModelManager models = manager(TINY)) {
            ModelCheck check = models.verifyOnly().get(0);
            assertNull(check.check());
            assertFalse(check.isComplete());
            assertFalse(check.isDamaged());
        }
    }

    @Test
    void cleanRemovesTheRepositoryFolderFromTheCache() throws IOException {
        try (ModelManager models = manager(TINY + "  - id: other\n    repo_id: acme/other\n")) {
            hub.createRepo("acme/other");
            hub.commit("acme/other", "main", Map.of("config.json", utf8("{}")));
            models.ensureAll();
            assertEquals(List.of(cache.resolve("models--acme--tiny")), models.clean("tiny"));
            assertFalse(Files.exists(cache.resolve("models--acme--tiny")));
            assertTrue(models.isCached("other"));
            assertFalse(models.isCached("tiny"));
            assertEquals(List.of(), models.clean("tiny"), "nothing left to remove");

            assertEquals(List.of(cache.resolve("models--acme--other")), models.clean());
            assertFalse(models.isCached("other"));
        }
    }

    @Test
    void localDirHoldsPlainCopiesAndIsRefreshedWhenTheCommitChanges() throws IOException {
        Path local = tmp.resolve("models/tiny");
        try (ModelManager models = manager(TINY.replace("    files:", "    local_dir: models/tiny\n    files:"))) {
            assertEquals(local, models.config().model("tiny").localDir());
            Path dir = models.ensure("tiny");
            assertEquals(local, dir);
            assertFalse(Files.isSymbolicLink(dir.resolve("model.safetensors")));
            assertArrayEquals(WEIGHTS, Files.readAllBytes(dir.resolve("model.safetensors")));
            assertEquals(Optional.of(local), models.pathOf("tiny"));

            hub.commit("acme/tiny", "main", Map.of("config.json", utf8("{\"v\":2}")));
            assertEquals(ModelStatus.State.STALE, models.status().get(0).state());
            models.ensure("tiny");
            assertEquals(ModelStatus.State.CACHED, models.status().get(0).state());
            assertEquals("{\"v\":2}", Files.readString(local.resolve("config.json")));
            try (var names = Files.list(tmp.resolve("models"))) {
                assertEquals(List.of("tiny"), names.map(p -> p.getFileName().toString()).toList(),
                        "no temporary or old folder left beside local_dir");
            }
        }
    }

    @Test
    void cacheDirOfTheConfigurationWinsOverTheSettings() throws IOException {
        try (ModelManager models = manager("cache_dir: other-cache\n" + TINY)) {
            assertEquals(tmp.resolve("other-cache"), models.settings().hubCache());
            assertTrue(models.ensure("tiny").startsWith(tmp.resolve("other-cache")));
            assertFalse(Files.exists(cache));
        }
    }

    @Test
    void ciMinimalModelsSelectsTheMinimalConfiguration() {
        assertEquals(Path.of("config/models.yaml"), ModelsConfig.defaultFile(Map.of()));
        for (String yes : List.of("true", "1", "yes", "YES")) {
            assertEquals(Path.of("config/models.minimal.yaml"),
                    ModelsConfig.defaultFile(Map.of("CI_MINIMAL_MODELS", yes)));
        }
        assertEquals(Path.of("config/models.yaml"), ModelsConfig.defaultFile(Map.of("CI_MINIMAL_MODELS", "0")));
        HubConfigException e = assertThrows(HubConfigException.class,
                () -> ModelsConfig.defaultFile(Map.of("CI_MINIMAL_MODELS", "maybe")));
        assertEquals("CI_MINIMAL_MODELS=maybe is not a boolean; use true, 1 or yes for config/models.minimal.yaml, "
                + "or false, 0, no for config/models.yaml", e.getMessage());
    }

    @Test
    void theRepositoryConfigFilesParse() {
        Path root = Path.of("").toAbsolutePath().getParent().getParent();
        ModelsConfig full = ModelsConfig.read(root.resolve("config/models.yaml"));
        ModelsConfig minimal = ModelsConfig.read(root.resolve("config/models.minimal.yaml"));
        assertEquals("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", full.model("base").repoId());
        assertEquals(full.ids(), minimal.ids());
        assertTrue(full.model("base").files().contains("*.safetensors"));
        assertFalse(minimal.model("base").files().contains("*.safetensors"));
        assertEquals(Verification.SHA256, full.verify());
    }

    @Test
    void theLoraModelsListParsesAndEveryEntryIsUsable() {
        Path root = Path.of("").toAbsolutePath().getParent().getParent();
        ModelsConfig lora = ModelsConfig.read(root.resolve("config/models.lora.yaml"));
        ModelsConfig full = ModelsConfig.read(root.resolve("config/models.yaml"));
        assertEquals(Verification.SHA256, lora.verify());
        assertNull(lora.cacheDir(), "the shared Hub cache, as models.yaml");
        assertEquals(full.model("base"), new ModelSpec("base", lora.model("base").repoId(),
                lora.model("base").revision(), null, lora.model("base").files()), "the same base as models.yaml");
        assertTrue(lora.models().size() >= 4, lora.ids().toString());
        for (ModelSpec m : lora.models()) {
            assertFalse(m.files().isEmpty(), m.id() + " selects its files, never a whole repository");
            assertNull(m.localDir(), m.id());
            assertTrue(m.files().contains("config.json") || m.files().contains("adapter_config.json"),
                    m.id() + " brings its configuration: " + m.files());
            boolean adapter = m.files().contains("adapter_config.json");
            assertTrue(adapter ? m.files().contains("adapter_model.safetensors") : m.files().contains("*.safetensors"),
                    m.id() + " brings its weights: " + m.files());
            assertTrue(adapter || m.files().stream().anyMatch(f -> f.startsWith("tokenizer")), m.id());
            if (!adapter) {
                assertTrue(m.repoId().startsWith("Qwen/") || m.repoId().contains("Qwen"), m.id()
                        + ": bases are Qwen2-family, what den4j's LoRA trains: " + m.repoId());
            }
        }
        assertTrue(lora.models().stream().anyMatch(m -> m.files().contains("adapter_config.json")),
                "at least one PEFT adapter");
    }

    @Test
    void badYamlNamesTheFileAndTheLine() throws IOException {
        Path file = yaml("models:\n  - id: tiny\n   repo_id: [unclosed\n");
        HubConfigException e = assertThrows(HubConfigException.class, () -> ModelsConfig.read(file));
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + " is not valid YAML at line "), e.getMessage());
    }

    @Test
    void missingOrUnknownFieldsNameTheFieldAndTheFix() throws IOException {
        Path noRepo = yaml("models:\n  - id: tiny\n");
        HubConfigException e = assertThrows(HubConfigException.class, () -> ModelsConfig.read(noRepo));
        assertEquals("models[0].repo_id", e.variable());
        assertEquals("models[0] in " + noRepo + " has no repo_id; add repo_id: org/name", e.getMessage());

        Path typo = yaml("models:\n  - id: tiny\n    repo_id: acme/tiny\n    file: [config.json]\n");
        e = assertThrows(HubConfigException.class, () -> ModelsConfig.read(typo));
        assertEquals("models[0].file", e.variable());
        assertEquals("Unknown field models[0].file in " + typo + "; use only files, id, local_dir, repo_id, revision",
                e.getMessage());

        Path badVerify = yaml("verify: md5\nmodels: []\n");
        e = assertThrows(HubConfigException.class, () -> ModelsConfig.read(badVerify));
        assertEquals("verify: md5 in " + badVerify + " is not a verification level; use one of none, size, sha256",
                e.getMessage());

        Path twice = yaml("models:\n  - {id: a, repo_id: acme/a}\n  - {id: a, repo_id: acme/b}\n");
        e = assertThrows(HubConfigException.class, () -> ModelsConfig.read(twice));
        assertEquals("Model id 'a' appears twice in " + twice + "; give each entry of models: its own id",
                e.getMessage());

        Path absent = tmp.resolve("nope.yaml");
        e = assertThrows(HubConfigException.class, () -> ModelsConfig.read(absent));
        assertEquals(absent, e.file());
        assertTrue(e.getMessage().startsWith("Models configuration " + absent + " does not exist"), e.getMessage());
    }

    @Test
    void unknownIdNamesTheKnownIds() throws IOException {
        try (ModelManager models = manager(TINY)) {
            ModelNotInConfigException e = assertThrows(ModelNotInConfigException.class, () -> models.ensure("big"));
            assertEquals("big", e.id());
            assertEquals(List.of("tiny"), e.knownIds());
            assertEquals("Model 'big' is not in " + tmp.resolve("models.yaml") + "; known ids: tiny. Use one of them, "
                    + "or add an entry with id: big under models:", e.getMessage());
            assertEquals(List.of(), hub.requests());
        }
    }

    @Test
    void revisionDefaultsToMainAndFilesToEverything() throws IOException {
        try (ModelManager models = manager("models:\n  - id: all\n    repo_id: acme/tiny\n")) {
            ModelSpec spec = models.config().model("all");
            assertEquals("main", spec.revision());
            assertEquals(List.of(), spec.files());
            assertNotEquals(List.of(), Fixtures.names(models.ensure("all")));
            assertTrue(Files.exists(models.ensure("all").resolve("README.md")));
        }
    }
}
