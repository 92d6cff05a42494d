package org.den4j.den.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.den4j.den.BackendSpec;
import org.den4j.den.CacheSettings;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.EvictionPolicy;
import org.den4j.den.ExternalSources;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import org.den4j.den.backend.StoredDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every S3-compatible server must give the s3 den: the round trip, conditional writes, concurrent
 * pushes, blob reuse and multipart transfers. Subclasses name a real server (s3proxy, MinIO) with a
 * bucket {@code models}.
 */
abstract class S3DenContract {
    @TempDir
    Path tmp;

    /** A spec for an s3 den on the server at {@code location}. */
    abstract BackendSpec spec(String name, String location, CacheSettings cache);

    CacheSettings cache() {
        return new CacheSettings(tmp.resolve("cache"), Duration.ofDays(1), 10_000_000_000L, EvictionPolicy.LRU);
    }

    String prefix() {
        return "s3://models/" + tmp.getFileName();
    }

    static Den open(BackendSpec spec) {
        return Den.open(spec, DenConfig.defaults(), ExternalSources.fromEnvironment(Map.of()));
    }

    static Path model(Path dir, long weightBytes, int seed) throws Exception {
        Files.createDirectories(dir);
        byte[] bytes = new byte[(int) weightBytes];
        new Random(seed).nextBytes(bytes);
        Files.write(dir.resolve("model.safetensors"), bytes);
        Files.writeString(dir.resolve("config.json"), "{\"seed\": " + seed + "}");
        return dir;
    }

    @Test
    void pushedModelFetchesThroughTheCacheWithTheSameBytes() throws Exception {
        Path src = model(tmp.resolve("m"), 200_000, 1);
        BackendSpec spec = spec("team", prefix(), cache());
        try (Den den = open(spec)) {
            PushResult pushed = den.push(PushRequest.builder(src, "acme/tiny").description("tiny").build());
            assertEquals(1, pushed.model().version());
            assertTrue(den.location().startsWith("s3://models/"), den.location());
        }
        try (Den den = open(spec)) {
            Path dir = den.fetch("acme/tiny@1");
            assertTrue(dir.startsWith(tmp.resolve("cache")), dir.toString());
            assertArrayEquals(Files.readAllBytes(src.resolve("model.safetensors")),
                    Files.readAllBytes(dir.resolve("model.safetensors")));
            assertEquals("tiny", den.show("acme/tiny").description());
            den.alias("acme/tiny", "prod", 1);
            assertEquals(dir, den.fetch("acme/tiny@prod"));
        }
        try (S3Backend backend = new S3Backend(S3Settings.from(spec))) {
            assertEquals(2, backend.listBlobs().size(), "same content-addressed layout in the bucket");
        }
    }


    @Test
    void conditionalWritesAreCreateOnlyAndCompareAndSwapOnEtag() throws Exception {
        try (S3Backend backend = new S3Backend(S3Settings.from(spec("t", prefix(), cache())))) {
            assertTrue(backend.create("models/x/@aliases.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
            assertFalse(backend.create("models/x/@aliases.json", "{\"a\":2}".getBytes(StandardCharsets.UTF_8)),
                    "If-None-Match: * refuses to overwrite");
            StoredDocument doc = backend.read("models/x/@aliases.json").orElseThrow();
            assertEquals("{\"a\":1}", new String(doc.content(), StandardCharsets.UTF_8));
            assertTrue(backend.replace("models/x/@aliases.json", "{\"a\":3}".getBytes(StandardCharsets.UTF_8),
                    doc.etag()));
            assertFalse(backend.replace("models/x/@aliases.json", "{\"a\":4}".getBytes(StandardCharsets.UTF_8),
                    doc.etag()), "If-Match on a stale etag is refused");
            assertEquals("{\"a\":3}", new String(backend.read("models/x/@aliases.json").orElseThrow().content(),
                    StandardCharsets.UTF_8));
            assertFalse(backend.replace("models/y/@aliases.json", new byte[] {'{', '}'}, "\"nope\""));
            assertEquals(List.of("models/x/@aliases.json"),
                    backend.list("models/").stream().map(d -> d.key()).toList());
        }
    }


    @Test
    void concurrentPushesOfOneNameGetDistinctVersions() throws Exception {
        BackendSpec spec = spec("team", prefix(), cache());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Den den = open(spec)) {
            List<Future<PushResult>> pushes = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Path src = model(tmp.resolve("c" + i), 1000, 10 + i);
                pushes.add(pool.submit(() -> den.push(PushRequest.builder(src, "acme/race").build())));
            }
            java.util.Set<Integer> versions = new java.util.TreeSet<>();
            for (Future<PushResult> f : pushes) {
                versions.add(f.get().model().version());
            }
            assertEquals(java.util.Set.of(1, 2, 3, 4), versions);
        } finally {
            pool.shutdownNow();
        }
    }


    @Test
    void fineTuneSharingItsBaseUploadsOnlyTheNewBlobs() throws Exception {
        Path base = model(tmp.resolve("base"), 300_000, 2);
        Path tuned = tmp.resolve("tuned");
        Files.createDirectories(tuned);
        Files.copy(base.resolve("model.safetensors"), tuned.resolve("model.safetensors"));
        Files.writeString(tuned.resolve("adapter_config.json"), "{\"r\": 8}");
        try (Den den = open(spec("team", prefix(), cache()))) {
            den.push(PushRequest.builder(base, "acme/base").build());
            PushResult r = den.push(PushRequest.builder(tuned, "acme/tuned").parent("acme/base").build());
            assertEquals(300_000, r.reusedBytes(), "the shared weights are not uploaded again");
            assertEquals(8, r.newBytes());
            assertEquals("acme/base@1", r.model().parentRef());
        }
    }


    @Test
    void largeBlobUploadsInPartsAndDownloadsInParallelRanges() throws Exception {
        Path src = model(tmp.resolve("big"), 13L << 20, 3);
        BackendSpec spec = spec("team", prefix(), cache()).withOption("part_size", String.valueOf(5L << 20))
                .withOption("multipart_threshold", String.valueOf(5L << 20))
                .withOption("range_size", String.valueOf(5L << 20));
        try (Den den = open(spec)) {
            den.push(PushRequest.builder(src, "acme/big").build());
        }
        try (Den den = open(spec)) {
            Path dir = den.fetch("acme/big");
            assertArrayEquals(Files.readAllBytes(src.resolve("model.safetensors")),
                    Files.readAllBytes(dir.resolve("model.safetensors")));
        }
    }
}
