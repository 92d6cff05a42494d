package org.den4j.den.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.den4j.den.format.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardingBackendTest {
    @TempDir
    Path dir;

    /** Counts downloads: the only method it overrides. */
    private static final class CountingBackend extends ForwardingBackend {
        final AtomicInteger downloads = new AtomicInteger();

        CountingBackend(DenBackend delegate) {
            super(delegate);
        }

        @Override
        public void download(String digest, long size, Path target, LongConsumer progress) throws IOException {
            downloads.incrementAndGet();
            super.download(digest, size, target, progress);
        }
    }

    @Test
    void aDecoratorOverridesOneMethodAndEveryOtherCallReachesTheDelegate() throws IOException {
        byte[] bytes = "weights".getBytes(StandardCharsets.UTF_8);
        Path source = Files.write(dir.resolve("blob"), bytes);
        String digest = Sha256.of(source, n -> { });
        try (CountingBackend backend = new CountingBackend(new LocalBackend(dir.resolve("den"), false))) {
            assertEquals(backend.delegate().location(), backend.location());
            assertTrue(backend.putBlob(digest, source));
            assertEquals(OptionalLong.of(bytes.length), backend.blobSize(digest));
            assertTrue(backend.create("models/a/@aliases.json", "{}".getBytes(StandardCharsets.UTF_8)));
            assertEquals("{}", new String(backend.read("models/a/@aliases.json").orElseThrow().content(),
                    StandardCharsets.UTF_8));
            // downloadWithDigest is not forwarded, so it goes through the decorator's download.
            assertEquals(digest, backend.downloadWithDigest(digest, bytes.length, dir.resolve("copy"), n -> { }));
            assertEquals(1, backend.downloads.get());
        }
    }
}
