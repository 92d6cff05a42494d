package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.den4j.den.backend.LocalBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-through cache in front of a remote backend; the "remote" here is a local den directory (a
 * real backend), so the cache's own behaviour is tested without a server. The S3 tests cover real
 * remotes, offline fallback and faults.
 */
class ReadThroughCacheTest {
    @TempDir
    Path tmp;

    private BackendSpec spec(long maxSize, Duration expiration, EvictionPolicy policy) {
        return new BackendSpec("test", DenType.HTTP, null, null, Map.of(), Map.of(),
                new CacheSettings(tmp.resolve("cache"), expiration, maxSize, policy), false, false);
    }

    private Den open(BackendSpec spec) {
        return Den.openCached(new LocalBackend(tmp.resolve("remote"), false), spec, spec.toConfig(DenConfig.defaults()),
                ExternalSources.fromEnvironment(Map.of()));
    }

    private Path model(String name, int size, int seed) throws Exception {
        Path dir = tmp.resolve("src").resolve(name);
        Files.createDirectories(dir);
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        Files.write(dir.resolve("weights.bin"), bytes);
        Files.writeString(dir.resolve("config.json"), "{\"seed\":" + seed + "}");
        return dir;
    }

    private void push(String name, int size, int seed) throws Exception {
        try (Den den = Den.at(tmp.resolve("remote"))) {
            den.push(PushRequest.builder(model(name, size, seed), name).build());
        }
    }

    @Test
    void fetchThroughCacheLinksVerifiedBlobsAndSecondFetchCopiesNothing() throws Exception {
        push("acme/a", 5000, 1);
        BackendSpec spec = spec(1_000_000, Duration.ofDays(1), EvictionPolicy.LRU);
        Path dir;
        try (Den den = open(spec)) {
            dir = den.fetch("acme/a");
            assertTrue(dir.startsWith(tmp.resolve("cache")), "fetched into the cache: " + dir);
            assertEquals(dir, den.fetch("acme/a@1"));
            List<CachedModel> cached = den.cache().orElseThrow().list();
            assertEquals(1, cached.size());
            assertEquals(List.of("acme/a@1"), cached.get(0).refs());
            assertEquals(2, cached.get(0).uses());
            assertTrue(cached.get(0).inUse(), "the open den holds it");
        }
        String sha = DenRoundTripTest.sha("{\"seed\":1}");
        Path blob = tmp.resolve("cache/blobs/sha256").resolve(sha.substring(0, 2)).resolve(sha);
        assertTrue(Files.isSameFile(blob, dir.resolve("config.json")), "the fetched file is the cached blob");
        try (Den den = open(spec)) {
            assertEquals(dir, den.fetch("acme/a"));
            assertFalse(DenCache.open(spec.cache()).list().isEmpty());
        }
    }

    @Test
    void corruptedRemoteBlobIsDetectedAndNotCached() throws Exception {
        push("acme/a", 3000, 1);
        String sha = DenRoundTripTest.sha("{\"seed\":1}");
        Path remoteBlob = tmp.resolve("remote/blobs/sha256").resolve(sha.substring(0, 2)).resolve(sha);
        Files.setPosixFilePermissions(remoteBlob, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(remoteBlob, "{\"seed\":2}");
        BackendSpec spec = spec(1_000_000, Duration.ofDays(1), EvictionPolicy.LRU);
        try (Den den = open(spec)) {
            CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> den.fetch("acme/a"));
            assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("was not cached"),
                    e.getMessage());
        }
        Path cached = tmp.resolve("cache/blobs/sha256").resolve(sha.substring(0, 2)).resolve(sha);
        assertFalse(Files.exists(cached), "a damaged download never enters the cache");
    }

    @Test
    void fullCacheEvictsLeastRecentlyUsedButNeverPinnedOrInUse() throws Exception {
        push("acme/a", 4000, 1);
        push("acme/b", 4000, 2);
        push("acme/c", 4000, 3);
        push("acme/d", 4000, 4);
        BackendSpec spec = spec(9000, Duration.ofDays(1), EvictionPolicy.LRU);
        try (Den den = open(spec)) {
            den.pin("acme/a", true);
        }
        try (Den holder = open(spec)) {
            holder.fetch("acme/b");
            try (Den den = open(spec)) {
                den.fetch("acme/c");
            }
            // Over the limit: a is pinned and b is in use, so c (least recently used) goes.
            try (Den den = open(spec)) {
                den.fetch("acme/d");
            }
            List<String> left = DenCache.open(spec.cache()).list().stream().map(CachedModel::label).sorted().toList();
            assertEquals(List.of("acme/a@1", "acme/b@1", "acme/d@1"), left);
            assertTrue(Files.isRegularFile(holder.fetch("acme/b").resolve("weights.bin")));
        }
    }

    @Test
    void leastFrequentlyUsedPolicyKeepsTheModelFetchedMost() throws Exception {
        push("acme/a", 4000, 1);
        push("acme/b", 4000, 2);
        push("acme/c", 4000, 3);
        BackendSpec spec = spec(9000, Duration.ofDays(1), EvictionPolicy.LFU);
        try (Den den = open(spec)) {
            den.fetch("acme/a");
            den.fetch("acme/a");
            den.fetch("acme/a");
            den.fetch("acme/b");
        }
        try (Den den = open(spec)) {
            den.fetch("acme/c");
        }
        List<String> left = DenCache.open(spec.cache()).list().stream().map(CachedModel::label).sorted().toList();
        assertEquals(List.of("acme/a@1", "acme/c@1"), left);
    }

    @Test
    void zeroSizeAndZeroExpirationAreHonoured() throws Exception {
        push("acme/a", 4000, 1);
        BackendSpec zeroSize = spec(0, Duration.ofDays(1), EvictionPolicy.LRU);
        try (Den den = open(zeroSize)) {
            den.fetch("acme/a");
            assertEquals(1, den.cache().orElseThrow().list().size(), "in use: kept despite the zero limit");
        }
        CachePruneReport report = DenCache.open(zeroSize.cache()).prune();
        assertEquals(List.of("acme/a@1"), report.removed());
        assertEquals(0, report.sizeAfter());

        BackendSpec zeroExpiry = spec(1_000_000, Duration.ZERO, EvictionPolicy.LRU);
        try (Den den = open(zeroExpiry)) {
            den.fetch("acme/a");
        }
        assertEquals(List.of("acme/a@1"), DenCache.open(zeroExpiry.cache()).prune().removed());
    }

    @Test
    void policyNoneRefusesToGrowPastTheLimit() throws Exception {
        push("acme/a", 4000, 1);
        push("acme/b", 4000, 2);
        BackendSpec spec = spec(6000, Duration.ofDays(1), EvictionPolicy.NONE);
        try (Den den = open(spec)) {
            den.fetch("acme/a");
            DenException e = assertThrows(DenException.class, () -> den.fetch("acme/b"));
            assertTrue(e.getMessage().contains("DEN4J_LOCAL_CACHE_EVICTION_POLICY=none"), e.getMessage());
        }
    }

    @Test
    void remoteTypeWithoutProviderNamesTheModuleToAdd() {
        BackendSpec spec = new BackendSpec(null, DenType.S3, "s3://bucket/den", null, Map.of(), Map.of(),
                new CacheSettings(tmp.resolve("cache"), null, 1000, null), false, false);
        DenConfigException e = assertThrows(DenConfigException.class, () -> Den.open(spec));
        assertTrue(e.getMessage().contains("den4j-den-s3"), e.getMessage());
        assertEquals("DEN4J_TYPE", e.variable());
    }
}
