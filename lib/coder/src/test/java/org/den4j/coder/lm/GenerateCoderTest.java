package org.den4j.coder.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.coder.Code;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.Coders;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.Prediction;
import org.den4j.lm.LoraAdapter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCoderTest {
    @TempDir
    static Path dir;
    static TinyCoderData data;
    static Path coder;

    @BeforeAll
    static void train() {
        data = TinyCoderData.shared();
        // a few steps on a few notes: the test is about the folder and the constraint, not about accuracy
        coder = Coders.format("lm-generate").train(new CoderTraining(data.train().subList(0, 4),
                data.validation().subList(0, 2), data.dictionary(), dir.resolve("coder"), Map.of("base",
                data.base().toString(), "steps", "2", "batch-size", "2", "max-new-tokens", "24",
                "validation-notes", "1"), null, "cpu", 7, null, Map.of()));
    }

    @Test
    void trainedFolderHoldsThePeftAdapterThePromptAndNamesTheBase() {
        CoderConfig config = CoderConfig.read(coder);
        assertEquals("lm-generate", config.kind());
        assertEquals(data.base().toString(), config.base());
        assertTrue(Files.isRegularFile(coder.resolve(GenerateConfig.ADAPTER_DIR).resolve(LoraAdapter.CONFIG_FILE)));
        assertTrue(Files.isRegularFile(coder.resolve(GenerateConfig.ADAPTER_DIR).resolve(LoraAdapter.WEIGHTS_FILE)));
        assertEquals(GenerateConfig.DEFAULT_TEMPLATE, GenerateConfig.read(coder).promptTemplate());
    }

    @Test
    void aTrainingCompletionIsAPathOfTheTrieWithTheRealTokenizer() {
        try (Backbone b = Backbone.open(data.base().toString(), null, "cpu")) {
            for (CodedNote n : data.train().subList(0, 5)) {
                CodeTrie trie = GenerateCoder.trie(b, data.dictionary().codes(n.version()));
                String completion = String.join(CodeTrie.SEPARATOR, n.codes().stream().map(Code::code).toList());
                CodeTrie.Cursor c = trie.start();
                for (int t : b.tokenize(completion).ids()) {
                    c = c.advance(t);
                }
                c = c.advance(b.endToken());
                assertTrue(c.finished());
                assertEquals(n.codes(), c.codes(), completion);
            }
        }
    }

    @Test
    void everyCodeOfAnAnswerIsInTheDictionaryAndOfTheAskedVersionEvenForALongNote() {
        try (IcdCoder c = Coders.load(coder)) {
            for (CodedNote n : data.test().subList(0, 2)) {
                String text = n.version() == data.test().get(0).version() ? n.text() + n.text() : n.text();
                Prediction p = c.predict(text, PredictOptions.DEFAULTS.withVersion(n.version()).withThreshold(0.0));
                for (PredictedCode code : p.codes()) {
                    assertTrue(c.dictionary().contains(code.asCode()), "invented " + code.code());
                    assertEquals(n.version(), code.asCode().system().version());
                    assertTrue(code.score() >= 0 && code.score() <= 1);
                }
                assertEquals(p.codes().size(), p.codes().stream().map(PredictedCode::code).distinct().count());
            }
        }
    }

    @Test
    void examplesOfALongNoteAreOnePerChunkAndFitTheContext() {
        try (Backbone b = Backbone.open(data.base().toString(), null, "cpu")) {
            GenerateConfig config = new GenerateConfig(GenerateConfig.DEFAULT_TEMPLATE, 100, 24, 0);
            CodedNote n = data.train().get(0);
            int tokens = b.tokenize(n.text()).length();
            var examples = GenerateTrainer.examples(b, config, n, b.endToken(), b.contextLength());
            assertEquals((tokens + 99) / 100, examples.size());
            examples.forEach(e -> assertTrue(e.inputIds().length <= b.contextLength()));
            List<Integer> ends = examples.stream().map(e -> e.inputIds()[e.inputIds().length - 1]).toList();
            assertTrue(ends.stream().allMatch(id -> id == b.endToken()), "every completion is closed");
        }
    }
}
