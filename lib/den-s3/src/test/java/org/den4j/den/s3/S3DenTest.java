package org.den4j.den.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.den4j.den.CorruptBlobException;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.DenConfigException;
import org.den4j.den.DenException;
import org.den4j.den.EvictionPolicy;
import org.den4j.den.ExternalSources;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import org.den4j.den.backend.StoredDocument;
import org.den4j.den.s3.testing.LocalS3;
import org.den4j.den.s3.testing.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The s3 den against a real S3 server (s3proxy on loopback), one server for the class. */
class S3DenTest {
    @TempDir
    static Path shared;
    static LocalS3 s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() {
        s3 = LocalS3.start(shared.resolve("s3"));
        s3.createBucket("models");
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.close();
        }
    }

    private CacheSettings cache() {
        return new CacheSettings(tmp.resolve("cache"), Duration.ofDays(1), 10_000_000_000L, EvictionPolicy.LRU);
    }

    private String prefix() {
        return "s3://models/" + tmp.getFileName();
    }

    private Den open(BackendSpec spec) {
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
        BackendSpec spec = s3.spec("team", prefix(), cache());
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
        Path blobs = s3.dataDir().resolve("models").resolve(tmp.getFileName().toString()).resolve("blobs");
        assertTrue(Files.isDirectory(blobs), "same content-addressed layout in the bucket: " + blobs);
    }

    @Test
    void conditionalWritesAreCreateOnlyAndCompareAndSwapOnEtag() throws Exception {
        try (S3Backend backend = new S3Backend(S3Settings.from(s3.spec("t", prefix(), cache())))) {
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
        BackendSpec spec = s3.spec("team", prefix(), cache());
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
        try (Den den = open(s3.spec("team", prefix(), cache()))) {
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
        BackendSpec spec = s3.spec("team", prefix(), cache()).withOption("part_size", String.valueOf(5L << 20))
                .withOption("multipart_threshold", String.valueOf(5L << 20));
        try (Den den = open(spec)) {
            den.push(PushRequest.builder(src, "acme/big").build());
        }
        try (Den den = open(spec)) {
            Path dir = den.fetch("acme/big");
            assertArrayEquals(Files.readAllBytes(src.resolve("model.safetensors")),
                    Files.readAllBytes(dir.resolve("model.safetensors")));
        }
    }

    @Test
    void droppedConnectionDuringDownloadResumes() throws Exception {
        Path src = model(tmp.resolve("big"), 12L << 20, 4);
        try (Den den = open(s3.spec("team", prefix(), cache()))) {
            den.push(PushRequest.builder(src, "acme/flaky").build());
        }
        try (TcpRelay relay = TcpRelay.start(s3.port())) {
            BackendSpec spec = s3.spec("team", prefix(), cache());
            spec = new BackendSpec(spec.name(), spec.type(), spec.location(), relay.endpoint(), spec.credentials(),
                    Map.of("path_style", "true", "region", "us-east-1", "part_size", String.valueOf(6L << 20)),
                    spec.cache(), false, false);
            try (Den den = open(spec)) {
                relay.cutResponsesAfter(1 << 20, 3);
                Path dir = den.fetch("acme/flaky");
                assertArrayEquals(Files.readAllBytes(src.resolve("model.safetensors")),
                        Files.readAllBytes(dir.resolve("model.safetensors")));
                assertTrue(relay.cuts() >= 1, "the relay cut " + relay.cuts() + " connections");
            }
        }
    }

    @Test
    void corruptedObjectOnTheServerIsDetectedAndNotCached() throws Exception {
        Path src = model(tmp.resolve("m"), 50_000, 5);
        try (Den den = open(s3.spec("team", prefix(), cache()))) {
            den.push(PushRequest.builder(src, "acme/damaged").build());
        }
        Path blobs = s3.dataDir().resolve("models").resolve(tmp.getFileName().toString()).resolve("blobs");
        Path weights;
        try (var files = Files.walk(blobs)) {
            weights = files.filter(p -> Files.isRegularFile(p) && sizeOf(p) == 50_000).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(weights);
        bytes[1234] ^= 1;
        Files.write(weights, bytes);
        try (Den den = open(s3.spec("team", prefix(), cache()))) {
            CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> den.fetch("acme/damaged"));
            assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("not cached"),
                    e.getMessage());
            assertEquals(weights.getFileName().toString(), e.digest());
        }
        try (var files = Files.walk(tmp.resolve("cache/blobs"))) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().equals(weights.getFileName().toString())),
                    "the damaged download is not in the cache");
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Test
    void unreachableDenServesCachedModelsAndNamesUncachedOnes() throws Exception {
        try (TcpRelay relay = TcpRelay.start(s3.port())) {
            BackendSpec direct = s3.spec("team", prefix(), cache());
            try (Den den = open(direct)) {
                den.push(PushRequest.builder(model(tmp.resolve("a"), 10_000, 6), "acme/cached").build());
                den.push(PushRequest.builder(model(tmp.resolve("b"), 10_000, 7), "acme/uncached").build());
            }
            // The same den reached through a relay that then goes away, as a network would.
            BackendSpec viaRelay = new BackendSpec("team", direct.type(), direct.location(), relay.endpoint(),
                    direct.credentials(), direct.options(), direct.cache(), false, false);
            Path dir;
            try (Den den = open(viaRelay)) {
                dir = den.fetch("acme/cached");
            }
            relay.close();
            try (Den den = open(viaRelay)) {
                assertEquals(dir, den.fetch("acme/cached"), "a cached model still fetches offline");
                DenException e = assertThrows(DenException.class, () -> den.fetch("acme/uncached"));
                assertTrue(e.getMessage().contains("is unreachable") && e.getMessage().contains("not in the local cache"),
                        e.getMessage());
            }
        }
    }

    @Test
    void missingBucketAndBadLocationAreClearErrors() throws Exception {
        DenConfigException bad = assertThrows(DenConfigException.class,
                () -> S3Settings.from(s3.spec("team", "s3://Not_A_Bucket/x", cache())));
        assertTrue(bad.getMessage().contains("does not name an S3 bucket"), bad.getMessage());
        try (Den den = open(s3.spec("team", "s3://no-such-bucket/den", cache()))) {
            DenException e = assertThrows(DenException.class,
                    () -> den.push(PushRequest.builder(model(tmp.resolve("m"), 10, 1), "acme/x").build()));
            assertTrue(e.getMessage().contains("Bucket no-such-bucket") && e.getMessage().contains("does not exist"),
                    e.getMessage());
        }
    }
}
