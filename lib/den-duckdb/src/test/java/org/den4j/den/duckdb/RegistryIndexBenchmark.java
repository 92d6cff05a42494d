package org.den4j.den.duckdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.ModelInfo;
import org.den4j.den.PushRequest;
import org.den4j.den.RegistryIndex;
import org.den4j.den.RegistryQuery;
import org.den4j.den.duckdb.internal.Fingerprint;
import org.den4j.den.duckdb.internal.Tables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints how long searches over 10,000 records take with the memory and DuckDB indexes, first load
 * included. Run with {@code mvn -pl lib/den-duckdb test -Dden4j.bench=true -Dtest=RegistryIndexBenchmark};
 * it asserts nothing about time.
 */
@EnabledIfSystemProperty(named = "den4j.bench", matches = "true")
class RegistryIndexBenchmark {
    private static final int MODELS = Integer.getInteger("den4j.bench.models", 10_000);
    private static final int QUERIES = 300;

    @TempDir
    Path tmp;

    @Test
    void searchOverTenThousandModels() throws Exception {
        List<ModelInfo> models = Records.random(new Random(1), MODELS);
        Random r = new Random(2);
        List<RegistryQuery> queries = new ArrayList<>();
        for (int i = 0; i < QUERIES; i++) {
            queries.add(Records.query(r));
        }
        RegistryQuery text = RegistryQuery.builder().text("icd coder").build();
        List<RegistryQuery> shapes = List.of(RegistryQuery.ALL, RegistryQuery.builder().latestOnly(true).build(), text,
                RegistryQuery.builder().tag("icd10").tag("prod").build(),
                RegistryQuery.builder().modelType("decoder-only").architecture("qwen2forcausallm").build(),
                RegistryQuery.builder().input(org.den4j.den.DataType.TEXT).output(org.den4j.den.DataType.LOGITS).build());
        System.out.printf(Locale.ROOT, "%n%,d models, %d random queries (same mix as the equivalence test)%n",
                models.size(), QUERIES);

        RegistryIndex memory = RegistryIndex.inMemory();
        report("memory", memory, models, queries, shapes);

        long t = System.nanoTime();
        String fp = Fingerprint.of(models, Tables.SCHEMA_VERSION);
        line("fingerprint (SHA-256 over the records), first", ms(t), fp.length() == 64 ? "" : "?");
        t = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            Fingerprint.of(models, Tables.SCHEMA_VERSION);
        }
        line("fingerprint, next 5", ms(t) / 5, "");

