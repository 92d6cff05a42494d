package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.format.MetadataCodec;
import org.den4j.den.io.FileTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry entries without files: register, list, search, show, fetch, attach, and registry imports. */
class RegistryEntriesTest {
    @TempDir
    Path tmp;

    private MetadataDocument pythonDoc() throws Exception {
        Path file = tmp.resolve("coder.json");
        Files.writeString(file, """
                {"model_id": "acme/icd-coder", "model_name": "ICD coder", "model_type": "decoder-only",
                 "data_type": "text", "description": "codes notes", "tags": ["icd10"],
                 "performance_metrics": {"f1_micro": 0.41},
                 "source_url": "https://example.org/icd-coder"}""");
        return MetadataCodec.read(file);
    }

    @Test
    void entryListsSearchesAndShowsButFetchSaysWhereTheBytesAre() throws Exception {
        try (Den den = Den.at(tmp.resolve("den"))) {
            ModelInfo entry = den.register("acme/icd-coder", pythonDoc());
            assertEquals("acme/icd-coder@1", entry.ref());
            assertFalse(entry.hasFiles());
            assertEquals(0, entry.fileCount());
            assertEquals("ICD coder", den.show("acme/icd-coder").metadata().displayName());
            assertEquals(List.of("acme/icd-coder@1"), den.list().stream().map(ModelInfo::ref).toList());
            assertEquals(List.of("acme/icd-coder@1"), den.search(RegistryQuery.builder().tag("icd10")
                    .input(DataType.TEXT).build()).stream().map(ModelInfo::ref).toList());
            assertEquals(List.of(), den.manifest("acme/icd-coder").files());
            den.register("acme/x", MetadataDocument.of(ModelMetadata.builder().displayName("Radiology summarizer")
                    .build()));
            assertEquals(List.of("acme/x@1"), den.search(RegistryQuery.builder().text("radiology").build()).stream()
                    .map(ModelInfo::ref).toList());
            den.delete("acme/x", false);

            NoFilesException e = assertThrows(NoFilesException.class, () -> den.fetch("acme/icd-coder"));
            assertEquals("Model acme/icd-coder@1 is a registry entry without files, so it cannot be fetched; its "
                    + "source is https://example.org/icd-coder; push the files under acme/icd-coder to attach them: "
                    + "den push DIR --name acme/icd-coder", e.getMessage());
            assertNull(e.source());
            assertTrue(den.localCopy("acme/icd-coder").isEmpty());

            // Registering again updates the entry instead of making another.
            MetadataDocument changed = new MetadataDocument(null, null, "newer", null, null, null,
                    pythonDoc().metadata().toBuilder().metric("f1_micro", 0.5).build());
            assertEquals("acme/icd-coder@1", den.register("acme/icd-coder", changed).ref());
            assertEquals(0.5, den.show("acme/icd-coder").metadata().metrics().get("f1_micro"));
            assertEquals(List.of("icd10"), den.show("acme/icd-coder").tags());

            DenInputException other = assertThrows(DenInputException.class,
                    () -> den.register("acme/other", pythonDoc()));
            assertTrue(other.getMessage().contains("names model 'acme/icd-coder' (model_id) but the entry is "
                    + "acme/other"), other.getMessage());
        }
    }

    @Test
    void pushUnderTheNameAttachesFilesAsANewVersionThatTakesTheEntrysPlace() throws Exception {
        try (Den den = Den.at(tmp.resolve("den"))) {
            den.register("acme/icd-coder", pythonDoc());
            den.alias("acme/icd-coder", "prod", 1);
            Path dir = DenRoundTripTest.model(tmp.resolve("m"), "config.json", "{}", "model.safetensors", "w");
            DenInputException parent = assertThrows(DenInputException.class, () -> den.push(
                    PushRequest.builder(dir, "acme/child").parent("acme/icd-coder").build()));
            assertTrue(parent.getMessage().contains("is a registry entry without files"), parent.getMessage());

            PushResult pushed = den.push(PushRequest.builder(dir, "acme/icd-coder").build());
            ModelInfo model = pushed.model();
            assertEquals("acme/icd-coder@2", model.ref());
            assertTrue(model.hasFiles());
            assertEquals("codes notes", model.description());
            assertEquals(List.of("icd10"), model.tags());
            assertEquals("ICD coder", model.metadata().displayName());
            assertEquals(Map.of("prod", 2), den.aliases("acme/icd-coder"));
            assertEquals(List.of("acme/icd-coder@2"), den.list().stream().map(ModelInfo::ref).toList());
            assertThrows(ModelNotFoundException.class, () -> den.show("acme/icd-coder@1"));
            assertEquals("w", Files.readString(den.fetch("acme/icd-coder@prod").resolve("model.safetensors")));

            // The name holds files now: register refuses to turn it back into an entry.
            DenInputException again = assertThrows(DenInputException.class,
                    () -> den.register("acme/icd-coder", pythonDoc()));
            assertTrue(again.getMessage().contains("with files (acme/icd-coder@2)"), again.getMessage());
        }
    }

