package org.den4j.hub;

import static org.den4j.hub.Fixtures.bytes;
import static org.den4j.hub.Fixtures.downloadsOf;
import static org.den4j.hub.Fixtures.names;
import static org.den4j.hub.Fixtures.read;
import static org.den4j.hub.Fixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.den4j.den.ProgressListener;
import org.den4j.hub.testhub.LfsRule;
import org.den4j.hub.testhub.LocalHub;
import org.den4j.hub.testhub.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code HF_HUB_ENABLE_HF_TRANSFER=1}: large files come as parallel {@code Range} requests into one temporary file,
 * byte-identical to a single stream, checked the same way; a server without ranges gets one stream.
 */
class ParallelRangesTest {
    static final String REPO = "acme/large";
    static final int CHUNK = 64 * 1024;
    /** Sizes around the chunk: a multiple of it, one byte past a multiple, and an odd size. */
    static final Map<String, byte[]> FILES = new LinkedHashMap<>();

    static {
        FILES.put("multiple.safetensors", bytes(20 * CHUNK, 1));
        FILES.put("one-past.safetensors", bytes(6 * CHUNK + 1, 2));
        FILES.put("odd.safetensors", bytes(1_000_003, 3));
        FILES.put("threshold.safetensors", bytes(5 * CHUNK, 4)); // not above 5 chunks: one stream
        FILES.put("notes.txt", bytes(9 * CHUNK + 17, 5)); // a regular git file, from the Hub host itself
    }

    @TempDir
    Path tmp;
    LocalHub hub;
    String commit;

