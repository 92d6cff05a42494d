package org.den4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.den4j.agent.app.ModelApp;
import org.den4j.den.Den;
import org.den4j.den.PushRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DenInjection#inject} in this JVM: real DJL loads (PyTorch engine, HF tokenizers) served by the den. */
class InProcessInjectionTest {
    @TempDir
    static Path tmp;
    static Path root;
    static String expected;

    @BeforeAll
    static void den() throws Exception {
        System.setProperty("ai.djl.offline", "true");
        root = tmp.resolve("den");
        expected = TinyModel.write(tmp.resolve("tiny"));
        try (Den den = Den.at(root)) {
            den.push(PushRequest.builder(tmp.resolve("tiny"), "acme/tiny").build());
            TinyDen.pushTokenizer(den, tmp, "acme/tok");
        }
    }

    private static String run(String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            ModelApp.main(args);
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void injectServesDjlLoadsFromTheDenUntilClosed() throws Exception {
        try (Den den = Den.at(root);
                DenInjection.Injection injection = DenInjection.inject(den, AgentOptions.defaults())) {
            String snapshots = den.fetch("acme/tiny").toString();
            String out = run("model", "den:acme/tiny", "tokenizer", "den:acme/tok", "tokenizer-id", "den:acme/tok",
                    "url", "den://acme/tiny@1", "model", "den:acme/tiny9");
            assertTrue(out.contains("model den:acme/tiny -> " + expected + " from " + snapshots), out);
            assertTrue(out.contains("tokenizer den:acme/tok -> [1, 2, 3]"), out);
            assertTrue(out.contains("tokenizer-id den:acme/tok -> [1, 2, 3]"), out);
            assertTrue(out.contains("url den://acme/tiny@1 -> " + expected + " from " + snapshots), out);
            assertTrue(out.contains("model den:acme/tiny9 failed: ai.djl.repository.zoo.ModelNotFoundException: "
                    + "den4j agent: cannot load 'den:acme/tiny9' (den reference acme/tiny9) from den " + root), out);
            assertTrue(out.contains("did you mean acme/tiny"), out);
        }
        assertFalse(DenInjection.isActive());
        String after = run("model", "den:acme/tiny");
        assertTrue(after.contains("model den:acme/tiny failed: "), after);
        assertFalse(after.contains("den4j"), after);
    }

    @Test
    void resolveIsTheHookForDen4jLoaders() throws Exception {
        try (Den den = Den.at(root);
                DenInjection.Injection injection = DenInjection.inject(den, AgentOptions.defaults())) {
            assertTrue(DenInjection.resolve("den:acme/tok").resolve("tokenizer.json").toFile().isFile());
            assertEquals(Path.of("/plain/dir"), DenInjection.resolve("/plain/dir"));
            injection.close();
            assertFalse(DenInjection.isActive());
            assertTrue(den.has("acme/tok"), "the den the caller opened stays open");
        }
    }
}
