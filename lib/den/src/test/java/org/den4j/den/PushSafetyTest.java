package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.den4j.den.format.ManifestJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A push stores what the folder holds and nothing else; manifests hold only names every OS can hold. */
class PushSafetyTest {
    static final String SHA = "a".repeat(64);

    @TempDir
    Path tmp;

    private Path model() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(dir.resolve("config.json"), "{}");
        return dir;
    }

    @Test
    void linksOutOfTheFolderAreRefusedEvenWhenFollowingLinks() throws Exception {
        Path secret = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("s.txt"), "secret");
        Path dir = model();
        Files.createSymbolicLink(dir.resolve("s.txt"), Path.of("../outside/s.txt"));
        try (Den den = Den.at(tmp.resolve("den"))) {
            for (boolean follow : new boolean[] {false, true}) {
                DenInputException e = assertThrows(DenInputException.class, () -> den.push(
                        PushRequest.builder(dir, "a/leak").followSymlinks(follow).build()));
                assertEquals("Model directory " + dir + " holds a symbolic link 's.txt' that points outside it (to "
                        + secret.toRealPath() + "); den push stores only what is inside the folder: copy the file "
                        + "in, or remove the link", e.getMessage());
            }
            Files.delete(dir.resolve("s.txt"));
            Files.createSymbolicLink(dir.resolve("passwd"), Path.of("/etc/passwd"));
            DenInputException e = assertThrows(DenInputException.class,
                    () -> den.push(PushRequest.builder(dir, "a/leak").build()));
            assertTrue(e.getMessage().contains("'passwd' that points outside it (to /etc/passwd)"), e.getMessage());
            assertTrue(den.list().isEmpty(), "nothing was stored");
        }
    }

    @Test
    void linksInsideTheFolderArePushedOnlyWhenAsked() throws Exception {
        Path dir = model();
        Files.createSymbolicLink(dir.resolve("alias.json"), Path.of("config.json"));
        try (Den den = Den.at(tmp.resolve("den"))) {
            DenInputException e = assertThrows(DenInputException.class,
                    () -> den.push(PushRequest.builder(dir, "a/links").build()));
            assertEquals("Model directory " + dir + " holds a symbolic link 'alias.json' (to config.json inside it); "
                    + "pass --follow-symlinks (PushRequest.followSymlinks) to push what it points to, or remove "
                    + "the link", e.getMessage());
            PushResult pushed = den.push(PushRequest.builder(dir, "a/links").followSymlinks(true).build());
            assertEquals(List.of("alias.json", "config.json"),
                    den.manifest(pushed.model().ref()).files().stream().map(FileEntry::path).toList());
        }
    }

    @Test
    void fifosAndOtherSpecialFilesAreRefusedNotSkipped() throws Exception {
        Path dir = model();
        Path fifo = dir.resolve("pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        try (Den den = Den.at(tmp.resolve("den"))) {
            DenInputException e = assertThrows(DenInputException.class,
                    () -> den.push(PushRequest.builder(dir, "a/fifo").build()));
            assertEquals("Model directory " + dir + " holds 'pipe', which is not a regular file (a FIFO, device or "
                    + "socket); den push stores regular files only: remove it, then push", e.getMessage());
        }
    }

    @Test
    void manifestPathsAreNamesEveryOsCanHold() {
        // With a newline in a path, one file's canonical text could equal two files' text.
        String forged = "a\n" + SHA + " 1 b";
        DenInputException e = assertThrows(DenInputException.class, () -> new FileEntry(forged, 1, SHA));
        assertEquals("File path 'a\\u000a" + SHA + " 1 b' holds a NUL, newline or other control character; rename "
                + "the file so that every operating system can hold it", e.getMessage());
        assertThrows(DenInputException.class, () -> new FileEntry("config\0.json", 1, SHA));
        assertThrows(DenInputException.class, () -> new FileEntry("a:b.json", 1, SHA));
        assertThrows(DenInputException.class, () -> new FileEntry("dir./x", 1, SHA));
        assertThrows(DenInputException.class, () -> new FileEntry("sub/CON.txt", 1, SHA));
        assertThrows(DenInputException.class, () -> new FileEntry("x".repeat(256), 1, SHA));
        assertEquals("onnx/model-00001-of-00002.safetensors",
                new FileEntry("onnx/model-00001-of-00002.safetensors", 1, SHA).path());

        byte[] json = ("{\"files\":[{\"path\":\"config\\u0000.json\",\"size\":1,\"sha256\":\"" + SHA + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThrows(DenInputException.class, () -> ManifestJson.parse(json), "a clear error, not InvalidPath");
    }
}