        t = System.nanoTime();
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory()) {
            line("duckdb: open in-memory database", ms(t), "");
            report("duckdb in memory", index, models, queries, shapes);
            List<ModelInfo> changed = new ArrayList<>(models);
            ModelInfo m = changed.get(5000);
            changed.set(5000, m.withMetadata("changed", m.tags(), m.metadata(), m.updated().plusSeconds(1)));
            t = System.nanoTime();
            index.search(changed, text);
            line("duckdb: search after one record changed (in place), first", ms(t), "");
            t = System.nanoTime();
            for (int i = 1; i <= 5; i++) {
                changed.set(5000, m.withMetadata("changed " + i, m.tags(), m.metadata(), m.updated().plusSeconds(i)));
                index.search(changed, text);
            }
            line("duckdb: search after one record changed (in place), next 5", ms(t) / 5, "");
            t = System.nanoTime();
            for (int i = 1; i <= 5; i++) {
                // Every record another instance: too many to splice, so fingerprint and build.
                index.load(DuckDbRegistryIndexTest.copies(changed.subList(0, changed.size() - i)));
            }
            line("duckdb: every record changed (fingerprint + full build), mean of 5", ms(t) / 5, "");
            index.load(changed);
            t = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                index.load(new ArrayList<>(changed));
            }
            line("duckdb: unchanged records in a new list (per call)", ms(t) / 100, "");
        }

        Path dir = tmp.resolve("index");
        t = System.nanoTime();
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
            index.search(models, text);
            line("duckdb file: first search, build + save", ms(t), index.lastLoad().orElseThrow().took().toMillis()
                    + " ms of it loading, saved=" + index.lastLoad().orElseThrow().saved());
        }
        System.out.printf(Locale.ROOT, "  %-62s %9.1f MiB%n", "duckdb file: size on disk",
                Files.size(dir.resolve(DuckDbRegistryIndex.FILE_NAME)) / 1048576.0);
        for (int i = 0; i < 3; i++) {
            t = System.nanoTime();
            try (DuckDbRegistryIndex index = DuckDbRegistryIndex.at(dir)) {
                index.search(DuckDbRegistryIndexTest.copies(models), text);
                line("duckdb file: first search in a new index (restore), open included", ms(t),
                        index.lastLoad().orElseThrow().source() + " " + index.lastLoad().orElseThrow().took().toMillis()
                        + " ms of it loading");
            }
        }

        readJsonAlternative(models);
    }

    /**
     * The same through a {@link Den} on disk, where every search also pays {@code den.list()}: run with
     * {@code -Dden4j.bench.den=true} (pushing the models takes minutes).
     */
    @Test
    @EnabledIfSystemProperty(named = "den4j.bench.den", matches = "true")
    void searchThroughADen() throws Exception {
        List<ModelInfo> like = Records.random(new Random(1), MODELS);
        Path root = tmp.resolve("den");
        Path dir = Files.createDirectories(tmp.resolve("m"));
        long t = System.nanoTime();
        try (Den den = Den.open(DenConfig.defaults().withPath(root))) {
            for (int i = 0; i < like.size(); i++) {
                ModelInfo m = like.get(i);
                Files.writeString(dir.resolve("weights.bin"), "w" + i);
                den.push(PushRequest.builder(dir, m.name()).description(m.description()).tags(m.tags())
                        .metadata(m.metadata()).build());
            }
        }
        System.out.printf(Locale.ROOT, "%n%,d models pushed in %.0f s; through a Den:%n", like.size(), ms(t) / 1000);
        RegistryQuery text = RegistryQuery.builder().text("icd coder").build();
        RegistryQuery tag = RegistryQuery.builder().tag("icd10").build();
        for (String name : List.of("memory", "duckdb", "memory", "duckdb")) {
            t = System.nanoTime();
            try (Den den = Den.open(DenConfig.defaults().withPath(root).withRegistryIndex(name))) {
                int hits = den.search(text).size();
                line(name + ": open den + first search (catalog read, index load)", ms(t), hits + " hits");
                for (int i = 0; i < 20; i++) {
                    den.search(tag);
                }
                t = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    den.list();
                }
                line(name + ": den.list() alone, mean", ms(t) / 50, "");
                t = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    den.search(tag);
                }
                line(name + ": den.search(tag icd10), mean", ms(t) / 50, "");
                t = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    den.search(text);
                }
                line(name + ": den.search(text 'icd coder'), mean", ms(t) / 50, "");
            }
        }
    }

    private static void report(String label, RegistryIndex index, List<ModelInfo> models, List<RegistryQuery> queries,
            List<RegistryQuery> shapes) {
        long t = System.nanoTime();
        int first = index.search(models, shapes.get(2)).size();
        line(label + ": first search (load included)", ms(t), first + " hits");
        for (int round = 0; round < 3; round++) { // warm up
            for (RegistryQuery q : queries) {
                index.search(models, q);
            }
        }
        t = System.nanoTime();
        long hits = 0;
        for (RegistryQuery q : queries) {
            hits += index.search(models, q).size();
        }
        line(label + ": random query, mean", ms(t) / queries.size(), "mean hits " + hits / queries.size());
        for (RegistryQuery q : shapes) {
            t = System.nanoTime();
            int n = 0;
            for (int i = 0; i < 20; i++) {
                n = index.search(models, q).size();
            }
            line(label + ":   " + describe(q), ms(t) / 20, n + " hits");
        }
    }

    /** What loading through a JSON file and read_json would cost, for the record: serialise, then read. */
    private void readJsonAlternative(List<ModelInfo> models) throws Exception {
        ObjectMapper json = new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Path file = tmp.resolve("models.json");
        long t = System.nanoTime();
        json.writeValue(file.toFile(), models);
        double write = ms(t);
        try (DuckDbRegistryIndex index = DuckDbRegistryIndex.inMemory()) {
            index.query("SELECT 1");
            t = System.nanoTime();
            index.query("SELECT count(*) FROM read_json(?, maximum_object_size = 1000000000)", file.toString());
            double read = ms(t);
            line("read_json alternative: Jackson writes the JSON file", write, "");
            line("read_json alternative: DuckDB reads it (no tables built yet)", read, "");
        }
        try (java.sql.Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement s = c.createStatement()) {
            t = System.nanoTime();
            s.execute("CREATE TABLE raw AS SELECT * FROM read_json('" + file + "', maximum_object_size = 1000000000)");
            s.execute("CREATE TABLE tags AS SELECT name, version, unnest(tags) AS tag FROM raw");
            s.execute("CREATE TABLE io AS SELECT name, version, unnest(metadata.inputs, recursive := true) FROM raw");
            line("read_json alternative: raw table + tags + inputs unnested", ms(t), "");
        }
    }

    private static String describe(RegistryQuery q) {
        String s = q.equals(RegistryQuery.ALL) ? "ALL" : q.toString().replace("RegistryQuery", "");
        return s.replaceAll("(, )?[a-zA-Z]+=(null|\\[\\]|false)", "").replace("[, ", "[");
    }

    private static double ms(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static void line(String what, double ms, String note) {
        System.out.printf(Locale.ROOT, "  %-62s %9.3f ms  %s%n", what, ms, note);
    }
}
