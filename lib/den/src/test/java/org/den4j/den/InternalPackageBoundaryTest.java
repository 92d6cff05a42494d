package org.den4j.den;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build check that keeps {@code org.den4j.den.internal} internal: no source outside {@code lib/den}
 * (other modules' main and test code, scripts, end-to-end tests, notebooks) may name it. It runs in
 * every {@code mvn install} that builds the den, and its failure names each file, line and import.
 */
class InternalPackageBoundaryTest {
    private static final String INTERNAL = "org.den4j.den.internal";

    @Test
    void nothingOutsideTheDenModuleUsesItsInternalPackage() throws IOException {
        Path root = repositoryRoot();
        assertNotNull(root, "Cannot find the repository root (a folder holding lib/den/pom.xml) above "
                + Path.of("").toAbsolutePath() + "; run the den's tests from the den4j checkout");
        List<String> uses = usesOfInternal(root);
        assertTrue(uses.isEmpty(), uses.size() + " uses of " + INTERNAL + " outside lib/den; it is not an API. Use "
                + "org.den4j.den.format (storage format: keys, documents, manifest JSON, SHA-256), org.den4j.den.backend "
                + "(backends, LocalBackend), org.den4j.den.io (file trees, file locks) or the Den API instead:\n  "
                + String.join("\n  ", uses));
    }

    @Test
    void theCheckNamesTheFileTheLineAndTheImport(@TempDir Path root) throws IOException {
        Path source = root.resolve("lib/other/src/main/java/x/Uses.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package x;\n\nimport " + INTERNAL + ".Catalog;\n");
        Path allowed = root.resolve("lib/den/src/main/java/org/den4j/den/Den.java");
        Files.createDirectories(allowed.getParent());
        Files.writeString(allowed, "import " + INTERNAL + ".Catalog;\n");
        Path script = root.resolve("scripts/tool.java");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "class T { Object o = " + INTERNAL + ".Sha256.newDigest(); }\n");
        assertEquals(List.of("lib/other/src/main/java/x/Uses.java:3: import " + INTERNAL + ".Catalog;",
                "scripts/tool.java:1: class T { Object o = " + INTERNAL + ".Sha256.newDigest(); }"), usesOfInternal(root));
    }

    /** Every line outside lib/den that names the internal package, as {@code path:line: text}. */
    static List<String> usesOfInternal(Path root) throws IOException {
        List<String> uses = new ArrayList<>();
        for (String dir : List.of("lib", "scripts", "tests", "notebooks")) {
            Path top = root.resolve(dir);
            if (!Files.isDirectory(top)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(top)) {
                for (Path file : files.filter(InternalPackageBoundaryTest::isSource).sorted().toList()) {
                    String relative = root.relativize(file).toString().replace('\\', '/');
                    if (relative.startsWith("lib/den/") || relative.contains("/target/")) {
                        continue;
                    }
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).contains(INTERNAL)) {
                            uses.add(relative + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return uses;
    }

    private static boolean isSource(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".java") || name.endsWith(".jsh") || name.endsWith(".ipynb"));
    }

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("lib/den/pom.xml"))) {
                return p;
            }
        }
        return null;
    }
}
