package org.den4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent benchmark's start-up rows with a stand-in agent whose premain does nothing. */
class AgentBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void reportsStartUpWithAndWithoutTheAgent() throws Exception {
        Path src = Files.writeString(Files.createDirectories(tmp.resolve("p")).resolve("A.java"),
                "package p; public class A { public static void premain(String o) { } }");
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", tmp.toString(),
                src.toString()));
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(new Attributes.Name("Premain-Class"), "p.A");
        Path jar = tmp.resolve("a.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new JarEntry("p/A.class"));
            j.write(Files.readAllBytes(tmp.resolve("p/A.class")));
        }
        BenchReport report = AgentBenchmark.builder(jar).launches(1).build().run();
        Measurement startup = report.row(AgentBenchmark.STARTUP).orElseThrow();
        assertTrue(startup.value() > 0 && startup.referenceValue() > 0, report::toTable);
        assertEquals(startup.value() - startup.referenceValue(),
                report.row(AgentBenchmark.STARTUP_ADDED).orElseThrow().value(), 1e-9);
        assertTrue(report.toTable().contains("start-up time the agent adds"), report::toTable);
        // lib/bench has no DJL: the load rows need the bench-agent script's class path
        assertEquals("skipped: ai.djl.huggingface.tokenizers.HuggingFaceTokenizer is not on the class path "
                + "(./jbang bench-agent adds it)", report.row(AgentBenchmark.LOAD_FIRST).orElseThrow().note());
    }

    @Test
    void aMissingAgentJarSaysHowToGetIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentBenchmark.builder(tmp.resolve("none.jar")).build());
        assertEquals("Agent jar " + tmp.resolve("none.jar") + " does not exist; install it with mvn -DskipTests "
                + "install at the repo root, or give its path", e.getMessage());
    }
}
