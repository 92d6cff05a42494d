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

class DenSyncTest {
    @TempDir
    Path tmp;

    private void pushBaseAndTune(Den den) throws Exception {
        Path base = DenRoundTripTest.model(tmp.resolve("base"), "weights.bin", "W".repeat(5000), "config.json", "{}");
        Path tune = DenRoundTripTest.model(tmp.resolve("tune"), "weights.bin", "W".repeat(5000), "adapter.json",
                "{\"r\":8}");
        den.push(PushRequest.builder(base, "acme/base").description("the base").tags(List.of("qwen2")).build());
        den.push(PushRequest.builder(tune, "acme/tune").parent("acme/base").build());
        den.alias("acme/base", "prod", 1);
    }

    @Test
    void syncCopiesOnlyMissingBlobsAndKeepsLineageMetadataAndAliases() throws Exception {
        try (Den a = Den.at(tmp.resolve("a")); Den b = Den.at(tmp.resolve("b"))) {
            pushBaseAndTune(a);
            TransferReport r = a.sync(b, List.of("acme/tune"), ProgressListener.NONE);
            assertEquals(List.of("acme/base@1", "acme/tune@1"), r.copied(), "the parent comes first");
            assertEquals(3, r.blobsCopied());
            assertEquals(1, r.blobsSkipped(), "the weights the tune shares with its base travel once");
            ModelInfo tune = b.show("acme/tune");
            assertEquals("acme/base@1", tune.parentRef());
            assertEquals(a.show("acme/tune").digest(), tune.digest());
            assertEquals("the base", b.show("acme/base@prod").description());
            assertEquals(List.of("qwen2"), b.show("acme/base").tags());
            assertEquals("WWW", Files.readString(b.fetch("acme/tune").resolve("weights.bin")).substring(0, 3));

            TransferReport again = a.sync(b, List.of(), ProgressListener.NONE);
            assertEquals(List.of(), again.copied());
            assertEquals(List.of("acme/base@1", "acme/tune@1"), again.alreadyThere());
        }
    }

    @Test
    void moveCopiesThenDeletesAndRefusesAModelWithDerivatives() throws Exception {
        try (Den a = Den.at(tmp.resolve("a")); Den b = Den.at(tmp.resolve("b"))) {
            pushBaseAndTune(a);
            ModelInUseException inUse = assertThrows(ModelInUseException.class,
                    () -> a.move("acme/base", b, false, ProgressListener.NONE));
            assertTrue(inUse.getMessage().contains("acme/tune@1"), inUse.getMessage());
            assertFalse(b.has("acme/base"), "a refused move copies nothing");
            TransferReport r = a.move("acme/tune", b, false, ProgressListener.NONE);
            assertEquals(List.of("acme/base@1", "acme/tune@1"), r.copied());
            assertFalse(a.has("acme/tune"));
            assertTrue(a.has("acme/base"));
            assertTrue(b.has("acme/tune"));
        }
    }
}
