package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryAndLineageTest {
    @TempDir
    Path tmp;

    private static final ModelMetadata CODER = ModelMetadata.builder().modelType(ModelMetadata.DECODER_ONLY)
            .architecture("Qwen2ForCausalLM").inputs(List.of(IoSpec.of("note", DataType.TEXT)))
            .outputs(List.of(IoSpec.of("icd_codes", DataType.TEXT))).metric("f1_micro", 0.41).license("apache-2.0")
            .build();
    private static final ModelMetadata EMBEDDER = ModelMetadata.builder().modelType(ModelMetadata.EMBEDDING)
            .architecture("BertModel").inputs(List.of(IoSpec.of("text", DataType.TEXT)))
            .outputs(List.of(IoSpec.of("vector", DataType.EMBEDDINGS))).build();

    private Den seeded() throws Exception {
        Den den = Den.at(tmp.resolve("den"));
        Path base = DenRoundTripTest.model(tmp.resolve("base"), "config.json", "{}", "model.safetensors", "base-weights");
        den.push(PushRequest.builder(base, "acme/qwen2-tiny").description("tiny base").tags(List.of("base")).build());
        Path lora = DenRoundTripTest.model(tmp.resolve("lora"), "config.json", "{}", "model.safetensors", "base-weights",
                "adapter_model.safetensors", "lora");
        den.push(PushRequest.builder(lora, "acme/icd-coder").description("ICD-10 coder for discharge notes")
                .tags(List.of("icd10", "mimic-iv")).parent("acme/qwen2-tiny").metadata(CODER).build());
        Path emb = DenRoundTripTest.model(tmp.resolve("emb"), "config.json", "{\"e\":1}");
        den.push(PushRequest.builder(emb, "acme/embedder").tags(List.of("mimic-iv")).metadata(EMBEDDER).build());
        return den;
    }

    @Test
    void searchFiltersByTagTextTypeAndInputOutput() throws Exception {
        try (Den den = seeded()) {
            assertEquals(List.of("acme/embedder@1", "acme/icd-coder@1"), refs(den.search(
                    RegistryQuery.builder().tag("mimic-iv").build())));
            assertEquals(List.of("acme/icd-coder@1"), refs(den.search(RegistryQuery.builder().text("icd DISCHARGE").build())));
            assertEquals(List.of("acme/embedder@1"), refs(den.search(
                    RegistryQuery.builder().compatible(DataType.TEXT, DataType.EMBEDDINGS).build())));
            assertEquals(List.of("acme/icd-coder@1"), refs(den.search(
                    RegistryQuery.builder().modelType("decoder-only").architecture("qwen2forcausallm").build())));
            assertEquals(List.of(), den.search(RegistryQuery.builder().tag("mimic-iv").text("nothing").build()));
        }
    }

    @Test
    void derivativeStoresOnlyItsNewFilesAndShowsInTree() throws Exception {
        try (Den den = seeded()) {
            ModelInfo coder = den.show("acme/icd-coder");
            assertEquals(den.show("acme/qwen2-tiny").digest(), coder.parent());
            assertEquals("acme/qwen2-tiny@1", coder.parentRef());
            assertEquals(List.of("acme/icd-coder@1"), refs(den.listDerivatives("acme/qwen2-tiny")));
            assertEquals(List.of("acme/embedder@1", "acme/qwen2-tiny@1"), refs(den.listBase()));
            String tree = den.tree("acme/icd-coder").render();
            assertTrue(tree.startsWith("acme/qwen2-tiny@1"), tree);
            assertTrue(tree.contains("└── acme/icd-coder@1"), tree);
            RegistryStats stats = den.stats();
            // config.json "{}" and the base weights are shared: 4 distinct blobs for 6 files.
            assertEquals(4, stats.blobs());
            assertTrue(stats.deduplicationRatio() > 1, stats.toString());
        }
    }

    @Test
    void deleteOfABaseWithDerivativesIsRefusedUnlessForced() throws Exception {
        try (Den den = seeded()) {
            ModelInUseException e = assertThrows(ModelInUseException.class, () -> den.delete("acme/qwen2-tiny", false));
            assertTrue(e.getMessage().contains("acme/icd-coder@1") && e.getMessage().contains("--force"), e.getMessage());
            den.delete("acme/qwen2-tiny", true);
            assertTrue(!den.has("acme/qwen2-tiny"));
            // Version numbers are never reused after a delete.
            Path again = DenRoundTripTest.model(tmp.resolve("again"), "config.json", "{\"v\":2}");
            assertEquals(2, den.push(PushRequest.builder(again, "acme/qwen2-tiny").build()).model().version());
            ModelNotFoundException gone = assertThrows(ModelNotFoundException.class, () -> den.show("acme/qwen2-tiny@1"));
            assertTrue(gone.getMessage().contains("versions are 2 (latest 2)"), gone.getMessage());
        }
    }

    @Test
    void aliasesMoveAndKeepTheirHistory() throws Exception {
        try (Den den = seeded()) {
            Path v2 = DenRoundTripTest.model(tmp.resolve("v2"), "config.json", "{\"v\":2}");
            den.push(PushRequest.builder(v2, "acme/icd-coder").build());
            den.alias("acme/icd-coder", "prod", 1);
            assertEquals(1, den.show("acme/icd-coder@prod").version());
            den.alias("acme/icd-coder", "prod", 2);
            assertEquals(2, den.show("acme/icd-coder@prod").version());
            den.removeAlias("acme/icd-coder", "prod");
            ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> den.show("acme/icd-coder@prod"));
            assertTrue(e.getMessage().contains("has no alias 'prod'"), e.getMessage());
            List<AliasChange> history = den.aliasHistory("acme/icd-coder");
            assertEquals(List.of(1, 2, 0), history.stream().map(AliasChange::version).toList());
            assertEquals(List.of(0, 1, 2), history.stream().map(AliasChange::previous).toList());
            assertThrows(ModelNotFoundException.class, () -> den.alias("acme/icd-coder", "prod", 9));
            DenInputException bad = assertThrows(DenInputException.class, () -> den.alias("acme/icd-coder", "9x", 1));
            assertTrue(bad.getMessage().contains("starts with a letter"), bad.getMessage());
        }
    }

    @Test
    void registryExportsAndImportsAsJsonAndYaml() throws Exception {
        try (Den den = seeded()) {
            Path json = tmp.resolve("registry.json");
            Path yaml = tmp.resolve("registry.yaml");
            den.exportRegistry(json);
            den.exportRegistry(yaml);
            assertTrue(Files.readString(yaml).contains("architecture: \"Qwen2ForCausalLM\""), Files.readString(yaml));
            den.update("acme/icd-coder", "changed", List.of(), ModelMetadata.EMPTY);
            assertEquals("changed", den.show("acme/icd-coder").description());
            assertEquals(3, den.importRegistry(yaml).updated().size());
            ModelInfo restored = den.show("acme/icd-coder");
            assertEquals("ICD-10 coder for discharge notes", restored.description());
            assertEquals(CODER, restored.metadata());
            assertEquals(3, den.importRegistry(json).updated().size());
        }
    }

    @Test
    void zipPackRoundTripKeepsFilesAndRecord() throws Exception {
        try (Den den = seeded()) {
            Path zip = tmp.resolve("out/coder.zip");
            den.exportZip("acme/icd-coder", zip);
            try (Den other = Den.at(tmp.resolve("other"))) {
                PushResult r = other.importPack(zip, PushRequest.builder(tmp, "team/coder").build());
                assertEquals(den.show("acme/icd-coder").digest(), r.model().digest());
                assertEquals(CODER, r.model().metadata());
                assertEquals(List.of("icd10", "mimic-iv"), r.model().tags());
            }
        }
    }

    private static List<String> refs(List<ModelInfo> models) {
        return models.stream().map(ModelInfo::ref).toList();
    }
}
