package org.den4j.den.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.junit.jupiter.api.Test;

class ManifestJsonTest {
    private static final String SHA = "a".repeat(64);
    private static final String SHA2 = "b".repeat(64);

    @Test
    void streamingParseReadsWhatTheDenWrites() throws Exception {
        Manifest manifest = new Manifest(List.of(new FileEntry("sub/ü weights.bin", 12_345_678_901L, SHA),
                new FileEntry("config.json", 0, SHA2)));
        byte[] written = Json.bytes(manifest);
        assertEquals(manifest, ManifestJson.parse(written));
        assertEquals(Json.MAPPER.readValue(written, Manifest.class), ManifestJson.parse(written));
    }

    @Test
    void unknownFieldsAreSkippedAndGarbageIsRefused() throws Exception {
        String json = "{\"version\": {\"x\": [1, 2]}, \"files\": [{\"path\": \"a\", \"extra\": [1], \"size\": 3, "
                + "\"sha256\": \"" + SHA + "\"}], \"more\": true}";
        assertEquals(new Manifest(List.of(new FileEntry("a", 3, SHA))),
                ManifestJson.parse(json.getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> ManifestJson.parse("[1]".getBytes(StandardCharsets.UTF_8)));
    }
}
