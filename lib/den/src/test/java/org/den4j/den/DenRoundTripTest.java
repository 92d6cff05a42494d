package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenRoundTripTest {
    @TempDir
    Path tmp;

    static Path model(Path dir, String... nameAndContent) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < nameAndContent.length; i += 2) {
            Path f = dir.resolve(nameAndContent[i]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, nameAndContent[i + 1]);
        }
        return dir;
    }

    @Test
    void pushedModelFetchesWithSameBytes() throws Exception {
        Path src = model(tmp.resolve("m"), "config.json", "{\"a\":1}", "sub/weights.bin", "0123456789");
        try (Den den = Den.at(tmp.resolve("den"))) {
            PushResult r = den.push(PushRequest.builder(src, "acme/tiny").description("tiny").tags(List.of("t1")).build());
            assertEquals(1, r.model().version());
            assertFalse(r.alreadyPresent());
            Path dir = den.fetch("acme/tiny");
            String configSha = sha("{\"a\":1}");
            Path blob = tmp.resolve("den/blobs/sha256").resolve(configSha.substring(0, 2)).resolve(configSha);
            assertTrue(Files.isSameFile(blob, dir.resolve("config.json")), "a fetched file links to its blob");
            assertEquals(2, Files.getAttribute(blob, "unix:nlink"), "a hard link, not a copy");
            assertEquals("0123456789", Files.readString(dir.resolve("sub/weights.bin")));
            assertEquals(dir, den.fetch("acme/tiny@1"));
            assertEquals(dir, den.fetch("sha256:" + r.model().digest().substring(0, 8)));
            assertTrue(den.has("acme/tiny"));
        }
    }

    @Test
    void localCopyReportsAFetchedModelWithoutMakingOne() throws Exception {
        Path src = model(tmp.resolve("m"), "config.json", "{}", "weights.bin", "0123");
        try (Den den = Den.at(tmp.resolve("den"))) {
            den.push(PushRequest.builder(src, "acme/local").build());
            Path fetched = den.fetch("acme/local");
            assertEquals(java.util.Optional.of(fetched), den.localCopy("acme/local@1"));

            for (Path p : List.of(fetched.resolve("config.json"), fetched.resolve("weights.bin"), fetched)) {
                p.getParent().toFile().setWritable(true);
                p.toFile().setWritable(true);
                Files.delete(p);
            }
            assertEquals(java.util.Optional.empty(), den.localCopy("acme/local"));
            assertFalse(Files.exists(fetched), "localCopy makes nothing");
            assertEquals(java.util.Optional.empty(), den.localCopy("hf:acme/local"));
            assertThrows(ModelNotFoundException.class, () -> den.localCopy("acme/missing"));

            assertEquals(fetched, den.fetch("acme/local"));
            assertEquals(java.util.Optional.of(fetched), den.localCopy("acme/local"));
        }
    }

    static String sha(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void pushOfIdenticalContentReturnsExistingVersion() throws Exception {
        Path src = model(tmp.resolve("m"), "a.txt", "same");
        try (Den den = Den.at(tmp.resolve("den"))) {
            den.push(PushRequest.builder(src, "acme/x").build());
            PushResult again = den.push(PushRequest.builder(src, "acme/x").build());
            assertTrue(again.alreadyPresent());
            assertEquals(1, again.model().version());
            assertEquals(1, den.list().size());
        }
    }

    @Test
    void unknownNameSuggestsClosest() throws Exception {
        Path src = model(tmp.resolve("m"), "a.txt", "x");
        try (Den den = Den.at(tmp.resolve("den"))) {
            den.push(PushRequest.builder(src, "acme/icd-coder").build());
            ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> den.fetch("acme/icd-codr"));
            assertTrue(e.getMessage().contains("did you mean acme/icd-coder?"), e.getMessage());
            ModelNotFoundException far = assertThrows(ModelNotFoundException.class, () -> den.fetch("acme/nope"));
            assertEquals(List.of(), far.suggestions(), far.getMessage());
            assertTrue(far.getMessage().endsWith("(it holds 1 name; see den list)"), far.getMessage());
        }
    }
}
