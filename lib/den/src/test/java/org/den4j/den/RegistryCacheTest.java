package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCacheTest {
    /** JSON as Jackson reads it into a Map, the way metadata arrives from a file. */
    static final class Json {
        @SuppressWarnings("unchecked")
        static java.util.Map<String, Object> parse(String json) throws Exception {
            return org.den4j.den.format.Json.MAPPER.readValue(json, java.util.Map.class);
        }
    }

    @TempDir
    Path tmp;

    @Test
    void anOpenDenSeesPushesDeletesAndAliasesOfAnotherInstance() throws Exception {
        Path root = tmp.resolve("den");
        try (Den reader = Den.at(root); Den writer = Den.at(root)) {
            assertEquals(List.of(), reader.list());
            Path src = DenRoundTripTest.model(tmp.resolve("m"), "a.txt", "a");
            writer.push(PushRequest.builder(src, "acme/a").build());
            assertEquals(1, reader.list().size());
            writer.alias("acme/a", "prod", 1);
            assertEquals(1, reader.show("acme/a@prod").version());
            writer.update("acme/a", "described", List.of("t"), null);
            assertEquals("described", reader.show("acme/a").description());
            writer.delete("acme/a", false);
            assertEquals(List.of(), reader.list());
        }
    }

    @Test
    void aNewProcessReadsTheSameRegistryFromTheSnapshot() throws Exception {
        Path root = tmp.resolve("den");
        ModelMetadata meta = ModelMetadata.builder().modelType("decoder-only").architecture("Qwen2ForCausalLM")
                .inputs(List.of(IoSpec.of("note", DataType.TEXT))).metric("f1", 0.5)
                .outputs(List.of(new IoSpec("logits", DataType.LOGITS, List.of(-1L, 32000L), "float16", "scores", true)))
                .hfConfig(Json.parse("{\"hidden_size\": 64, \"rope\": {\"theta\": 1.0E6, \"big\": 123456789012345,"
                        + " \"huge\": 123456789012345678901234567890, \"none\": null, \"on\": true}, \"layers\": [1, \"two\"]}"))
                .supportedBackends(List.of("pytorch", "llama.cpp"))
                .hardware(new HardwareRequirements(4096L, true, 8192L, 4, "fp16"))
                .sourceUrl("https://example.org/m").license("apache-2.0").extra("k", "v").build();
        List<ModelInfo> before;
        try (Den den = Den.at(root)) {
            den.push(PushRequest.builder(DenRoundTripTest.model(tmp.resolve("a"), "a.txt", "a"), "acme/a")
                    .description("with ünïcode").tags(List.of("x", "y")).metadata(meta).build());
            den.push(PushRequest.builder(DenRoundTripTest.model(tmp.resolve("b"), "b.txt", "b"), "acme/b")
                    .parent("acme/a").build());
            den.alias("acme/a", "prod", 1);
            den.delete("acme/b", false);
            before = den.list();
        }
        // A full load writes a snapshot at the journal's end; the next process then replays nothing and
        // everything must come from the snapshot itself.
        Files.delete(root.resolve("index/registry-snapshot.bin"));
        try (Den den = Den.at(root)) {
            den.list();
        }
        long position = Files.size(root.resolve("journal.log"));
        assertTrue(position > 0);
        try (Den den = Den.at(root)) {
            assertEquals(before, den.list());
            assertEquals(java.util.Map.of("prod", 1), den.aliases("acme/a"));
            assertEquals(1, den.aliasHistory("acme/a").size());
        }
    }

    @Test
    void aDamagedOrMissingSnapshotIsRebuiltFromTheDocuments() throws Exception {
        Path root = tmp.resolve("den");
        try (Den den = Den.at(root)) {
            for (int i = 0; i < 5; i++) {
                den.push(PushRequest.builder(DenRoundTripTest.model(tmp.resolve("m" + i), "a.txt", "a" + i), "acme/m" + i)
                        .build());
            }
        }
        Path snapshot = root.resolve("index/registry-snapshot.bin");
        assertTrue(Files.exists(snapshot));
        Files.writeString(snapshot, "{ not json");
        try (Den den = Den.at(root)) {
            assertEquals(5, den.list().size());
        }
        Files.delete(snapshot);
        Files.delete(root.resolve("journal.log"));
        try (Den den = Den.at(root)) {
            assertEquals(5, den.list().size());
            den.push(PushRequest.builder(DenRoundTripTest.model(tmp.resolve("m9"), "a.txt", "a9"), "acme/m9").build());
        }
        try (Den den = Den.at(root)) {
            assertEquals(6, den.list().size());
        }
    }

    @Test
    void gcFindsModelsTheJournalMissed() throws Exception {
        Path root = tmp.resolve("den");
        try (Den den = Den.at(root)) {
            den.push(PushRequest.builder(DenRoundTripTest.model(tmp.resolve("a"), "a.txt", "a"), "acme/a").build());
        }
        Path journal = root.resolve("journal.log");
        Path snapshot = root.resolve("index/registry-snapshot.bin");
        String before = Files.readString(journal);
        byte[] snapshotBefore = Files.readAllBytes(snapshot);
        try (Den den = Den.at(root)) {
            den.push(PushRequest.builder(DenRoundTripTest.model(tmp.resolve("b"), "b.txt", "b"), "acme/b").build());
        }
        // As if the writer of acme/b was killed between publishing its version and journaling it
        // (so it never saved a snapshot either).
        Files.writeString(journal, before);
        Files.write(snapshot, snapshotBefore);
        try (Den den = Den.at(root)) {
            assertEquals(List.of("acme/a@1"), den.list().stream().map(ModelInfo::ref).toList());
            den.gc(java.time.Duration.ZERO);
            assertEquals(List.of("acme/a@1", "acme/b@1"), den.list().stream().map(ModelInfo::ref).toList());
            assertEquals("b", Files.readString(den.fetch("acme/b").resolve("b.txt")));
        }
    }
}
