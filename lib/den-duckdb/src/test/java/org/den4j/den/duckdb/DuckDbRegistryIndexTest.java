package org.den4j.den.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.den4j.den.DataType;
import org.den4j.den.DenInputException;
import org.den4j.den.ModelInfo;
import org.den4j.den.RegistryIndex;
import org.den4j.den.RegistryQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbRegistryIndexTest {
    @TempDir
    Path tmp;

    private final RegistryIndex memory = RegistryIndex.inMemory();

    @Test
    void everyQueryShapeReturnsWhatTheMemoryIndexReturns() {
        Random r = new Random(42);
        List<ModelInfo> models = Records.random(r, 200);
        int nonEmpty = 0;
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory()) {
            for (int i = 0; i < 3000; i++) {
                RegistryQuery q = Records.query(r);
                List<ModelInfo> expected = memory.search(models, q);
                assertSameRecords(expected, index.search(models, q), q);
                nonEmpty += expected.isEmpty() ? 0 : 1;
            }
            // Each corner of the semantics, once by hand.
            for (RegistryQuery q : List.of(RegistryQuery.ALL, RegistryQuery.builder().latestOnly(true).build(),
                    RegistryQuery.builder().modelType("null").build(),
                    RegistryQuery.builder().architecture("NULL").build(),
                    RegistryQuery.builder().tag("icd10").tag("icd10").build(),
                    RegistryQuery.builder().text("ICD").latestOnly(true).build(),
                    RegistryQuery.builder().text("  qwen2   coder ").build(),
                    RegistryQuery.builder().compatible(DataType.TEXT, DataType.LOGITS).build(),
                    RegistryQuery.builder().text("x\u0000y").build())) {
                assertSameRecords(memory.search(models, q), index.search(models, q), q);
            }
        }
        assertTrue(nonEmpty > 1000, "too few queries matched anything to be a fair comparison: " + nonEmpty);
    }

    @Test
    void anyListOrderAndDuplicateVersionsMatchTheMemoryIndex() {
        Random r = new Random(7);
        List<ModelInfo> models = new ArrayList<>(Records.random(r, 120));
        models.addAll(models.subList(0, 30)); // the same name@version twice
        Collections.shuffle(models, r);
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory()) {
            for (int i = 0; i < 500; i++) {
                RegistryQuery q = Records.query(r);
                assertSameRecords(memory.search(models, q), index.search(models, q), q);
            }
        }
    }

    @Test
    void changesOfEveryKindAndSizeKeepTheTablesInStep() {
        Random r = new Random(31);
        List<ModelInfo> models = new ArrayList<>(Records.random(r, 400));
        int single = 0;
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory()) {
            for (int step = 0; step < 120; step++) {
                int changes = r.nextInt(10) == 0 ? 300 : r.nextBoolean() ? 1 : 2 + r.nextInt(3);
                int kind = -1;
                for (int c = 0; c < changes; c++) {
                    int at = r.nextInt(models.size() + 1);
                    kind = r.nextInt(4);
                    switch (kind) {
                        case 0 -> models.add(at, Records.record(r, "new/model-" + step + "-" + c, 1));
                        case 1 -> models.remove(Math.min(at, models.size() - 1));
                        case 2 -> {
                            int i = Math.min(at, models.size() - 1);
                            ModelInfo m = models.get(i);
                            models.set(i, m.withMetadata(m.description() + " changed", Records.record(r, m.name(), 1)
                                    .tags(), Records.record(r, m.name(), 1).metadata(), m.updated().plusSeconds(1)));
                        }
                        default -> models.set(Math.min(at, models.size() - 1), copies(List.of(models.get(
                                Math.min(at, models.size() - 1)))).get(0));
                    }
                }
                // The same list instance, changed in place, as a caller might do.
                for (int q = 0; q < 10; q++) {
                    RegistryQuery query = Records.query(r);
                    assertSameRecords(memory.search(models, query), index.search(models, query), query);
                }
                if (changes == 1 && kind != 3) {
                    assertEquals(IndexLoad.Source.UPDATED, index.lastLoad().orElseThrow().source(),
                            "a single change is applied in place");
                    single++;
                }
            }
        }
        assertTrue(single > 30, "single changes: " + single);
    }

    @Test
    void changedRecordsRebuildTheTablesAndUnchangedOnesDoNot() {
        Random r = new Random(3);
        List<ModelInfo> models = Records.random(r, 50);
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory()) {
            IndexLoad first = index.load(models);
            assertEquals(IndexLoad.Source.BUILT, first.source());
            assertSame(first, index.load(new ArrayList<>(models)), "same records in a new list");
            assertSame(first, index.load(List.copyOf(copies(models))), "equal records, new instances");

            List<ModelInfo> changed = new ArrayList<>(models);
            ModelInfo m = changed.get(10);
            changed.set(10, m.withMetadata("now about zebras", List.of("zebra"), m.metadata(), m.updated().plusSeconds(1)));
            RegistryQuery zebras = RegistryQuery.builder().text("zebras").tag("zebra").build();
            assertEquals(List.of(changed.get(10)), index.search(changed, zebras));
            assertEquals(IndexLoad.Source.UPDATED, index.lastLoad().orElseThrow().source());

            changed.remove(10);
            assertEquals(List.of(), index.search(changed, zebras));
            assertEquals(changed.size(), index.lastLoad().orElseThrow().models());
        }
    }

    @Test
    void savedIndexIsRestoredByTheNextIndexInsteadOfRebuilt() throws Exception {
        List<ModelInfo> models = Records.random(new Random(5), 80);
        Path dir = tmp.resolve("index");
        RegistryQuery q = RegistryQuery.builder().text("icd").build();
        List<ModelInfo> expected = memory.search(models, q);
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            assertEquals(expected, index.search(models, q));
            IndexLoad load = index.lastLoad().orElseThrow();
            assertEquals(IndexLoad.Source.BUILT, load.source());
            assertTrue(load.saved());
        }
        Path file = dir.resolve(DuckDbRegistryIndex.FILE_NAME);
        Object fileKey = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertEquals(List.of(DuckDbRegistryIndex.FILE_NAME), names(dir), "no temporary or WAL files left");
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            assertEquals(expected, index.search(List.copyOf(copies(models)), q));
            IndexLoad load = index.lastLoad().orElseThrow();
            assertEquals(IndexLoad.Source.RESTORED, load.source());
            assertFalse(load.saved());
            assertEquals(80, index.counts().versions());
        }
        assertEquals(fileKey, Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "a restore must not rewrite the file");

        List<ModelInfo> fewer = models.subList(0, 40);
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            assertEquals(memory.search(fewer, q), index.search(fewer, q));
            assertEquals(IndexLoad.Source.BUILT, index.lastLoad().orElseThrow().source(), "other records: rebuilt");
        }
    }

    @Test
    void changesInPlaceAreSavedOnClose() throws Exception {
        Random r = new Random(37);
        List<ModelInfo> models = new ArrayList<>(Records.random(r, 60));
        Path dir = tmp.resolve("index");
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            index.load(models);
            models.remove(7);
            models.add(20, Records.record(r, "added/model", 1));
            assertEquals(IndexLoad.Source.UPDATED, index.load(models).source());
        }
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            RegistryQuery q = RegistryQuery.builder().latestOnly(true).build();
            assertEquals(memory.search(models, q), index.search(copies(models), q).stream().map(
                    m -> models.get(models.indexOf(m))).toList());
            assertEquals(IndexLoad.Source.RESTORED, index.lastLoad().orElseThrow().source());
        }
        assertEquals(List.of(DuckDbRegistryIndex.FILE_NAME), names(dir));
    }

    @Test
    void indexDirectoryAndFileTakeTheDensGroupPermissions() throws Exception {
        Path den = Files.createDirectories(tmp.resolve("den"));
        Files.setPosixFilePermissions(den, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwx---"));
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(den.resolve("index"))) {
            index.load(Records.random(new Random(41), 5));
        }
        assertEquals("rwxrwx---", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(den.resolve("index"))));
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(den.resolve("index").resolve(DuckDbRegistryIndex.FILE_NAME))));
    }

    @Test
    void aDamagedIndexFileIsRebuilt() throws Exception {
        List<ModelInfo> models = Records.random(new Random(11), 20);
        Path dir = Files.createDirectories(tmp.resolve("index"));
        Files.writeString(dir.resolve(DuckDbRegistryIndex.FILE_NAME), "not a duckdb file");
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            assertEquals(models, index.search(models, RegistryQuery.ALL));
            assertEquals(IndexLoad.Source.BUILT, index.lastLoad().orElseThrow().source());
            assertTrue(index.lastLoad().orElseThrow().saved());
        }
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            index.load(models);
            assertEquals(IndexLoad.Source.RESTORED, index.lastLoad().orElseThrow().source());
        }
    }

    @Test
    void searchWorksWhileAnotherConnectionInThisProcessHoldsTheFile() throws Exception {
        List<ModelInfo> models = Records.random(new Random(13), 30);
        Path dir = tmp.resolve("index");
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            index.load(models);
        }
        Path file = dir.resolve(DuckDbRegistryIndex.FILE_NAME);
        try (java.sql.Connection holder = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:" + file,
                new java.util.Properties());
                DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            holder.createStatement().execute("CREATE TABLE held (x INTEGER)");
            RegistryQuery q = RegistryQuery.builder().latestOnly(true).build();
            assertEquals(memory.search(models, q), index.search(models, q));
            assertFalse(index.lastLoad().orElseThrow().saved(), "a file open for writing is not replaced");
        }
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            assertEquals(models, index.search(models, RegistryQuery.ALL));
        }
    }

    @Test
    void queryRunsSqlOverTheTablesAndCannotChangeThem() {
        List<ModelInfo> models = Records.random(new Random(17), 60);
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory()) {
            index.load(models);
            List<Map<String, Object>> best = index.query("SELECT name, version, value FROM model_metrics"
                    + " WHERE metric = ? ORDER BY value DESC, name, version LIMIT 3", "f1_micro");
            List<ModelInfo> expected = models.stream().filter(m -> m.metadata().metrics().containsKey("f1_micro"))
                    .sorted(Comparator.comparing((ModelInfo m) -> -m.metadata().metrics().get("f1_micro"))
                            .thenComparing(ModelInfo::name).thenComparingInt(ModelInfo::version))
                    .limit(3).toList();
            assertEquals(expected.stream().map(ModelInfo::ref).toList(),
                    best.stream().map(row -> row.get("name") + "@" + row.get("version")).toList());
            assertEquals(List.of("name", "version", "value"), List.copyOf(best.get(0).keySet()));

            Map<String, Object> row = index.query("SELECT created, supported_backends, hf_config FROM models"
                    + " WHERE pos = 0").get(0);
            assertEquals(truncatedToMicros(models.get(0).created()), row.get("created"));
            assertEquals(models.get(0).metadata().supportedBackends(), row.get("supported_backends"));
            assertTrue(row.get("hf_config") instanceof String);

            assertEquals(List.of(Map.of("threads", 1L)), index.query("SELECT current_setting('threads') AS threads"));
            assertEquals(List.of(), index.query("DELETE FROM models"));
            assertEquals(models, index.search(models, RegistryQuery.ALL), "the delete was rolled back");
            index.query("DELETE FROM models; COMMIT; SELECT 1");
            assertEquals(models, index.search(models, RegistryQuery.ALL), "a committed delete is rebuilt over");
            assertEquals(IndexLoad.Source.BUILT, index.lastLoad().orElseThrow().source());
            index.query("SELECT CASE WHEN count(*) > 0 THEN 'some' END AS any FROM models");
            assertEquals(models, index.search(models, RegistryQuery.ALL));

            DenInputException e = assertThrows(DenInputException.class, () -> index.query("SELECT nope FROM models"));
            assertTrue(e.getMessage().startsWith("SQL over the registry index failed: "), e.getMessage());
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
        }
    }

    @Test
    void everyColumnHoldsItsField() {
        ModelInfo m = new ModelInfo("acme/icd-coder", 3, "ab".repeat(32), "Codes notes", List.of("icd10", "prod"),
                "cd".repeat(32), "acme/qwen2-tiny@1",
                org.den4j.den.ModelMetadata.builder().modelType("decoder-only").architecture("Qwen2ForCausalLM")
                        .inputs(List.of(new org.den4j.den.IoSpec("prompt", DataType.TEXT, List.of(-1L, 512L), "int64",
                                "the note", true)))
                        .outputs(List.of(org.den4j.den.IoSpec.of("codes", DataType.TEXT),
                                org.den4j.den.IoSpec.of("scores", DataType.LOGITS)))
                        .hfConfig(Map.of("hidden_size", 896)).inferenceCode("org.den4j.coder.IcdCoder")
                        .supportedBackends(List.of("pytorch", "llama.cpp"))
                        .hardware(new org.den4j.den.HardwareRequirements(4096L, true, 8192L, 4, "fp16"))
                        .metric("f1_micro", 0.41).sourceUrl("https://example.org/m").license("apache-2.0")
                        .extra("dataset", "mimic-iv").build(),
                Instant.parse("2026-01-02T03:04:05.123456789Z"), Instant.parse("2026-02-03T04:05:06Z"), 123_456L, 7);
        ModelInfo bare = new ModelInfo("zeta/bare", 1, "ef".repeat(32), null, null, null, null, null, null, null, 0, 0);
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory()) {
            index.load(List.of(m, bare));
            Map<String, Object> row = index.query("SELECT * EXCLUDE (search_text, model_type_key, architecture_key)"
                    + " FROM models WHERE pos = 0").get(0);
            Map<String, Object> expected = new java.util.LinkedHashMap<>();
            expected.put("pos", 0);
            expected.put("name", "acme/icd-coder");
            expected.put("version", 3);
            expected.put("digest", "ab".repeat(32));
            expected.put("description", "Codes notes");
            expected.put("model_type", "decoder-only");
            expected.put("architecture", "Qwen2ForCausalLM");
            expected.put("parent", "cd".repeat(32));
            expected.put("parent_ref", "acme/qwen2-tiny@1");
            expected.put("created", Instant.parse("2026-01-02T03:04:05.123456Z"));
            expected.put("updated", Instant.parse("2026-02-03T04:05:06Z"));
            expected.put("size", 123_456L);
            expected.put("file_count", 7);
            expected.put("license", "apache-2.0");
            expected.put("source_url", "https://example.org/m");
            expected.put("inference_code", "org.den4j.coder.IcdCoder");
            expected.put("supported_backends", List.of("pytorch", "llama.cpp"));
            expected.put("min_memory_mb", 4096L);
            expected.put("gpu_required", true);
            expected.put("min_gpu_memory_mb", 8192L);
            expected.put("min_cpu_cores", 4);
            expected.put("hardware_notes", "fp16");
            expected.put("hf_config", "{\"hidden_size\":896}");
            expected.put("extra", "{\"dataset\":\"mimic-iv\"}");
            expected.put("tags", List.of("icd10", "prod"));
            expected.put("input_types", List.of("TEXT"));
            expected.put("output_types", List.of("TEXT", "LOGITS"));
            assertEquals(expected, row);

            assertEquals(List.of(Map.of("direction", "input", "io_index", 0, "io_name", "prompt", "data_type", "TEXT",
                    "shape", List.of(-1L, 512L), "dtype", "int64", "description", "the note", "optional", true)),
                    index.query("SELECT direction, io_index, io_name, data_type, shape, dtype, description, optional"
                            + " FROM model_io WHERE pos = 0 AND direction = 'input'"));
            assertEquals(List.of(Map.of("name", "acme/icd-coder", "version", 3, "metric", "f1_micro", "value", 0.41)),
                    index.query("SELECT name, version, metric, value FROM model_metrics"));
            assertEquals(List.of(Map.of("tag", "icd10"), Map.of("tag", "prod")),
                    index.query("SELECT tag FROM model_tags ORDER BY tag"));

            Map<String, Object> empty = index.query("SELECT description, model_type, created, supported_backends,"
                    + " min_memory_mb, gpu_required, hf_config, tags FROM models WHERE pos = 1").get(0);
            assertEquals("", empty.get("description"));
            assertEquals(null, empty.get("model_type"));
            assertEquals(null, empty.get("created"));
            assertEquals(List.of(), empty.get("supported_backends"));
            assertEquals(null, empty.get("min_memory_mb"));
            assertEquals(false, empty.get("gpu_required"));
            assertEquals("{}", empty.get("hf_config"));
            assertEquals(List.of(), empty.get("tags"));
        }
    }

    @Test
    void countsAgreeWithTheRecords() {
        List<ModelInfo> models = Records.random(new Random(19), 90);
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory()) {
            index.load(models);
            RegistryCounts counts = index.counts();
            assertEquals(models.size(), counts.versions());
            assertEquals(models.stream().map(ModelInfo::name).distinct().count(), counts.names());
            assertEquals(models.stream().filter(ModelInfo::isBase).count(), counts.baseModels());
            assertEquals(models.stream().mapToLong(ModelInfo::size).sum(), counts.logicalBytes());
            Map<String, Integer> byTag = new java.util.TreeMap<>();
            models.forEach(m -> m.tags().forEach(t -> byTag.merge(t, 1, Integer::sum)));
            assertEquals(byTag, counts.byTag());
            assertEquals(List.copyOf(byTag.keySet()), List.copyOf(counts.byTag().keySet()), "sorted by tag");
        }
    }

    @Test
    void aClosedIndexSaysSo() {
        DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory();
        index.close();
        index.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> index.search(List.of(), RegistryQuery.ALL));
        assertEquals("This DuckDB registry index is closed; open a new one", e.getMessage());
    }

    static void assertSameRecords(List<ModelInfo> expected, List<ModelInfo> actual, RegistryQuery q) {
        assertEquals(expected.stream().map(ModelInfo::ref).toList(), actual.stream().map(ModelInfo::ref).toList(),
                () -> "query " + q);
        for (int i = 0; i < expected.size(); i++) {
            assertSame(expected.get(i), actual.get(i), "the index returns the records it was given: " + q);
        }
    }

    /** Equal records that are other instances, as a fresh process would read them. */
    static List<ModelInfo> copies(List<ModelInfo> models) {
        return models.stream().map(m -> m.withMetadata(m.description(), m.tags(), m.metadata(), m.updated())).toList();
    }

    static Instant truncatedToMicros(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    static List<String> names(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
