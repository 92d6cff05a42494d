package org.den4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./jbang den run --with-injection -- -cp CLASSPATH MAIN} with the real den4j agent, the one
 * {@code mvn install} put in the local Maven repository: a program that knows nothing of den4j loads a
 * tokenizer through plain DJL from {@code den:acme/tok}, which the den pushed by {@code ./jbang den push}
 * serves, and a missing model fails inside the program with the reference, the den and the closest name.
 * The {@code tokenize-den} catalog alias runs a plain DJL script with the agent ({@code java-agents}), and
 * {@code den run --code} a code string in JShell that loads the tokenizer the same way.
 */
class RealAgentRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void programStartedByTheRunnerLoadsADenTokenizerThroughPlainDjl() throws Exception {
        Path tokenizer = Files.createDirectories(tmp.resolve("tok"));
        Files.writeString(tokenizer.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
                 "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "unk_token": "[UNK]",
                           "vocab": {"[UNK]": 0, "chest": 1, "pain": 2, "fever": 3}}}
                """);
        Path den = tmp.resolve("den");
        Jbang jbang = Jbang.inRepo().withEnv("DEN4J_PATH", den.toString()).withEnv("DEN4J_TYPE", null);
        Jbang.Result push = jbang.run("den", "push", tokenizer.toString(), "--name", "acme/tok");
        assertEquals(0, push.exitCode(), push::toString);

        Jbang.Result r = jbang.withEnv("JAVA_TOOL_OPTIONS", "-Dai.djl.offline=true")
                .run("den", "run", "--with-injection", "--prefix", "den:", "--", "-cp", programClassPath(),
                        "LoadTokenizer", "den:acme/tok", "den:acme/tokk", tokenizer.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("den:acme/tok -> [1, 2, 0, 3]\n"), r::toString);
        assertTrue(r.stdout().contains("den:acme/tokk failed: java.io.IOException: den4j agent: cannot load "
                + "'den:acme/tokk' (den reference acme/tokk) from den " + den + ": No model named 'acme/tokk'"),
                r::toString);
        assertTrue(r.stdout().contains("did you mean acme/tok?"), r::toString);
        // no prefix: the folder on disk, untouched
        assertTrue(r.stdout().contains(tokenizer + " -> [1, 2, 0, 3]\n"), r::toString);
    }

    @Test
    void catalogAliasRunsAPlainDjlScriptWithTheAgent() throws Exception {
        Path tokenizer = Files.createDirectories(tmp.resolve("tok"));
        Files.writeString(tokenizer.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
                 "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "fever": 1, "cough": 2}}}
                """);
        Path den = tmp.resolve("den");
        Jbang jbang = Jbang.inRepo().withEnv("DEN4J_PATH", den.toString()).withEnv("DEN4J_TYPE", null);
        assertEquals(0, jbang.run("den", "push", tokenizer.toString(), "--name", "acme/tok").exitCode());

        Jbang.Result r = jbang.run("tokenize-den", "den:acme/tok", "Cough and fever");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("[2, 0, 1]\n", r.stdout(), r::toString);
        Jbang.Result missing = jbang.run("tokenize-den", "den:acme/tokk", "fever");
        assertEquals(1, missing.exitCode(), missing::toString);
        assertTrue(missing.stderr().contains("No model named 'acme/tokk' in den " + den + "; did you mean acme/tok?"),
                missing::toString);
    }

    @Test
    void codeStringLoadsADenTokenizerThroughTheRealAgentInJShell() throws Exception {
        Path tokenizer = Files.createDirectories(tmp.resolve("tok"));
        Files.writeString(tokenizer.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
                 "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "unk_token": "[UNK]",
                           "vocab": {"[UNK]": 0, "chest": 1, "pain": 2, "fever": 3}}}
                """);
        Path den = tmp.resolve("den");
        Jbang jbang = Jbang.inRepo().withEnv("DEN4J_PATH", den.toString()).withEnv("DEN4J_TYPE", null)
                .withEnv("JAVA_TOOL_OPTIONS", "-Dai.djl.offline=true");
        assertEquals(0, jbang.run("den", "push", tokenizer.toString(), "--name", "acme/tok").exitCode());
        String code = """
                import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
                for (String name : List.of("den:acme/tok", "den:acme/tokk")) {
                    try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(Path.of(name))) {
                        System.out.println(name + " -> " + Arrays.toString(t.encode("Chest pain and fever").getIds()));
                    }
                }
                System.out.println("not reached");
                """;
        Jbang.Result r = jbang.run("den", "run", "--with-injection", "--prefix", "den:", "--class-path",
                djlClassPath(), "--code", code);
        assertEquals(1, r.exitCode(), "the second load throws: " + r);
        assertTrue(r.stdout().contains("den:acme/tok -> [1, 2, 0, 3]\n"), r::toString);
        assertTrue(r.stderr().contains("Exception java.io.IOException: den4j agent: cannot load 'den:acme/tokk' (den "
                + "reference acme/tokk) from den " + den + ": No model named 'acme/tokk'"), r::toString);
        assertTrue(!r.stdout().contains("not reached"), r::toString);
    }

    /** DJL's tokenizers with their dependencies, from this test's class path; nothing of den4j. */
    private static String djlClassPath() {
        String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(testClassPath.split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar") && !e.contains("junit") && !e.contains("opentest4j")
                        && !e.contains("apiguardian"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** The compiled program and DJL's tokenizers with their dependencies; nothing of den4j. */
    private String programClassPath() throws Exception {
        Path src = Files.writeString(Files.createDirectories(tmp.resolve("src")).resolve("LoadTokenizer.java"), """
                import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
                import java.nio.file.Path;
                import java.util.Arrays;
                public class LoadTokenizer {
                    public static void main(String[] args) {
                        for (String name : args) {
                            try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(Path.of(name))) {
                                System.out.println(name + " -> " + Arrays.toString(t.encode("Chest pain and fever")
                                        .getIds()));
                            } catch (Exception e) {
                                System.out.println(name + " failed: " + e.getClass().getName() + ": " + e.getMessage());
                            }
                        }
                    }
                }
                """);
        String djl = djlClassPath();
        Path classes = tmp.resolve("classes");
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-cp", djl,
                "-d", classes.toString(), src.toString()));
        return classes + File.pathSeparator + djl;
    }
}
