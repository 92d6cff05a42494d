package org.den4j.lm.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.den4j.lm.LmInputException;
import org.den4j.lm.gguf.GgmlType;
import org.den4j.lm.gguf.GgufFile;
import org.den4j.lm.gguf.LlamaCpp;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.SafetensorsFolder;
import org.den4j.lm.tokenizer.BpeTokenizer;
import org.den4j.lm.tokenizer.TestCorpus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelKitTest {
    @TempDir
    static Path dir;
    static Path corpus;
    static Path kit;
    /** Pre-training steps of the test's kit: enough to see the loss fall, few for CI time. */
    static final int STEPS = 10;

    @BeforeAll
    static void buildQuickKit() throws Exception {
        corpus = dir.resolve("notes.txt");
        Files.writeString(corpus, String.join("\n<|endoftext|>\n", TestCorpus.notes(400)));
        kit = dir.resolve("kit");
        KitReport report = new ModelKit(KitSize.QUICK.withTrainSteps(STEPS), 42, System.err)
                .build(NoteCorpus.read(corpus, 20_000_000), kit);
        assertEquals(kit.toAbsolutePath().normalize(), report.dir());
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void kitFolderIsANormalHuggingFaceModel() throws Exception {
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "generation_config.json")) {
            assertTrue(Files.isRegularFile(kit.resolve(file)), file);
        }
        Qwen2Config config = Qwen2Config.read(kit);
        assertEquals(64, config.hiddenSize());
        assertEquals(2, config.numHiddenLayers());
        assertTrue(config.tieWordEmbeddings());
        BpeTokenizer tokenizer = BpeTokenizer.load(kit.resolve("tokenizer.json"));
        assertEquals(tokenizer.vocabSize(), config.vocabSize());
        assertEquals(List.of(tokenizer.idOf(BpeTokenizer.END_OF_TEXT)), config.eosTokenIds());
        try (SafetensorsFolder weights = SafetensorsFolder.open(kit);
                HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(kit.resolve("tokenizer.json"))) {
            assertTrue(weights.contains("model.layers.1.mlp.down_proj.weight"));
            assertEquals("Pt denies sepsis.", hf.decode(hf.encode("Pt denies sepsis.").getIds()));
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".kit-")), "no temporary folder left");
        }
    }

    @Test
    void kitIsPreTrainedAndItsLossFalls() throws Exception {
        List<String> lines = Files.readAllLines(kit.resolve("pretraining_metrics.jsonl"));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<Double> losses = lines.stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).filter(n -> n.hasNonNull("loss")).map(n -> n.get("loss").asDouble()).toList();
        assertEquals(STEPS, losses.size(), "one loss per step");
        double first = losses.get(0);
        double last = losses.get(losses.size() - 1);
        assertTrue(first > Math.log(400), "starts near uniform over the vocabulary: " + first);
        assertTrue(last < first - 0.5, "pre-training lowers the loss: " + first + " -> " + last);
    }

    @Test
    void exportModelWritesGgufThatLlamaCppLoadsAndSafetensorsInF16() {
        Path gguf = dir.resolve("lmstudio/den4j/qwen2-kit/qwen2-kit-q8_0.gguf");
        Run run = run(ExportModelCommand.commandLine(), "--model", kit.toString(), "--format", "gguf", "--dtype", "q8_0",
                "--out", gguf.toString());
        assertEquals(0, run.exit, run.err);
        assertEquals(gguf.toAbsolutePath().toString(), run.out.strip());
        assertEquals(GgmlType.Q8_0, GgufFile.read(gguf).tensors().get("blk.0.ffn_up.weight").type());
        assertTrue(LlamaCpp.greedy(gguf, "Patient", 4) != null);

        Path f16 = dir.resolve("kit-f16");
        run = run(ExportModelCommand.commandLine(), "--model", kit.toString(), "--format", "safetensors", "--dtype",
                "f16", "--out", f16.toString());
        assertEquals(0, run.exit, run.err);
        assertEquals("float16", Qwen2Config.read(f16).torchDtype());
        try (SafetensorsFolder weights = SafetensorsFolder.open(f16)) {
            assertEquals(org.den4j.lm.io.DType.F16, weights.tensor("model.embed_tokens.weight").dtype());
        }
        assertTrue(Files.isRegularFile(f16.resolve("tokenizer.json")));
    }

    @Test
    void kitPushedToTheDenIsAQwen2LanguageModelThatExportResolvesByName() throws Exception {
        Path denDir = dir.resolve("den");
        KitReport report = new KitReport(kit, 512, 107072, 400, 1, STEPS, 0, 1.0, 1.0);
        try (org.den4j.den.Den den = org.den4j.den.Den.at(denDir)) {
            var pushed = ModelKit.push(den, kit, "den4j/qwen2-kit-test", report);
            assertEquals("qwen2", pushed.model().metadata().architecture());
            assertEquals(org.den4j.den.ModelMetadata.LANGUAGE, pushed.model().metadata().modelType());
        }
        Path fetched = ExportModelCommand.resolve("den4j/qwen2-kit-test@1", () -> org.den4j.den.Den.at(denDir));
        assertEquals(Files.readString(kit.resolve("config.json")), Files.readString(fetched.resolve("config.json")));
    }

    @Test
    void databaseCorpusIsLeftToTheDataModule() throws Exception {
        Path db = dir.resolve("notes.duckdb");
        Files.writeString(db, "not read");
        LmInputException e = org.junit.jupiter.api.Assertions.assertThrows(LmInputException.class,
                () -> NoteCorpus.read(db, 100));
        assertTrue(e.getMessage().contains("is a DuckDB database; read its notes with org.den4j.data.AdmissionNotes"),
                e.getMessage());
        assertEquals(List.of("a note"), new NoteCorpus(db, List.of("a note")).requireText().documents());
    }

    @Test
    void badExportInputsExitWithTwoAndNameTheProblem() throws Exception {
        Run run = run(ExportModelCommand.commandLine(), "--model", kit.toString(), "--format", "onnx", "--out",
                dir.resolve("m.onnx").toString());
        assertEquals(2, run.exit);
        assertTrue(run.err.contains("'onnx' is not an export format; use gguf or safetensors"), run.err);

        run = run(ExportModelCommand.commandLine(), "--model", kit.toString(), "--format", "safetensors", "--dtype",
                "q8_0", "--out", dir.resolve("q").toString());
        assertEquals(2, run.exit);
        assertTrue(run.err.contains("q8_0 is for --format gguf"), run.err);

        run = run(ExportModelCommand.commandLine(), "--model", "./no-such-model", "--format", "gguf", "--out",
                dir.resolve("n.gguf").toString());
        assertEquals(2, run.exit);
        assertTrue(run.err.contains("model ./no-such-model is not a folder"), run.err);
    }
}
