package org.den4j.den.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreeTest {
    @TempDir
    Path dir;

    @Test
    void deleteRemovesReadOnlyTreesAndCountsWhatWent() throws IOException {
        Path tree = dir.resolve("model");
        Files.createDirectories(tree.resolve("sub"));
        Files.writeString(tree.resolve("config.json"), "{}");
        Files.write(tree.resolve("sub/weights.bin"), new byte[1000]);
        Files.createSymbolicLink(tree.resolve("link"), dir);
        Files.setPosixFilePermissions(tree.resolve("sub"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("r-xr-xr-x"));
        assertEquals(1002, FileTree.size(tree));
        assertEquals(List.of(tree.resolve("config.json"), tree.resolve("sub/weights.bin")), FileTree.files(tree));

        assertEquals(new FileTree.Removed(5, 1002), FileTree.delete(tree));
        assertFalse(Files.exists(tree));
        assertTrue(Files.isDirectory(dir), "the link's target is left alone");
        assertEquals(FileTree.Removed.NOTHING, FileTree.delete(tree));
        assertEquals(0, FileTree.size(tree));
    }

    @Test
    void deleteNamesThePathItCannotRemoveAndQuietDeletionIgnoresIt() throws IOException {
        Path parent = Files.createDirectories(dir.resolve("locked"));
        Path file = Files.writeString(parent.resolve("f.txt"), "x");
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(parent), "root ignores permissions: nothing to refuse");
            IOException e = assertThrows(IOException.class, () -> FileTree.delete(file));
            assertTrue(e.getMessage().startsWith("Cannot delete " + file), e.getMessage());
            FileTree.deleteQuietly(file);
            FileTree.deleteQuietly(null);
            assertTrue(Files.exists(file));
        } finally {
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
