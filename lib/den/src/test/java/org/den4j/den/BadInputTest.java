package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputTest {
    @TempDir
    Path tmp;

    @Test
    void namesThatWalkDirectoriesOrUseOtherCharactersAreRejected() {
        assertMessage("contains '..'", () -> ModelRef.checkName("acme/../etc"));
        assertMessage("is an absolute path", () -> ModelRef.checkName("/etc/passwd"));
        assertMessage("outside [A-Za-z0-9._-/]", () -> ModelRef.checkName("acme/model name"));
        assertMessage("outside [A-Za-z0-9._-/]", () -> ModelRef.checkName("acme/mödel"));
        assertMessage("empty segment", () -> ModelRef.checkName("acme//x"));
        assertEquals("org/name-1.5B_v2", ModelRef.checkName("org/name-1.5B_v2"));
    }

    @Test
    void referencesParseEveryForm() {
        assertEquals(new ModelRef("a/b", 0, null, null), ModelRef.parse("a/b"));
        assertEquals(new ModelRef("a/b", 3, null, null), ModelRef.parse("a/b@3"));
        assertEquals(new ModelRef("a/b", 0, "prod", null), ModelRef.parse("a/b@prod"));
        assertEquals(new ModelRef(null, 0, null, "ab12cd"), ModelRef.parse("sha256:AB12CD"));
        assertMessage("6 to 64 lower-case hex digits", () -> ModelRef.parse("sha256:ab"));
        assertMessage("versions start at 1", () -> ModelRef.parse("a/b@0"));
        assertMessage("ends with '@'", () -> ModelRef.parse("a/b@"));
    }

    @Test
    void emptyOrMissingDirectoryIsRejected() throws Exception {
        try (Den den = Den.at(tmp.resolve("den"))) {
            Path empty = Files.createDirectories(tmp.resolve("empty/sub"));
            assertMessage("holds no files", () -> den.push(PushRequest.builder(empty.getParent(), "a/b").build()));
            assertMessage("does not exist", () -> den.push(PushRequest.builder(tmp.resolve("nope"), "a/b").build()));
            Path file = Files.writeString(tmp.resolve("f.txt"), "x");
            assertMessage("is a file, not a directory", () -> den.push(PushRequest.builder(file, "a/b").build()));
        }
    }

    @Test
    void zipEntriesEscapingTheTargetAreRefused() throws Exception {
        Path zip = tmp.resolve("evil.zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("config.json"));
            z.write("{}".getBytes());
            z.putNextEntry(new ZipEntry("../../escaped.txt"));
            z.write("gotcha".getBytes());
        }
        try (Den den = Den.at(tmp.resolve("den"))) {
            assertMessage("escapes the target directory", () -> den.importPack(zip, PushRequest.builder(tmp, "a/evil").build()));
            assertTrue(den.list().isEmpty());
        }
        assertTrue(Files.notExists(tmp.resolve("escaped.txt")));
        Path notZip = Files.writeString(tmp.resolve("not.zip"), "plain text");
        try (Den den = Den.at(tmp.resolve("den"))) {
            assertMessage("not a zip", () -> den.importPack(notZip, PushRequest.builder(tmp, "a/b").build()));
        }
    }

    @Test
    void zipBombStopsAtItsExpansionLimitAndImportsNothing() throws Exception {
        // 200 MB of zeros deflate to about 200 KB: a thousand to one, past the limit of a hundred.
        Path bomb = tmp.resolve("bomb.zip");
        try (OutputStream out = Files.newOutputStream(bomb); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("config.json"));
            z.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("model.safetensors"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) {
                z.write(zeros);
            }
        }
        try (Den den = Den.at(tmp.resolve("den"))) {
            DenInputException e = assertThrows(DenInputException.class,
                    () -> den.importPack(bomb, PushRequest.builder(tmp, "a/bomb").build()));
            assertTrue(e.getMessage().startsWith("Zip " + bomb + " expands to more than "), e.getMessage());
            assertTrue(e.getMessage().endsWith("refusing it as a zip bomb. Nothing was imported."), e.getMessage());
            assertTrue(den.list().isEmpty());
        }
    }

    @Test
    void zipEntryNamesWithNulAndNonZipBytesAreClearErrors() throws Exception {
        Path zip = tmp.resolve("nul.zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("config\u0000.json"));
            z.write('x');
        }
        Path truncated = tmp.resolve("truncated.zip");
        byte[] whole = Files.readAllBytes(zip);
        Files.write(truncated, java.util.Arrays.copyOf(whole, 40));
        try (Den den = Den.at(tmp.resolve("den"))) {
            assertMessage("has an entry whose name holds a NUL or control character ('config?.json')",
                    () -> den.importPack(zip, PushRequest.builder(tmp, "a/nul").build()));
            assertMessage("is not a valid zip", () -> den.importPack(truncated, PushRequest.builder(tmp, "a/t").build()));
        }
    }

    @Test
    void denPathThatIsAFileIsRejected() throws Exception {
        Path file = Files.writeString(tmp.resolve("den-file"), "x");
        DenConfigException e = assertThrows(DenConfigException.class, () -> Den.at(file));
        assertTrue(e.getMessage().contains("is a file, not a directory"), e.getMessage());
        assertEquals("DEN4J_PATH", e.variable());
    }

    @Test
    void denPathThatIsNotWritableIsRejected() throws Exception {
        Path ro = Files.createDirectories(tmp.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            if (Files.isWritable(ro)) {
                // root ignores permissions; a read-only file system would be needed to test this case.
                return;
            }
            assertMessage("not writable", () -> Den.at(ro.resolve("den")));
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void invalidDenTypeNamesTheVariableAndTheAcceptedValues() {
        DenConfigException e = assertThrows(DenConfigException.class,
                () -> DenConfig.fromEnvironment(Map.of("DEN4J_TYPE", "ftp")));
        assertEquals("DEN4J_TYPE=ftp is not a den type; use one of local_user, local_machine, s3, http, hf", e.getMessage());
        assertEquals(DenType.LOCAL_MACHINE, DenConfig.fromEnvironment(Map.of("DEN4J_TYPE", "Local-Machine")).type());
    }

    @Test
    void environmentValuesOfZeroAreHonouredAndBadNumbersNamed() {
        DenConfig c = DenConfig.fromEnvironment(Map.of("DEN4J_LOCAL_CACHE_EXPIRATION_TIME", "0",
                "DEN4J_LOCAL_CACHE_MAX_SIZE", "0", "DEN4J_LOCAL_CACHE_EVICTION_POLICY", "least_frequently_used"));
        assertEquals(0, c.cacheExpiration().getSeconds());
        assertEquals(0, c.cacheMaxSize());
        assertEquals(EvictionPolicy.LFU, c.evictionPolicy());
        assertEquals(DenConfig.DEFAULT_CACHE_MAX_SIZE, DenConfig.fromEnvironment(Map.of()).cacheMaxSize());
        assertMessage("DEN4J_LOCAL_CACHE_MAX_SIZE=10GB is not a whole number of bytes",
                () -> DenConfig.fromEnvironment(Map.of("DEN4J_LOCAL_CACHE_MAX_SIZE", "10GB")));
        assertMessage("DEN4J_REMOTE_ALLOW_PUSH_FINETUNED=maybe is not a boolean",
                () -> DenConfig.fromEnvironment(Map.of("DEN4J_REMOTE_ALLOW_PUSH_FINETUNED", "maybe")));
    }

    @Test
    void userDataDirectoryFollowsEachPlatform() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/x/data"), DenConfig.userDataDirectory(Map.of("XDG_DATA_HOME", "/x/data"), "Linux", home));
        assertEquals(home.resolve(".local/share"), DenConfig.userDataDirectory(Map.of(), "Linux", home));
        assertEquals(home.resolve("Library/Application Support"), DenConfig.userDataDirectory(Map.of(), "Mac OS X", home));
        assertEquals(Path.of("C:/Users/u/AppData/Local"),
                DenConfig.userDataDirectory(Map.of("LOCALAPPDATA", "C:/Users/u/AppData/Local"), "Windows 11", home));
    }

    @Test
    void corruptedBlobIsReportedAndNeverUsed() throws Exception {
        Path src = DenRoundTripTest.model(tmp.resolve("m"), "config.json", "{}", "weights.bin", "good weights");
        try (Den den = Den.at(tmp.resolve("den"))) {
            ModelInfo m = den.push(PushRequest.builder(src, "acme/x").build()).model();
            FileEntry weights = den.manifest("acme/x").files().stream().filter(f -> f.path().equals("weights.bin"))
                    .findFirst().orElseThrow();
            Path blob = tmp.resolve("den/blobs/sha256").resolve(weights.sha256().substring(0, 2)).resolve(weights.sha256());
            // The model's fetched directory is derived data; drop it as a copy of the den without it would.
            org.den4j.den.io.FileTree.delete(tmp.resolve("den/snapshots").resolve(m.digest()));
            Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
            Files.writeString(blob, "evil weights");
            CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> den.fetch("acme/x"));
            assertEquals("weights.bin", e.file());
            assertEquals("acme/x@1", e.model());
            assertEquals(weights.sha256(), e.digest());
            assertTrue(e.getMessage().contains("content hashes to"), e.getMessage());
            VerifyReport report = den.verify();
            assertEquals(1, report.problems().size());
            assertTrue(report.problems().get(0).toString().startsWith("acme/x@1 weights.bin (sha256:" + weights.sha256()),
                    report.problems().toString());
            assertTrue(Files.notExists(tmp.resolve("den/snapshots").resolve(m.digest())), "no fetched copy may exist");
        }
    }

    @Test
    void verifySetsADamagedBlobAsideAndAPushRestoresIt() throws Exception {
        Path src = DenRoundTripTest.model(tmp.resolve("m"), "config.json", "{}", "weights.bin", "good weights");
        try (Den den = Den.at(tmp.resolve("den"))) {
            den.push(PushRequest.builder(src, "acme/x").build());
            Path weights = den.fetch("acme/x").resolve("weights.bin").toRealPath();
            Files.setPosixFilePermissions(weights, PosixFilePermissions.fromString("rw-r--r--"));
            Files.writeString(weights, "evil weights"); // same size: only a re-hash notices
            assertEquals(1, den.verify().problems().size());
            assertMessage("the blob is missing", () -> den.fetch("acme/x"));
            PushResult again = den.push(PushRequest.builder(src, "acme/x").build());
            assertTrue(again.alreadyPresent());
            assertEquals("good weights".length(), again.newBytes(), "the damaged blob was stored afresh");
            assertEquals("good weights", Files.readString(den.fetch("acme/x").resolve("weights.bin")));
            assertTrue(den.verify().isClean());
            try (var q = Files.list(tmp.resolve("den/quarantine"))) {
                assertEquals(1, q.count(), "the damaged blob is kept for inspection");
            }
        }
    }

    @Test
    void truncatedBlobFailsLaterFetchesByItsSize() throws Exception {
        Path src = DenRoundTripTest.model(tmp.resolve("m"), "weights.bin", "0123456789");
        try (Den den = Den.at(tmp.resolve("den"))) {
            den.push(PushRequest.builder(src, "acme/x").build());
            Path dir = den.fetch("acme/x");
            Path blob = dir.resolve("weights.bin").toRealPath();
            Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
            Files.writeString(blob, "01234");
            assertMessage("size is 5 bytes, expected 10", () -> den.fetch("acme/x"));
        }
    }

    static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable action) {
        DenException e = assertThrows(DenException.class, action);
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }
}
