package org.den4j.lm.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.den4j.den.ProgressListener;
import org.den4j.lm.GenerationConfig;
import org.den4j.lm.LanguageModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export is checked by llama.cpp itself: same greedy continuation as den4j's generation. */
class GreedyParityTest {
    static final int NEW_TOKENS = 32;

    @Test
    void llamaCppContinuesAnF32ExportExactlyAsDen4jAndAQ80ExportClosely(@TempDir Path dir) {
        Path model = dir.resolve("tiny");
        TinyModel.write(model, false, 11);
        Path f32 = dir.resolve("tiny-f32.gguf");
        Path q8 = dir.resolve("tiny-q8_0.gguf");
        Qwen2GgufExport.export(model, GgmlType.F32, f32, ProgressListener.NONE);
        Qwen2GgufExport.export(model, GgmlType.Q8_0, q8, ProgressListener.NONE);
        for (String prompt : new String[] {"Patient admitted with", "BP 142/91, HR", "She denies"}) {
            String den4j;
            try (LanguageModel lm = LanguageModel.load(model, "cpu", "float32")) {
                den4j = lm.generate(prompt, GenerationConfig.greedy(NEW_TOKENS));
            }
            String llamaF32 = LlamaCpp.greedy(f32, prompt, NEW_TOKENS);
            String llamaQ8 = LlamaCpp.greedy(q8, prompt, NEW_TOKENS);
            System.out.printf("prompt [%s]%n  den4j      [%s]%n  llama F32  [%s]%n  llama Q8_0 [%s]%n", prompt, den4j,
                    llamaF32, llamaQ8);
            assertTrue(den4j.length() > 10, "den4j generated text");
            assertEquals(den4j, llamaF32, "F32 GGUF in llama.cpp continues [" + prompt + "] as den4j does");
            int common = 0;
            while (common < Math.min(den4j.length(), llamaQ8.length()) && den4j.charAt(common) == llamaQ8.charAt(common)) {
                common++;
            }
            assertTrue(common >= den4j.length() / 3, "Q8_0 continuation starts as den4j's: [" + den4j + "] vs ["
                    + llamaQ8 + "]");
        }
    }
}