    @BeforeEach
    void startHub() {
        hub = LocalHub.start();
        hub.createRepo(REPO);
        commit = hub.commit(REPO, "main", FILES, LfsRule.patterns("*.safetensors"));
        hub.clearRequests();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    /** Settings as a user gets them with the variable set, with a small chunk so that small files split. */
    private HubClient client(Path cache) {
        HubSettings fromEnv = HubSettings.fromEnvironment(Map.of("HOME", tmp.toString(), "HF_HUB_CACHE",
                cache.toString(), "HF_ENDPOINT", hub.baseUrl(), "HF_HUB_ENABLE_HF_TRANSFER", "1"));
        return new HubClient(fromEnv.toBuilder().rangeChunkSize(CHUNK).rangeConnections(4).build());
    }

    @Test
    void parallelRangesGiveByteIdenticalFilesOfEverySize() {
        Path cache = tmp.resolve("hub");
        Fixtures.RecordingProgress progress = new Fixtures.RecordingProgress();
        Path snapshot;
        try (HubClient client = client(cache)) {
            snapshot = client.snapshotDownload(REPO, "main", null, null, Verification.SHA256, progress);
        }
        long total = 0;
        for (Map.Entry<String, byte[]> f : FILES.entrySet()) {
            assertArrayEquals(f.getValue(), read(snapshot.resolve(f.getKey())), f.getKey());
            total += f.getValue().length;
        }
        assertEquals(total, progress.advanced.get() - read(snapshot.resolve(".gitattributes")).length,
                "every byte reported once");

        for (String name : List.of("multiple.safetensors", "one-past.safetensors", "odd.safetensors", "notes.txt")) {
            long size = FILES.get(name).length;
            List<RecordedRequest> gets = downloadsOf(hub, name);
            int chunks = (int) ((size + CHUNK - 1) / CHUNK);
            assertEquals(chunks, gets.size(), name + ": one request per chunk: " + gets);
            TreeSet<String> ranges = new TreeSet<>();
            for (RecordedRequest r : gets) {
                assertEquals(206, r.status(), name);
                ranges.add(r.header("Range"));
            }
            TreeSet<String> expected = new TreeSet<>();
            for (long start = 0; start < size; start += CHUNK) {
                expected.add("bytes=" + start + "-" + (Math.min(size, start + CHUNK) - 1));
            }
            assertEquals(expected, ranges, name);
        }
        List<RecordedRequest> small = downloadsOf(hub, "threshold.safetensors");
        assertEquals(1, small.size(), small.toString());
        assertNull(small.get(0).header("Range"), "a file of 5 chunks is not split");
        assertEquals("cdn", downloadsOf(hub, "odd.safetensors").get(0).server());
        assertEquals("hub", downloadsOf(hub, "notes.txt").get(0).server());
        assertTrue(names(cache.resolve("models--acme--large/blobs")).stream().noneMatch(n -> n.endsWith(".incomplete")));
    }

    @Test
    void aServerWithoutRangesGetsOneStream() {
        hub.ignoreRanges();
        Path file;
        try (HubClient client = client(tmp.resolve("hub"))) {
            file = client.download(REPO, "main", "odd.safetensors", Verification.SHA256, ProgressListener.NONE);
        }
        assertArrayEquals(FILES.get("odd.safetensors"), read(file));
        List<RecordedRequest> gets = downloadsOf(hub, "odd.safetensors");
        assertEquals(2, gets.size(), "the probe's 200 is dropped after its headers, then one stream: " + gets);
        assertEquals("bytes=0-" + (CHUNK - 1), gets.get(0).header("Range"));
        assertEquals(200, gets.get(0).status());
        assertNull(gets.get(1).header("Range"));
        assertEquals(200, gets.get(1).status());
        assertEquals(FILES.get("odd.safetensors").length, gets.get(1).bodyBytes());
    }

    @Test
    void aFailedRangeIsRetriedFromItsLastByte() {
        long start = 3L * CHUNK;
        hub.failNextRange("odd.safetensors", start, 1000);
        Fixtures.RecordingProgress progress = new Fixtures.RecordingProgress();
        Path file;
        try (HubClient client = client(tmp.resolve("hub"))) {
            file = client.download(REPO, "main", "odd.safetensors", Verification.SHA256, progress);
        }
        assertArrayEquals(FILES.get("odd.safetensors"), read(file));
        assertEquals(FILES.get("odd.safetensors").length, progress.advanced.get());
        List<RecordedRequest> third = new ArrayList<>();
        for (RecordedRequest r : downloadsOf(hub, "odd.safetensors")) {
            if (r.header("Range").startsWith("bytes=" + start + "-") || r.header("Range").startsWith("bytes="
                    + (start + 1000) + "-")) {
                third.add(r);
            }
        }
        assertEquals(2, third.size(), third.toString());
        assertEquals(1000, third.get(0).bodyBytes(), "the first answer was cut");
        assertEquals("bytes=" + (start + 1000) + "-" + (start + CHUNK - 1), third.get(1).header("Range"));
        assertEquals(CHUNK - 1000, third.get(1).bodyBytes(), "only the rest of the range came again");
    }

    @Test
    void verificationStillCatchesOneCorruptedByte() {
        Path cache = tmp.resolve("hub");
        hub.corruptByte("odd.safetensors", 4L * CHUNK + 5);
        byte[] bad = FILES.get("odd.safetensors").clone();
        bad[4 * CHUNK + 5] = (byte) ~bad[4 * CHUNK + 5];
        try (HubClient client = client(cache)) {
            BadChecksumException e = assertThrows(BadChecksumException.class, () -> client.download(REPO, "main",
                    "odd.safetensors", Verification.SHA256, ProgressListener.NONE));
            assertEquals(sha256(FILES.get("odd.safetensors")), e.expected());
            assertEquals(sha256(bad), e.actual());
            assertTrue(e.getMessage().startsWith("Bad checksum for 'odd.safetensors' of acme/large at commit " + commit
                    + ": expected sha256 "), e.getMessage());
        }
        assertEquals(List.of(), names(cache.resolve("models--acme--large/blobs")), "nothing left in blobs/");
        assertTrue(downloadsOf(hub, "odd.safetensors").size() > 1, "it did come as ranges");
    }
}
