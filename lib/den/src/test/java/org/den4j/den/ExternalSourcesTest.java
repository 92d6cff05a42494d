package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalSourcesTest {
    @TempDir
    Path tmp;

    @Test
    void schemes() {
        assertEquals("hf", ExternalSources.schemeOf("hf:org/name@main"));
        assertEquals("hf", ExternalSources.schemeOf(" HF:org/name"));
        assertNull(ExternalSources.schemeOf("org/name@3"));
        assertNull(ExternalSources.schemeOf("sha256:abcdef"));
        assertNull(ExternalSources.schemeOf("C:\\models\\x"));
        assertNull(ExternalSources.schemeOf("name@prod"));
        assertEquals("org/name@main", ExternalSources.pathOf("hf:org/name@main"));
    }

    @Test
    void withoutTheHubModuleAnHfReferenceSaysWhatToAdd() {
        try (Den den = Den.open(DenConfig.defaults().withPath(tmp), ExternalSources.fromEnvironment(Map.of()))) {
            DenInputException e = assertThrows(DenInputException.class, () -> den.fetch("hf:org/name@main"));
            assertTrue(e.getMessage().contains("'hf:'") && e.getMessage().contains("den4j-hub"), e.getMessage());
            DenInputException other = assertThrows(DenInputException.class, () -> den.importExternal("s3:b/m"));
            assertTrue(other.getMessage().contains("'s3:'"), other.getMessage());
            assertThrows(DenInputException.class, () -> den.importExternal("org/name"));
            assertTrue(den.list().isEmpty());
        }
    }
}
