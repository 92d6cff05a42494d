package org.den4j.lm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.den4j.lm.GenerationConfig;
import org.den4j.lm.LanguageModel;
import org.den4j.lm.Qwen2Model;
import org.den4j.lm.io.Qwen2Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {
    @TempDir
    Path dir;

    private Path folder() throws Exception {
        Path folder = dir.resolve("m");
        Qwen2Config config = Qwen2Config.of(16, 16, 32, 1, 2, 1).withSpecialTokens(null, List.of(15));
        try (Qwen2Model model = Qwen2Model.randomInit(config, 3, Device.cpu(), DataType.FLOAT32)) {
            for (var w : model.weights().values()) {
                w.muli(20);
            }
            model.save(folder);
        }
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0");
        for (int i = 1; i < 16; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i);
        }
        Files.writeString(folder.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"added_tokens\": [],"
                + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null,"
                + " \"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {" + vocab + "},"
                + " \"unk_token\": \"[UNK]\"}}");
        return folder;
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = GenerateCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void printsOnlyTheGeneratedText() throws Exception {
        Path folder = folder();
        String expected;
        try (LanguageModel lm = LanguageModel.load(folder, "cpu", "float32")) {
            expected = lm.generate("w1 w2", GenerationConfig.greedy(5));
        }
        String[] r = run("--model", folder.toString(), "--prompt", "w1 w2", "--max-new-tokens", "5", "--greedy",
                "--device", "cpu");
        assertEquals("0", r[0], r[2]);
        assertEquals(expected + System.lineSeparator(), r[1]);
        assertEquals("", r[2]);
    }

    @Test
    void missingModelFolderIsBadInputWithOneLine() throws Exception {
        Path folder = folder();
        Files.delete(folder.resolve("config.json"));
        String[] r = run("--model", folder.toString(), "--prompt", "w1", "--device", "cpu");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("generate: Model config ") && r[2].contains("does not exist"), r[2]);
    }

    @Test
    void absentDeviceIsBadInput() throws Exception {
        String[] r = run("--model", folder().toString(), "--prompt", "w1", "--device", "cuda");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("PyTorch sees 0 CUDA GPU(s)"), r[2]);
    }
}