    @Test
    void registryExportedByOneDenBecomesEntriesInAnother() throws Exception {
        Path shared = DenRoundTripTest.model(tmp.resolve("shared"), "config.json", "{\"a\":1}");
        Path mine = DenRoundTripTest.model(tmp.resolve("mine"), "config.json", "{\"b\":2}");
        Path json = tmp.resolve("registry.json");
        Path yaml = tmp.resolve("registry.yaml");
        ModelMetadata described = ModelMetadata.builder().displayName("Shared").modelType("embedding").build();
        try (Den a = Den.at(tmp.resolve("a"))) {
            a.push(PushRequest.builder(shared, "acme/shared").description("from A").metadata(described).build());
            a.push(PushRequest.builder(mine, "acme/clash").build());
            a.push(PushRequest.builder(mine, "acme/only-in-a").tags(List.of("a")).build());
            a.register("acme/icd-coder", pythonDoc());
            a.exportRegistry(json);
            a.exportRegistry(yaml);
        }
        try (Den b = Den.at(tmp.resolve("b"))) {
            b.push(PushRequest.builder(shared, "acme/shared").build());
            b.push(PushRequest.builder(shared, "acme/clash").build());
            RegistryImport report = b.importRegistry(yaml);
            assertEquals(List.of("acme/icd-coder@1", "acme/only-in-a@1"),
                    report.created().stream().map(ModelInfo::ref).sorted().toList());
            assertEquals(List.of("acme/shared@1"), report.updated().stream().map(ModelInfo::ref).toList());
            assertEquals(List.of("acme/clash"), report.refused().stream().map(RegistryImport.Refusal::name).toList());
            assertTrue(report.refused().get(0).reason().contains("holds acme/clash with other files"),
                    report.refused().get(0).reason());
            assertEquals("Shared", b.show("acme/shared").metadata().displayName());
            assertEquals("from A", b.show("acme/shared").description());
            ModelInfo entry = b.show("acme/only-in-a");
            assertFalse(entry.hasFiles());
            assertEquals(List.of("a"), entry.tags());
            assertThrows(NoFilesException.class, () -> b.fetch("acme/only-in-a"));
            assertEquals("ICD coder", b.show("acme/icd-coder").metadata().displayName());

            // Importing the same export again (JSON this time) updates what the first import made.
            RegistryImport again = b.importRegistry(json);
            assertEquals(0, again.created().size());
            assertEquals(3, again.updated().size());
            assertEquals(1, again.refused().size());

            // A sync from A brings the bytes: the copy takes the entry's place.
            try (Den a = Den.at(tmp.resolve("a"))) {
                a.sync(b, List.of("acme/only-in-a"), ProgressListener.NONE);
            }
            assertEquals(List.of("acme/only-in-a@2"), b.list().stream().map(ModelInfo::ref)
                    .filter(r -> r.startsWith("acme/only-in-a")).toList());
            assertEquals("{\"b\":2}", Files.readString(b.fetch("acme/only-in-a").resolve("config.json")));
        }
    }

    @Test
    void syncNeverPutsAnEntryOnTopOfFiles() throws Exception {
        Path dir = DenRoundTripTest.model(tmp.resolve("m"), "config.json", "{}");
        try (Den a = Den.at(tmp.resolve("a")); Den b = Den.at(tmp.resolve("b"))) {
            a.register("acme/icd-coder", pythonDoc());
            b.push(PushRequest.builder(dir, "acme/icd-coder").build());
            TransferReport report = a.sync(b, List.of(), ProgressListener.NONE);
            assertEquals(List.of("acme/icd-coder@1"), report.alreadyThere());
            assertTrue(b.show("acme/icd-coder").hasFiles());
            try (Den c = Den.at(tmp.resolve("c"))) {
                assertEquals(List.of("acme/icd-coder@1"), a.sync(c, List.of(), ProgressListener.NONE).copied());
                assertFalse(c.show("acme/icd-coder").hasFiles());
            }
        }
    }

    @Test
    void versionRecordsStoredBeforeTheNewFieldsStillLoad() throws Exception {
        Path root = tmp.resolve("den");
        String digest;
        try (Den den = Den.at(root)) {
            digest = den.push(PushRequest.builder(DenRoundTripTest.model(tmp.resolve("m"), "f", "x"), "acme/old")
                    .build()).model().digest();
        }
        // The record as an older den4j wrote it: no displayName, hardware with minimum figures only.
        Files.writeString(root.resolve("docs/models/acme/old/@versions/1.json"), """
                {"model": {"name": "acme/old", "version": 1, "digest": "%s", "description": "old", "tags": [],
                 "metadata": {"modelType": "decoder-only", "inputs": [], "outputs": [], "hfConfig": {},
                   "supportedBackends": [], "hardware": {"minMemoryMb": 2048, "gpuRequired": true,
                   "minGpuMemoryMb": 4096, "minCpuCores": 4, "notes": "fp16"}, "metrics": {}, "extra": {}},
                 "created": "2025-01-01T00:00:00Z", "updated": "2025-01-01T00:00:00Z", "size": 1, "fileCount": 1}}
                """.formatted(digest));
        FileTree.delete(root.resolve("index"));
        try (Den den = Den.at(root)) {
            ModelInfo old = den.show("acme/old");
            assertEquals("old", old.description());
            assertNull(old.metadata().displayName());
            assertEquals(new HardwareRequirements(2048L, true, 4096L, 4, "fp16"), old.metadata().hardware());
            assertEquals("x", Files.readString(den.fetch("acme/old").resolve("f")));
        }
    }
}
