package org.den4j.den.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.den4j.den.DataType;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.DenConfigException;
import org.den4j.den.IoSpec;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.PushRequest;
import org.den4j.den.RegistryIndex;
import org.den4j.den.RegistryQuery;
import org.den4j.den.RegistryStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenWithDuckDbIndexTest {
    @TempDir
    Path tmp;

    private DenConfig duckdb(Path root) {
        return DenConfig.defaults().withPath(root).withRegistryIndex("duckdb");
    }

    /** Pushes a few dozen small models with varied metadata, some derived from others. */
    private static void pushModels(Den den, Path work) throws Exception {
        Random r = new Random(23);
        String[] names = {"acme/icd-coder", "acme/qwen2-tiny", "mimic/note-embedder", "Med-AI/cxr-vision",
            "zeta.lab/Coder", "acme/icd-coder-lora"};
        int n = 0;
        for (String name : names) {
            for (int v = 0; v < 6; v++, n++) {
                ModelInfo like = Records.record(r, name, v + 1);
                Path dir = work.resolve("m" + n);
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("config.json"), "{\"n\":" + n + "}");
                Files.writeString(dir.resolve("weights.bin"), "w".repeat(1 + n));
                PushRequest.Builder push = PushRequest.builder(dir, name).description(like.description())
                        .tags(like.tags()).metadata(like.metadata());
                if (v > 0 && r.nextBoolean()) {
                    push.parent(name + "@" + v);
                }
                den.push(push.build());
            }
        }
    }

    @Test
    void denSearchesWithDuckDbReturnWhatTheMemoryIndexReturns() throws Exception {
        Path root = tmp.resolve("den");
        RegistryIndex memory = RegistryIndex.inMemory();
        try (Den den = Den.open(duckdb(root))) {
            pushModels(den, tmp.resolve("work"));
            assertEquals(36, den.list().size());
            Random r = new Random(29);
            int nonEmpty = 0;
            for (int i = 0; i < 1500; i++) {
                RegistryQuery q = Records.query(r);
                List<ModelInfo> expected = memory.search(den.list(), q);
                assertEquals(expected, den.search(q), () -> "query " + q);
                nonEmpty += expected.isEmpty() ? 0 : 1;
            }
            assertTrue(nonEmpty > 300, "too few queries matched anything: " + nonEmpty);
            assertTrue(Files.isRegularFile(root.resolve("index").resolve(DuckDbRegistryIndex.FILE_NAME)),
                    "the den's index keeps its file in <den>/index");

            // Changes through the den reach the index at the next search.
            den.update("acme/qwen2-tiny@2", "now codes ICD-11", List.of("icd11"), ModelMetadata.builder()
                    .modelType("decoder-only").outputs(List.of(IoSpec.of("codes", DataType.TEXT))).build());
            RegistryQuery icd11 = RegistryQuery.builder().text("icd-11").tag("icd11").modelType("DECODER-ONLY")
                    .output(DataType.TEXT).build();
            assertEquals(List.of("acme/qwen2-tiny@2"), den.search(icd11).stream().map(ModelInfo::ref).toList());
            den.delete("acme/qwen2-tiny@2", true);
            assertEquals(List.of(), den.search(icd11));
            RegistryQuery latest = RegistryQuery.builder().latestOnly(true).build();
            assertEquals(memory.search(den.list(), latest), den.search(latest));
        }
    }

    @Test
    void reopenedDenRestoresTheSavedIndexInsteadOfRebuildingIt() throws Exception {
        Path root = tmp.resolve("den");
        RegistryQuery q = RegistryQuery.builder().text("coder").build();
        List<String> expected;
        try (Den den = Den.open(duckdb(root))) {
            pushModels(den, tmp.resolve("work"));
            expected = den.search(q).stream().map(ModelInfo::ref).toList();
            assertFalse(expected.isEmpty());
        }
        Path file = root.resolve("index").resolve(DuckDbRegistryIndex.FILE_NAME);
        Object saved = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        try (Den den = Den.open(duckdb(root))) {
            assertEquals(expected, den.search(q).stream().map(ModelInfo::ref).toList());
            // Every rebuild writes a new file and renames it into place; the same inode means no rebuild.
            assertEquals(saved, Files.readAttributes(file, BasicFileAttributes.class).fileKey());
            try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(root.resolve("index"))) {
                assertEquals(IndexLoad.Source.RESTORED, index.load(den.list()).source());
            }
        }
    }

    @Test
    void searchWorksWhileAnotherProcessHoldsTheIndexFile() throws Exception {
        Path root = tmp.resolve("den");
        try (Den den = Den.open(duckdb(root))) {
            pushModels(den, tmp.resolve("work"));
            den.search(RegistryQuery.ALL);
        }
        Path file = root.resolve("index").resolve(DuckDbRegistryIndex.FILE_NAME);
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), IndexFileHolder.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals(IndexFileHolder.READY, out.readLine(), "the other process opened the file for writing");
            try (Den den = Den.open(duckdb(root))) {
                RegistryQuery q = RegistryQuery.builder().tag("icd10").build();
                assertEquals(RegistryIndex.inMemory().search(den.list(), q), den.search(q));
            }
            try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(root.resolve("index"));
                    Den den = Den.open(DenConfig.defaults().withPath(root))) {
                IndexLoad load = index.load(den.list());
                assertEquals(IndexLoad.Source.BUILT, load.source(), "the held file cannot be read");
                assertFalse(load.saved(), "the held file must not be replaced");
                assertEquals(36, index.search(den.list(), RegistryQuery.ALL).size());
            }
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(20, TimeUnit.SECONDS));
            // The other process is gone but left its table in the file: it no longer matches, so it is rebuilt.
            try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(root.resolve("index"));
                    Den den = Den.open(DenConfig.defaults().withPath(root))) {
                IndexLoad load = index.load(den.list());
                assertTrue(load.source() == IndexLoad.Source.BUILT ? load.saved() : true, load.toString());
            }
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(20, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
    }

    @Test
    void registryIndexNameIsCaseInsensitive() throws Exception {
        try (Den den = Den.open(DenConfig.defaults().withPath(tmp.resolve("den")).withRegistryIndex("DuckDB"))) {
            assertEquals(List.of(), den.search(RegistryQuery.ALL));
            assertEquals("duckdb", den.config().registryIndex());
        }
    }

    @Test
    void unknownRegistryIndexNameListsTheKnownOnes() {
        DenConfigException e = assertThrows(DenConfigException.class,
                () -> Den.open(DenConfig.defaults().withPath(tmp.resolve("den")).withRegistryIndex("sqlite")));
        assertEquals("DEN4J_REGISTRY_INDEX", e.variable());
        assertEquals("DEN4J_REGISTRY_INDEX=sqlite names no registry index on the class path; use one of memory, duckdb",
                e.getMessage());
    }

    @Test
    void countsAgreeWithDenStats() throws Exception {
        try (Den den = Den.open(duckdb(tmp.resolve("den")));
                DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory()) {
            pushModels(den, tmp.resolve("work"));
            index.load(den.list());
            RegistryStats stats = den.stats();
            RegistryCounts counts = index.counts();
            assertEquals(List.of(stats.names(), stats.versions(), stats.baseModels()),
                    List.of(counts.names(), counts.versions(), counts.baseModels()));
            assertEquals(stats.logicalBytes(), counts.logicalBytes());
            assertEquals(stats.byModelType(), counts.byModelType());
            assertEquals(stats.byTag(), counts.byTag());
            assertEquals(new ArrayList<>(stats.byTag().keySet()), new ArrayList<>(counts.byTag().keySet()));
        }
    }

    @Test
    void entriesWithoutFilesAreFoundByDisplayNameAndTypeThroughDuckDb() throws Exception {
        try (Den den = Den.open(duckdb(tmp.resolve("den")))) {
            den.register("acme/summarizer", org.den4j.den.MetadataDocument.of(ModelMetadata.builder()
                    .displayName("Radiology summarizer").inputs(List.of(IoSpec.of("input", DataType.TEXT))).build()));
            Path dir = Files.createDirectories(tmp.resolve("m"));
            Files.writeString(dir.resolve("config.json"), "{}");
            den.push(PushRequest.builder(dir, "acme/other").build());
            List<ModelInfo> found = den.search(RegistryQuery.builder().text("radiology").input(DataType.TEXT).build());
            assertEquals(List.of("acme/summarizer@1"), found.stream().map(ModelInfo::ref).toList());
            assertFalse(found.get(0).hasFiles());
            // Renaming it in the registry reaches the index too (the fingerprint covers the display name).
            den.register("acme/summarizer", org.den4j.den.MetadataDocument.of(ModelMetadata.builder()
                    .displayName("Pathology summarizer").build()));
            assertEquals(List.of(), den.search(RegistryQuery.builder().text("radiology").build()));
            assertEquals(1, den.search(RegistryQuery.builder().text("pathology").build()).size());
        }
    }
}
