package org.den4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.den4j.agent.app.ModelApp;
import org.den4j.agent.app.NoModelApp;
import org.den4j.den.Den;
import org.den4j.den.PushRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real JVMs started with {@code -javaagent:den4j-agent-0.1.0.jar} (the shaded jar) running programs that
 * know nothing of den4j: their class path holds DJL and the program only.
 */
class AgentJvmIT {
    @TempDir
    static Path tmp;
    static Path root;
    static Path agentJar;
    static String expected;
    static String snapshot;
    static Path diskModel;

    @BeforeAll
    static void den() throws Exception {
        System.setProperty("ai.djl.offline", "true");
        agentJar = Path.of(System.getProperty("den4j.agent.jar", "target/den4j-agent-0.1.0.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(agentJar), agentJar + " is built by mvn package");
        root = tmp.resolve("den");
        diskModel = tmp.resolve("tiny");
        expected = TinyModel.write(diskModel);
        try (Den den = Den.at(root)) {
            den.push(PushRequest.builder(diskModel, "acme/tiny").build());
            TinyDen.pushTokenizer(den, tmp, "acme/tok");
            snapshot = den.fetch("acme/tiny").toString();
        }
    }

    /** DJL and its dependencies, the test programs; not den4j's classes, ByteBuddy, Jackson or JUnit. */
    private static String programClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(cp.split(File.pathSeparator))
                .filter(e -> !e.endsWith("classes") || e.endsWith("test-classes"))
                .filter(e -> !e.contains("den4j-") && !e.contains("byte-buddy") && !e.contains("jackson")
                        && !e.contains("snakeyaml") && !e.contains("junit") && !e.contains("opentest4j")
                        && !e.contains("apiguardian"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static Result launch(List<String> jvmOptions, String classPath, Class<?> main, String... args)
            throws IOException, InterruptedException {
        return launch(root, jvmOptions, classPath, main, args);
    }

    private static Result launch(Path denPath, List<String> jvmOptions, String classPath, Class<?> main,
            String... args) throws IOException, InterruptedException {
        return launch(java.util.Map.of("DEN4J_PATH", denPath.toString()), jvmOptions, classPath, main, args);
    }

    /** Runs {@code main} in a new JVM with {@code env} added (an empty value removes the variable). */
    private static Result launch(java.util.Map<String, String> env, List<String> jvmOptions, String classPath,
            Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dai.djl.offline=true"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("DEN4J_AGENT_"));
        env.forEach((name, value) -> {
            if (value.isEmpty()) {
                pb.environment().remove(name);
            } else {
                pb.environment().put(name, value);
            }
        });
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    private record Result(int exit, String out) {
    }

    @Test
    void agentJarIsSmallShadedAndHasTheAgentManifest() throws IOException {
        assertTrue(Files.size(agentJar) < 5_000_000, agentJar + " is " + Files.size(agentJar) + " bytes");
        try (JarFile jar = new JarFile(agentJar.toFile())) {
            var attributes = jar.getManifest().getMainAttributes();
            assertEquals("org.den4j.agent.AgentMain", attributes.getValue("Premain-Class"));
            assertEquals("org.den4j.agent.AgentMain", attributes.getValue("Agent-Class"));
            assertEquals("true", attributes.getValue("Can-Retransform-Classes"));
            List<String> names = jar.stream().map(e -> e.getName()).toList();
            assertTrue(names.contains("org/den4j/agent/shaded/bytebuddy/jar/asm/ClassReader.class"));
            assertTrue(names.contains("org/den4j/agent/shaded/bytebuddy/agent/ByteBuddyAgent.class"));
            assertTrue(names.contains("org/den4j/agent/shaded/den/Den.class"));
            assertTrue(names.stream().noneMatch(n -> n.startsWith("ai/djl/") || n.startsWith("net/bytebuddy/")
                    || n.startsWith("com/fasterxml/") || n.startsWith("org/den4j/den/")), "nothing unrelocated");
        }
    }

    @Test
    void programLoadsDenModelAndTokenizerThroughPlainDjl() throws Exception {
        Path map = tmp.resolve("map.properties");
        Files.writeString(map, diskModel.resolveSibling("mapped") + "=acme/tiny@1\n");
        Result r = launch(List.of("-javaagent:" + agentJar + "=prefix=den:,mapper=" + map + ",save=den-save:"), programClassPath(),
                ModelApp.class,
                "model", "den:acme/tiny",
                "tokenizer", "den:acme/tok",
                "tokenizer-id", "den:acme/tok",
                "url", "den://acme/tiny@1",
                "model", diskModel.toString(),
                "model", diskModel.resolveSibling("mapped").toString(),
                "model", "den:acme/tiny9",
                "tokenizer", "den:acme/tokk",
                "save", "den-save:acme/saved");
        String out = r.out();
        assertEquals(0, r.exit(), out);
        assertTrue(out.contains("model den:acme/tiny -> " + expected + " from " + snapshot + "\n"), out);
        assertTrue(out.contains("tokenizer den:acme/tok -> [1, 2, 3]\n"), out);
        assertTrue(out.contains("tokenizer-id den:acme/tok -> [1, 2, 3]\n"), out);
        assertTrue(out.contains("url den://acme/tiny@1 -> " + expected + " from " + snapshot + "\n"), out);
        // no prefix: DJL reads the folder on disk, untouched
        assertTrue(out.contains("model " + diskModel + " -> " + expected + " from " + diskModel + "\n"), out);
        // the mapper sends a plain path to the den
        assertTrue(out.contains("model " + diskModel.resolveSibling("mapped") + " -> " + expected + " from "
                + snapshot + "\n"), out);
        assertTrue(out.contains("model den:acme/tiny9 failed: ai.djl.repository.zoo.ModelNotFoundException: "
                + "den4j agent: cannot load 'den:acme/tiny9' (den reference acme/tiny9) from den " + root
                + ": No model named 'acme/tiny9' in den " + root + "; did you mean acme/tiny?"), out);
        assertTrue(out.contains("tokenizer den:acme/tokk failed: java.io.IOException: den4j agent: cannot load "
                + "'den:acme/tokk' (den reference acme/tokk) from den " + root + ": No model named 'acme/tokk'"), out);
        assertTrue(out.contains("did you mean acme/tok"), out);
        // a save under the save prefix became a den push
        assertTrue(out.contains("den4j agent: saved acme/saved@1 in den " + root + "\n"), out);
        assertTrue(out.contains("save den-save:acme/saved -> done\n"), out);
        try (Den den = Den.at(root)) {
            assertTrue(Files.isRegularFile(den.fetch("acme/saved@1").resolve("tiny-0000.params")));
        }
    }

    @Test
    void agentDoesNotDisturbAProgramThatLoadsNoModel() throws Exception {
        Path unopened = tmp.resolve("no-den-here");
        Result r = launch(unopened, List.of("-javaagent:" + agentJar), programClassPath(), NoModelApp.class);
        assertEquals(0, r.exit(), r.out());
        assertEquals("sum 55\n", r.out());
        assertFalse(Files.exists(unopened), "the den is opened only at the first den reference");
    }

    @Test
    void injectAttachesTheShadedAgentInProcessAndCloseUndoesIt() throws Exception {
        Result r = launch(List.of(), programClassPath() + File.pathSeparator + agentJar,
                org.den4j.agent.app.InjectingApp.class, "model", "den:acme/tiny");
        String out = r.out();
        assertEquals(0, r.exit(), out);
        int closed = out.indexOf("active false\n");
        assertTrue(out.startsWith("active true\n"), out);
        assertTrue(closed > 0, out);
        assertTrue(out.substring(0, closed).contains("model den:acme/tiny -> " + expected + " from " + snapshot
                + "\n"), out);
        assertTrue(out.substring(closed).contains("model den:acme/tiny failed: "
                + "ai.djl.repository.zoo.ModelNotFoundException"), out);
    }

    @Test
    void denUrlsWorkWithoutTheAgentWhenTheJarIsOnTheClassPath() throws Exception {
        Result r = launch(List.of(), programClassPath() + File.pathSeparator + agentJar, ModelApp.class,
                "url", "den://acme/tiny@1", "url", "den:acme/tiny", "model", "den:acme/tiny");
        String out = r.out();
        assertEquals(0, r.exit(), out);
        assertTrue(out.contains("url den://acme/tiny@1 -> " + expected + " from " + snapshot + "\n"), out);
        assertTrue(out.contains("url den:acme/tiny -> " + expected + " from " + snapshot + "\n"), out);
        // without the agent a den: path is an ordinary (missing) path
        assertTrue(out.contains("model den:acme/tiny failed: ai.djl.repository.zoo.ModelNotFoundException"), out);
    }

    @Test
    void agentAttachedToARunningProgramRedirectsItsLaterLoads() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", programClassPath(), org.den4j.agent.app.AttachLaterApp.class.getName(),
                tmp.resolve("tok-src").toString(), "tokenizer", "den:acme/tok", "model", "den:acme/tiny");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DEN4J_PATH", root.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("DEN4J_AGENT_"));
        Process p = pb.start();
        try {
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder before = new StringBuilder();
            for (String line = lines.readLine(); !"ready".equals(line); line = lines.readLine()) {
                assertTrue(line != null, "the program ended before it was ready:\n" + before);
                before.append(line).append('\n');
            }
            assertTrue(before.toString().contains("before [1, 2, 3]"), before.toString());
            com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(String.valueOf(p.pid()));
            try {
                vm.loadAgent(agentJar.toString(), "prefix=den:");
            } finally {
                vm.detach();
            }
            p.getOutputStream().write('\n');
            p.getOutputStream().flush();
            String out = lines.lines().collect(Collectors.joining("\n", "", "\n"));
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            // the tokenizer class was loaded before the agent came: it was retransformed
            assertTrue(out.contains("tokenizer den:acme/tok -> [1, 2, 3]\n"), out);
            assertTrue(out.contains("model den:acme/tiny -> " + expected + " from " + snapshot + "\n"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void backendOptionServesLoadsFromTheNamedBackendOfTheBackendsFile() throws Exception {
        Path empty = tmp.resolve("empty-den");
        Path backends = tmp.resolve("backends.json");
        Files.writeString(backends, "{\"default_backend\": \"laptop\", \"backends\": {"
                + "\"laptop\": {\"type\": \"local_user\", \"location\": \"" + empty + "\"},"
                + "\"team\": {\"type\": \"local_user\", \"location\": \"" + root + "\"}}}");
        for (String backend : List.of("team", "nowhere")) {
            Result r = launch(java.util.Map.of("DEN4J_BACKENDS_JSON", backends.toString(), "DEN4J_PATH", ""),
                    List.of("-javaagent:" + agentJar + "=prefix=den:,backend=" + backend), programClassPath(),
                    ModelApp.class, "tokenizer", "den:acme/tok");
            String out = r.out();
            assertEquals(0, r.exit(), out);
            if (backend.equals("team")) {
                assertTrue(out.contains("tokenizer den:acme/tok -> [1, 2, 3]\n"), out);
            } else {
                assertTrue(out.contains("tokenizer den:acme/tok failed: java.io.IOException: den4j agent: cannot open "
                        + "the den to load 'den:acme/tok'"), out);
                assertTrue(out.contains("laptop") && out.contains("team"), "the known backends are listed: " + out);
            }
        }
        assertFalse(Files.exists(empty), "the default backend was not opened");
    }

    @Test
    void backendOptionReachesADenServerThroughTheHttpDenType() throws Exception {
        try (org.den4j.serve.den.DenServer server = org.den4j.serve.den.DenServer.builder(root)
                .keys(org.den4j.serve.den.ApiKeys.of("reader", "s3cret-reader-key",
                        org.den4j.serve.den.ApiKeys.Scope.READ)).port(0).start()) {
            Path backends = tmp.resolve("http-backends.json");
            Files.writeString(backends, "{\"default_backend\": \"team\", \"backends\": {\"team\": {\"type\": \"http\", "
                    + "\"host\": \"" + server.url() + "\", \"credentials\": {\"token\": \"env:TEAM_DEN_KEY\"}, "
                    + "\"cache\": {\"path\": \"" + tmp.resolve("http-cache") + "\"}}}}");
            for (String key : List.of("s3cret-reader-key", "wrong-key")) {
                Result r = launch(java.util.Map.of("DEN4J_BACKENDS_JSON", backends.toString(), "TEAM_DEN_KEY", key,
                        "DEN4J_PATH", ""), List.of("-javaagent:" + agentJar + "=prefix=den:,backend=team"),
                        programClassPath(), ModelApp.class, "tokenizer", "den:acme/tok");
                String out = r.out();
                assertEquals(0, r.exit(), out);
                if (key.startsWith("s3cret")) {
                    assertTrue(out.contains("tokenizer den:acme/tok -> [1, 2, 3]\n"), out);
                } else {
                    assertTrue(out.contains("tokenizer den:acme/tok failed: java.io.IOException: den4j agent: cannot"),
                            out);
                    assertTrue(out.contains("401") || out.contains("not one of this server's keys"), out);
                }
            }
        }
    }

    @Test
    void densOwnLanguageModelLoaderIsRedirected() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("lm-src"));
        Files.writeString(folder.resolve("config.json"), """
                {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 8,
                 "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1,
                 "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "tie_word_embeddings": true, "vocab_size": 8,
                 "max_position_embeddings": 32, "torch_dtype": "float32"}
                """);
        Files.writeString(folder.resolve("tokenizer.json"), TinyDen.TOKENIZER_JSON);
        String lmSnapshot;
        try (Den den = Den.at(root)) {
            den.push(PushRequest.builder(folder, "acme/lm-no-weights").build());
            lmSnapshot = den.fetch("acme/lm-no-weights").toString();
        }
        // the whole test class path but the unshaded agent classes, which the agent jar brings relocated
        String cp = Arrays.stream(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator)).filter(e -> !e.replace('\\', '/').endsWith("lib/agent/target/classes"))
                .collect(Collectors.joining(File.pathSeparator));
        Result r = launch(List.of("-javaagent:" + agentJar + "=prefix=den:"), cp, org.den4j.agent.app.LmApp.class,
                "den:acme/lm-no-weights", "den:acme/lm-no-weight");
        String out = r.out();
        assertEquals(0, r.exit(), out);
        // served from the den's folder, whose missing weights the loader then reports by that folder's path
        assertTrue(out.contains("lm den:acme/lm-no-weights failed: org.den4j.lm."), out);
        assertTrue(out.contains(lmSnapshot), out);
        assertTrue(out.contains("lm den:acme/lm-no-weight failed: org.den4j.lm.LmException: den4j agent: cannot load "
                + "'den:acme/lm-no-weight'"), out);
        assertTrue(out.contains("did you mean acme/lm-no-weights?"), out);
    }
}
