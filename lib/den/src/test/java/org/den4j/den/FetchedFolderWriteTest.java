package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fetched folder links its files to the blobs; a write into one (as root, which ignores the read-only mode)
 * must not reach the next fetch of any model that shares the blob.
 */
class FetchedFolderWriteTest {
    @TempDir
    Path tmp;

    private static Path folder(Path dir, String own) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("shared.bin"), "weights shared by both models");
        Files.writeString(dir.resolve("own.txt"), own);
        return dir;
    }

    @Test
    void writeIntoASharedBlobIsAnErrorForEveryModelThatSharesIt() throws Exception {
        try (Den den = Den.at(tmp.resolve("den"))) {
            den.push(PushRequest.builder(folder(tmp.resolve("one"), "one"), "a/one").build());
            den.push(PushRequest.builder(folder(tmp.resolve("two"), "two"), "a/two").build());
            Path one = den.fetch("a/one");
            den.fetch("a/two");
            Thread.sleep(50); // past the file system's clock tick
            Path shared = one.resolve("shared.bin");
            shared.toFile().setWritable(true);
            Files.writeString(shared, "WEIGHTS SHARED BY BOTH MODELS"); // same size, other bytes
            CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> den.fetch("a/two"),
                    "the other model's folder shares the damaged blob");
            assertTrue(e.getMessage().contains("shared.bin"), e.getMessage());
            assertThrows(CorruptBlobException.class, () -> den.fetch("a/one"));
        }
    }

    @Test
    void fileReplacedInAFetchedFolderIsMadeAgainFromItsBlob() throws Exception {
        try (Den den = Den.at(tmp.resolve("den"))) {
            den.push(PushRequest.builder(folder(tmp.resolve("one"), "one"), "a/one").build());
            Path one = den.fetch("a/one");
            Thread.sleep(50);
            one.toFile().setWritable(true);
            Files.delete(one.resolve("own.txt")); // as an editor saves: a new file in place of the link
            Files.writeString(one.resolve("own.txt"), "ONE");
            Path again = den.fetch("a/one");
            assertEquals("one", Files.readString(again.resolve("own.txt")), "the blob was intact: made again");
            assertEquals("weights shared by both models", Files.readString(again.resolve("shared.bin")));
        }
    }
}
