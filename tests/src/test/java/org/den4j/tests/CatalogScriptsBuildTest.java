package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every alias of {@code jbang-catalog.json} names a script that exists and compiles against the installed den4j
 * jars ({@code ./jbang build ALIAS}): a script that no other test runs (most benchmarks) would otherwise break
 * unseen when a library method it calls changes. The builds use their own JBang cache, so each one compiles: a
 * jar JBang built before from the same script text would hide a script that no longer compiles.
 */
class CatalogScriptsBuildTest {
    private final Path root = RepoRoot.find();

    @TestFactory
    Stream<DynamicTest> everyCatalogAliasBuilds() throws IOException {
        Path cache = Files.createTempDirectory(Files.createDirectories(root.resolve("tests/target")), "jbang-cache");
        JsonNode aliases = new ObjectMapper().readTree(root.resolve("jbang-catalog.json").toFile()).get("aliases");
        List<String> names = new ArrayList<>();
        aliases.fieldNames().forEachRemaining(names::add);
        assertFalse(names.isEmpty(), "jbang-catalog.json has no aliases");
        return names.stream().map(alias -> dynamicTest(alias, () -> {
            Path script = root.resolve(aliases.get(alias).get("script-ref").asText());
            assertTrue(Files.isRegularFile(script), alias + " names " + script + ", which does not exist");
            Jbang.Result result = Jbang.inRepo().withEnv("JBANG_CACHE_DIR", cache.toString()).run("build", alias);
            assertTrue(result.isSuccess(), alias + " (" + root.relativize(script) + ") does not build: " + result);
        }));
    }
}
