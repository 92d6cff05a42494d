package org.den4j.den.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DocumentKeyTest {
    private static final String SHA = "0123456789abcdef".repeat(4);

    @Test
    void formattedKeysParseBackToTheirParts() {
        assertEquals("manifests/" + SHA + ".json", DocumentKey.manifest(SHA));
        assertEquals("models/acme/tiny/@versions/12.json", DocumentKey.version("acme/tiny", 12));
        assertEquals("models/acme/tiny/@aliases.json", DocumentKey.aliases("acme/tiny"));
        assertEquals(Optional.of(new DocumentKey.ManifestKey(SHA)), DocumentKey.parse(DocumentKey.manifest(SHA)));
        assertEquals(Optional.of(new DocumentKey.VersionKey("acme/tiny", 12)),
                DocumentKey.parse("models/acme/tiny/@versions/12.json"));
        assertEquals(Optional.of(new DocumentKey.AliasesKey("acme/tiny")),
                DocumentKey.parse("models/acme/tiny/@aliases.json"));
        assertEquals("models/acme/tiny/@versions/12.json", new DocumentKey.VersionKey("acme/tiny", 12).key());
        assertEquals(Optional.of("acme/tiny"), DocumentKey.nameOf("models/acme/tiny/@aliases.json"));
        assertTrue(DocumentKey.isVersion("models/a/@versions/1.json"));
        assertTrue(DocumentKey.isAliases("models/a/@aliases.json"));
    }

    @Test
    void keysOutsideTheLayoutAreRefused() {
        for (String key : new String[] {"manifests/abc.json", "manifests/" + SHA.toUpperCase() + ".json",
                "models/a/@versions/0.json", "models/a/@versions/01.json", "models/a/@versions/1234567890.json",
                "models/a/@versions/x.json", "models//@aliases.json", "models/a/aliases.json", "other/key.json", ""}) {
            assertEquals(Optional.empty(), DocumentKey.parse(key), key);
        }
        assertFalse(DocumentKey.isVersion("models/a/@aliases.json"));
        assertEquals(Optional.empty(), DocumentKey.nameOf(DocumentKey.manifest(SHA)));
    }
}
