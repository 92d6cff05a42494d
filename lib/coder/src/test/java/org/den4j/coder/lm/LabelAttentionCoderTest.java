package org.den4j.coder.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.Coders;
import org.den4j.coder.Evidence;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.Prediction;
import org.den4j.coder.ScoredCode;
import org.den4j.lm.LoraAdapter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelAttentionCoderTest {
    @TempDir
    static Path dir;
    static TinyCoderData data;
    static Path frozen;

    @BeforeAll
    static void train() {
        data = TinyCoderData.shared();
        frozen = Coders.format("lm-label-attention").train(training(dir.resolve("coder"),
                Map.of("base", data.base().toString(), "epochs", "2", "chunk", "128", "projection", "16")));
    }

    static CoderTraining training(Path out, Map<String, String> settings) {
        return training(out, settings, data.train(), data.validation());
    }

    static CoderTraining training(Path out, Map<String, String> settings, List<CodedNote> train,
            List<CodedNote> validation) {
        return new CoderTraining(train, validation, data.dictionary(), out, settings, null, "cpu", 7, null,
                Map.of("database", data.database().toString()));
    }

    @Test
    void trainedFolderHoldsConfigDictionaryHeadAndThresholdsAndNamesTheBase() throws Exception {
        CoderConfig config = CoderConfig.read(frozen);
        assertEquals("lm-label-attention", config.kind());
        assertEquals(data.base().toString(), config.base());
        assertTrue(config.metrics().containsKey("validation_micro_f1"), config.metrics().toString());
        assertTrue(Files.isRegularFile(frozen.resolve(LabelAttentionHead.FILE_NAME)));
        assertTrue(Files.isRegularFile(frozen.resolve(LabelAttentionConfig.FILE_NAME)));
        assertFalse(Files.exists(frozen.resolve(LabelAttentionConfig.ADAPTER_DIR)), "a frozen backbone has no adapter");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".coder")), "staging left behind");
        }
    }

    @Test
    void loadedCoderAnswersInOneVersionWithDescribedCodesScoresAndEvidenceFromTheNote() {
        CodedNote note = data.test().get(0);
        try (IcdCoder coder = Coders.load(frozen)) {
            Prediction p = coder.predict(note.text(), PredictOptions.DEFAULTS.withVersion(note.version())
                    .withThreshold(0.0).withTopK(5));
            assertEquals(5, p.codes().size());
            double previous = 1;
            for (PredictedCode c : p.codes()) {
                assertTrue(coder.dictionary().contains(c.asCode()), c.code());
                assertEquals(note.version(), c.asCode().system().version());
                assertTrue(c.score() <= previous);
                previous = c.score();
                assertFalse(c.evidence().isEmpty(), "no evidence for " + c.code());
                for (Evidence e : c.evidence()) {
                    assertEquals(note.text().substring(e.start(), e.end()), e.text());
                    assertFalse(e.text().isBlank());
                }
            }
            List<ScoredCode> ranked = coder.rank(note.text(), note.version(), 3);
            assertEquals(3, ranked.size());
            assertEquals(p.codes().get(0).code(), ranked.get(0).code().code());
        }
    }

    @Test
    void aNoteLongerThanTheContextIsChunkedNotCut() {
        try (Backbone b = Backbone.open(data.base().toString(), null, "cpu")) {
            String text = data.test().get(0).text().repeat(3);
            TokenizedNote t = b.tokenize(text);
            assertTrue(t.length() > b.contextLength(), "note of " + t.length() + " tokens");
            assertEquals(text.length(), t.ends()[t.length() - 1], "the last token ends the note");
            try (var m = b.model().model().manager().newSubManager()) {
                assertEquals(t.length(), b.states(t, 128, m).getShape().get(0));
            }
        }
    }

    @Test
    void aVersionTheCoderNeverSawAndAnEmptyNoteAreInputErrors() {
        try (IcdCoder coder = Coders.load(frozen)) {
            assertThrows(CoderInputException.class, () -> coder.predict(" ", PredictOptions.DEFAULTS));
            for (IcdVersion v : IcdVersion.values()) {
                if (!coder.versions().contains(v)) {
                    CoderInputException e = assertThrows(CoderInputException.class,
                            () -> coder.predict("chest pain", PredictOptions.DEFAULTS.withVersion(v)));
                    assertTrue(e.getMessage().contains(v.id()), e.getMessage());
                }
            }
        }
    }

    @Test
    void loraBackboneSavesItsPeftAdapterBesideTheHead() {
        // backpropagating through the backbone is slow on a CPU: a few notes show the adapter is trained and saved
        Path tuned = Coders.format("lm-label-attention").train(training(dir.resolve("coder-lora"),
                Map.of("base", data.base().toString(), "epochs", "1", "chunk", "128", "projection", "8",
                        "backbone", "lora"), data.train().subList(0, 3), data.validation().subList(0, 1)));
        Path adapter = tuned.resolve(LabelAttentionConfig.ADAPTER_DIR);
        assertTrue(Files.isRegularFile(adapter.resolve(LoraAdapter.CONFIG_FILE)));
        assertTrue(Files.isRegularFile(adapter.resolve(LoraAdapter.WEIGHTS_FILE)));
        try (IcdCoder coder = Coders.load(tuned)) {
            CodedNote note = data.test().get(0);
            assertFalse(coder.rank(note.text(), note.version(), 2).isEmpty());
        }
    }

    @Test
    void unknownSettingIsAnInputErrorThatNamesTheKnownOnes() {
        CoderInputException e = assertThrows(CoderInputException.class, () -> Coders.format("lm-label-attention")
                .train(training(dir.resolve("bad"), Map.of("base", data.base().toString(), "epochz", "2"))));
        assertTrue(e.getMessage().contains("epochz") && e.getMessage().contains("epochs"), e.getMessage());
    }
}
