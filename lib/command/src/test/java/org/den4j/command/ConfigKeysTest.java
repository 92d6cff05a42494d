package org.den4j.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigKeysTest {
    /** The caller's own exception, as TrainingConfigException and InferenceConfigException are. */
    static final class BadConfig extends RuntimeException {
        final String key;

        BadConfig(Path file, String key, String message) {
            super(message);
            this.key = key;
        }
    }

    @TempDir
    Path dir;

    private ConfigKeys keys(Path file) {
        return ConfigKeys.of(file, "test configuration", Path.of("config/test.yaml"), BadConfig::new);
    }

    @Test
    void readsEachKindOfValueWithItsFallback() throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"),
                "a:\n  n: 2e-4\n  i: '12'\n  s: 1.5\n  b: true\n  l: [x, y]\n  nested:\n    t: hello\n");
        ConfigKeys k = keys(file);
        JsonNode root = k.root(k.read(), Set.of("a", "b"));
        JsonNode a = k.section(root, "a", Set.of("n", "i", "s", "b", "l", "nested"));
        assertEquals(2e-4, k.number(a, "a.n", 0), 1e-12);
        assertEquals(12, k.positiveInt(a, "a.i", 1));
        assertEquals(Duration.ofMillis(1500), k.seconds(a, "a.s", Duration.ZERO, false));
        assertTrue(k.bool(a, "a.b", false));
        assertEquals(List.of("x", "y"), k.textList(a, "a.l", List.of(), false, "[x]"));
        assertEquals("hello", k.text(k.section(a, "a.nested", Set.of("t")), "a.nested.t", null));
        JsonNode b = k.section(root, "b", Set.of("x"));
        assertEquals(7, k.integer(b, "b.x", 7));
    }

    @Test
    void anUnknownKeyNamesItselfTheFileAndTheKeysAllowed() throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), "a:\n  nn: 1\n");
        ConfigKeys k = keys(file);
        BadConfig e = assertThrows(BadConfig.class,
                () -> k.section(k.root(k.read(), Set.of("a")), "a", Set.of("n", "m")));
        assertEquals("a.nn", e.key);
        assertEquals("Unknown key a.nn in " + file + "; the keys here are m, n", e.getMessage());
    }

    @Test
    void aMissingFileNamesTheShippedCopy() {
        BadConfig e = assertThrows(BadConfig.class, () -> keys(dir.resolve("nope.yaml")).read());
        assertEquals("file", e.key);
        assertTrue(e.getMessage().contains("copy config/test.yaml from den4j"), e.getMessage());
    }

    @Test
    void brokenYamlAndBadValuesSayWhatToUse() {
        ConfigKeys k = keys(null);
        BadConfig yaml = assertThrows(BadConfig.class, () -> k.root("a: [", Set.of("a")));
        assertTrue(yaml.getMessage().startsWith("the test configuration is not valid YAML"), yaml.getMessage());
        JsonNode a = k.section(k.root("a:\n  p: -3\n  o: z\n", Set.of("a")), "a", Set.of("p", "o"));
        assertEquals("a.p: -3 in the test configuration is not valid; use a whole number of at least 1",
                assertThrows(BadConfig.class, () -> k.positiveInt(a, "a.p", 1)).getMessage());
        assertTrue(assertThrows(BadConfig.class, () -> k.oneOf(a, "a.o", "x", List.of("x", "y")))
                .getMessage().endsWith("use one of x, y"));
    }
}
