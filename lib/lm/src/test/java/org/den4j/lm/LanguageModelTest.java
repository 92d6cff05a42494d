package org.den4j.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.den4j.lm.io.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LanguageModelTest {
    @TempDir
    Path dir;

    private Path modelFolder(int tokenizerSize) throws Exception {
        Path folder = dir.resolve("model");
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 4)) {
            model.save(folder);
        }
        TinyModels.wordTokenizer(folder, tokenizerSize);
        return folder;
    }

    @Test
    void generatesTextAndStopsAtAStopString() throws Exception {
        try (LanguageModel lm = LanguageModel.load(modelFolder(64), "cpu", "auto")) {
            GenerationConfig greedy = GenerationConfig.greedy(6).withStopTokenIds(List.of(-1));
            String text = lm.generate("w1 w2 w3", greedy);
            String[] words = text.split(" ");
            assertEquals(6, words.length, text);
            String stop = words[2];
            String cut = lm.generate("w1 w2 w3", greedy.withStopStrings(List.of(stop)));
            assertEquals(text.substring(0, text.indexOf(stop)), cut);
            List<String> batch = lm.generate(List.of("w1 w2 w3", "w9"), greedy);
            assertEquals(text, batch.get(0));
        }
    }

    @Test
    void tokenizerLargerThanTheModelVocabularyIsAClearError() throws Exception {
        Path folder = modelFolder(100);
        ModelFileException e = assertThrows(ModelFileException.class, () -> LanguageModel.load(folder, "cpu", "auto"));
        assertTrue(e.getMessage().contains("has token id 99 but the model's config.json has vocab_size 64"),
                e.getMessage());
    }

    @Test
    void savedFolderHoldsConfigWeightsAndTokenizerAndLoads() throws Exception {
        Path target = dir.resolve("saved");
        try (LanguageModel lm = LanguageModel.load(modelFolder(64), "cpu", "float32")) {
            String before = lm.generate("w5", GenerationConfig.greedy(4).withStopTokenIds(List.of(-1)));
            lm.save(target, DType.F32);
            assertTrue(Files.exists(target.resolve("config.json")) && Files.exists(target.resolve("tokenizer.json"))
                    && Files.exists(target.resolve("model.safetensors")));
            LmException exists = assertThrows(LmException.class, () -> lm.save(target, DType.F32));
            assertTrue(exists.getMessage().contains("it exists"), exists.getMessage());
            try (LanguageModel again = LanguageModel.load(target, "cpu", "float32")) {
                assertEquals(before, again.generate("w5", GenerationConfig.greedy(4).withStopTokenIds(List.of(-1))));
            }
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".saved")));
        }
    }
}
