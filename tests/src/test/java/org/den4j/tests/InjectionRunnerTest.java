package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/**
 * {@code ./jbang den run --with-injection -- SCRIPT} as a user runs it: the runner starts the script
 * through the repo's ./jbang with JBang's {@code --javaagent}, the script's stdout is all that reaches
 * stdout, and its exit code is the runner's. A stand-in agent records its options in a system property,
 * so this tests how programs are started, not the agent (other target kinds: lib/cli RunCommandTest).
 * Two JBang launches (den, then the script).
 */
class InjectionRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void aJbangScriptRunsWithTheAgentAndItsExitCodeComesBack() throws Exception {
        Path script = Files.createDirectories(RepoRoot.find().resolve("tests/target/jbang-scripts"))
                .resolve("agent_probe.java");
        Files.writeString(script, """
                ///usr/bin/env jbang "$0" "$@" ; exit $?
                public class agent_probe {
                    public static void main(String[] args) {
                        System.out.println("agent=" + System.getProperty("probe.agent") + " args="
                                + String.join(" ", args));
                        System.exit(Integer.parseInt(args[args.length - 1]));
                    }
                }
                """);
        Jbang.Result r = Jbang.inRepo().withEnv("DEN4J_AGENT_JAR", probeAgent().toString())
                .run("den", "run", "--with-injection", "--prefix", "den:", "--", script.toString(), "a b", "3");
        assertEquals(3, r.exitCode(), r::toString);
        assertEquals("agent=prefix=den: args=a b 3\n", r.stdout(), r::toString);
    }

    /** A jar whose premain stores its argument string in the {@code probe.agent} system property. */
    private Path probeAgent() throws Exception {
        Path src = Files.writeString(Files.createDirectories(tmp.resolve("src/probe")).resolve("Agent.java"), """
                package probe;
                public final class Agent {
                    public static void premain(String options) {
                        System.setProperty("probe.agent", String.valueOf(options));
                    }
                }
                """);
        Path classes = tmp.resolve("classes");
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d",
                classes.toString(), src.toString()));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), "probe.Agent");
        Path jar = tmp.resolve("probe-agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.putNextEntry(new JarEntry("probe/Agent.class"));
            j.write(Files.readAllBytes(classes.resolve("probe/Agent.class")));
            j.closeEntry();
        }
        return jar;
    }
}
