package org.den4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.den4j.den.ProgressListener;
import org.den4j.lm.gguf.GgmlType;
import org.den4j.lm.gguf.Qwen2GgufExport;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.Tensor;
import org.den4j.lm.kit.RandomInitialization;
import org.den4j.lm.tokenizer.BpeTokenizer;
import org.den4j.lm.tokenizer.BpeTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** test-export's check on exported kit-style models: an F32 export passes, another model's export fails. */
class ExportCheckTest {
    static final List<String> NOTES = List.of("patient admitted with chest pain and shortness of breath",
            "history of hypertension and diabetes mellitus discharged home in stable condition",
            "fever and cough started on antibiotics follow up");

    @Test
    void f32ExportAnswersTheCoderPromptAsDen4jAndAnotherModelDoesNot(@TempDir Path dir) throws Exception {
        Path kit = kit(dir, "kit", 42);
        Path gguf = dir.resolve("kit-f32.gguf");
        Qwen2GgufExport.export(kit, GgmlType.F32, gguf, ProgressListener.NONE);
        ExportCheck.Report report = ExportCheck.builder(kit, gguf).notes(NOTES).maxNewTokens(16).threads(2).build()
                .run();
        System.out.print(report.table());
        assertTrue(report.passed(), report.table());
        assertEquals(1.0, report.identical());
        assertEquals(1.0, report.agreement());
        assertTrue(report.notes().stream().allMatch(n -> n.den4jTokens() > 0 && n.llamaTokens() > 0),
                report.table());
        assertTrue(report.table().contains("PASS: identical greedy output on every note required"));

        Path other = kit(dir, "other", 7);
        Path otherGguf = dir.resolve("other-f32.gguf");
        Qwen2GgufExport.export(other, GgmlType.F32, otherGguf, ProgressListener.NONE);
        ExportCheck.Report wrong = ExportCheck.builder(kit, otherGguf).notes(NOTES).maxNewTokens(16).threads(2)
                .build().run();
        assertFalse(wrong.passed(), wrong.table());
        assertTrue(wrong.table().contains("FAIL"));
    }

    @Test
    void agreementIsTheJaccardIndexOfTheCodeSets() {
        assertEquals(1.0, ExportCheck.agreement("", " "));
        assertEquals(1.0, ExportCheck.agreement("I10, E11.9", "E11.9,I10"));
        assertEquals(1.0 / 3, ExportCheck.agreement("I10, E11.9", "I10, N18.3"), 1e-12);
        assertEquals(0.0, ExportCheck.agreement("I10", ""));
    }

    /**
     * A small Qwen2 folder as lm-kit writes one (its byte-level BPE tokenizer trained on notes), with random weights
     * of standard deviation 0.2 so that greedy answers differ from seed to seed (the kit's own 0.02 makes every seed
     * answer the same repeated token).
     */
    static Path kit(Path dir, String name, long seed) {
        String[] words = ("patient admitted with chest pain shortness of breath fever cough history hypertension "
                + "diabetes mellitus discharged home stable condition labs normal started on antibiotics follow up")
                .split(" ");
        Random random = new Random(seed);
        BpeTrainer trainer = new BpeTrainer(400, 2);
        for (int n = 0; n < 200; n++) {
            StringBuilder note = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                note.append(words[random.nextInt(words.length)]).append(i % 17 == 16 ? ".\n" : " ");
            }
            trainer.add(note.toString());
        }
        BpeTokenizer tokenizer = trainer.train(ProgressListener.NONE);
        Path out = dir.resolve(name);
        tokenizer.save(out, 512);
        int eos = tokenizer.idOf(BpeTokenizer.END_OF_TEXT);
        Qwen2Config config = Qwen2Config.of(tokenizer.vocabSize(), 64, 128, 2, 4, 2).withTiedEmbeddings(false)
                .withSpecialTokens(eos, List.of(eos));
        config.write(out.resolve(Qwen2Config.FILE));
        Map<String, Tensor> weights = RandomInitialization.weights(config, seed, 0.2);
        Safetensors.writeModel(out, weights, Map.of("format", "pt"), Long.MAX_VALUE);
        return out;
    }
}
