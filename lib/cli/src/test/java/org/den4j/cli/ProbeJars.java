package org.den4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A stand-in agent and a program to run under it, compiled and jarred by the test: the stand-in's premain
 * records its argument string in the {@code probe.agent} system property, and the program prints it.
 * They test how {@code den run} starts programs, independently of the real agent.
 */
final class ProbeJars {
    static final String AGENT = """
            package probe;
            public final class Agent {
                public static void premain(String options) {
                    System.setProperty("probe.agent", options == null ? "" : options);
                }
            }
            """;
    static final String MAIN = """
            package probe;
            public final class Main {
                public static void main(String[] args) {
                    System.out.println("agent=" + System.getProperty("probe.agent") + " args=" + String.join(" ", args)
                            + " den=" + System.getenv("DEN4J_PATH") + " type=" + System.getenv("DEN4J_TYPE"));
                    for (String a : args) {
                        if (a.startsWith("exit=")) {
                            System.exit(Integer.parseInt(a.substring(5)));
                        }
                    }
                }
            }
            """;

    final Path agentJar;
    final Path appJar;

    ProbeJars(Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/probe"));
        Files.writeString(src.resolve("Agent.java"), AGENT);
        Files.writeString(src.resolve("Main.java"), MAIN);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "--release", "17", "-d", classes.toString(),
                src.resolve("Agent.java").toString(), src.resolve("Main.java").toString());
        if (rc != 0) {
            throw new IllegalStateException("javac failed on the probe sources");
        }
        agentJar = jar(dir.resolve("probe-agent.jar"), classes.resolve("probe/Agent.class"), "Premain-Class",
                "probe.Agent");
        appJar = jar(dir.resolve("probe-app.jar"), classes.resolve("probe/Main.class"), "Main-Class", "probe.Main");
    }

    private static Path jar(Path jar, Path classFile, String attribute, String value) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name(attribute), value);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.putNextEntry(new JarEntry("probe/" + classFile.getFileName()));
            j.write(Files.readAllBytes(classFile));
            j.closeEntry();
        }
        return jar;
    }

    /** What a runner in its own JVM left: exit code and the standard output and error. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /**
     * Runs {@code den args...} in a new JVM (so that the program it starts inherits real file descriptors),
     * with {@code stdin} as standard input and {@code env} added to the environment.
     */
    static Run denInNewJvm(Path dir, String stdin, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Path in = Files.writeString(Files.createTempFile(dir, "stdin", ".txt"), stdin);
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DenMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("den " + String.join(" ", args) + " did not finish in 2 minutes");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** {@code den} as scripts/den.java runs it, for {@link #denInNewJvm}. */
    static final class DenMain {
        public static void main(String... args) {
            System.exit(DenCommand.commandLine().execute(args));
        }
    }
}
