package org.den4j.den.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.den4j.den.BackendSpec;
import org.den4j.den.CacheSettings;
import org.den4j.den.CorruptBlobException;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.DenConfigException;
import org.den4j.den.DenException;
import org.den4j.den.PushRequest;
import org.den4j.den.s3.testing.LocalS3;
import org.den4j.den.s3.testing.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The s3 den against a real S3 server (s3proxy on loopback), one server for the class. */
class S3DenTest extends S3DenContract {
    @TempDir
    static Path shared;
    static LocalS3 s3;

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

    @Override
    BackendSpec spec(String name, String location, CacheSettings cache) {
        return s3.spec(name, location, cache);
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

    @Test
    void verifyChecksTheServersCopyEvenWhenTheCacheHoldsAGoodOne() throws Exception {
        Path src = model(tmp.resolve("m"), 40_000, 8);
        try (Den den = open(s3.spec("team", prefix(), cache()))) {
            den.push(PushRequest.builder(src, "acme/checked").build());
            den.fetch("acme/checked");
        }
        Path blobs = s3.dataDir().resolve("models").resolve(tmp.getFileName().toString()).resolve("blobs");
        Path weights;
        try (var files = Files.walk(blobs)) {
            weights = files.filter(p -> Files.isRegularFile(p) && sizeOf(p) == 40_000).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(weights);
        bytes[7] ^= 1;
        Files.write(weights, bytes);
        try (Den den = open(s3.spec("team", prefix(), cache()))) {
            org.den4j.den.VerifyReport report = den.verify();
            assertEquals(1, report.problems().size(), report.toString());
            assertEquals("model.safetensors", report.problems().get(0).file());
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
