package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scripts' {@code //DEPS} follow the versions the root pom manages: one DJL version (the BOM's), one SLF4J
 * version, and at most one SLF4J binding per script (bindings belong to applications, never to libraries).
 */
class ScriptDependenciesTest {
    private static final Pattern DEPS = Pattern.compile("^//DEPS ([^:\\s]+):([^:\\s]+):(\\S+)", Pattern.MULTILINE);

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertTrue(m.find(), "the root pom has no <" + name + ">");
        return m.group(1).trim();
    }

    @Test
    void scriptsUseTheRootPomsDjlAndSlf4jVersionsAndOneBindingEach() throws IOException {
        Path root = RepoRoot.find();
        String pom = Files.readString(root.resolve("pom.xml"));
        String djl = property(pom, "djl.version");
        String slf4j = property(pom, "slf4j.version");
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> scripts = Files.list(root.resolve("scripts"))) {
            for (Path script : scripts.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = DEPS.matcher(Files.readString(script));
                int bindings = 0;
                while (m.find()) {
                    String group = m.group(1);
                    String artifact = m.group(2);
                    String version = m.group(3);
                    if (group.startsWith("ai.djl") && !version.equals(djl)) {
                        wrong.add(script.getFileName() + ": " + m.group() + " (root pom: DJL " + djl + ")");
                    }
                    if (group.equals("org.slf4j")) {
                        bindings += artifact.equals("slf4j-api") ? 0 : 1;
                        if (!version.equals(slf4j)) {
                            wrong.add(script.getFileName() + ": " + m.group() + " (root pom: SLF4J " + slf4j + ")");
                        }
                    }
                }
                if (bindings > 1) {
                    wrong.add(script.getFileName() + ": " + bindings + " SLF4J bindings");
                }
            }
        }
        assertEquals(List.of(), wrong);
    }
}
