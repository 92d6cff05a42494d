package org.den4j.lm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.den4j.lm.io.Qwen2Config;

/** Tiny random Qwen2 models and tokenizers that tests build for themselves. */
final class TinyModels {
    private TinyModels() {
    }

    /** 2 layers, 4 query heads over 2 key/value heads, head dim 8, vocab 64. */
    static Qwen2Config config() {
        return Qwen2Config.of(64, 32, 48, 2, 4, 2).withSpecialTokens(null, List.of(63));
    }

    /**
     * A random model whose weights are scaled up so logits are far apart (greedy choices are then
     * stable under float noise); biases are made non-zero so they are exercised.
     */
    static Qwen2Model model(Qwen2Config config, long seed) {
        Qwen2Model model = Qwen2Model.randomInit(config, seed, Device.cpu(), DataType.FLOAT32);
        for (var e : model.weights().entrySet()) {
            NDArray w = e.getValue();
            if (e.getKey().endsWith(".bias")) {
                try (NDArray r = model.manager().randomNormal(0f, 0.5f, w.getShape(), DataType.FLOAT32)) {
                    w.addi(r);
                }
            } else if (!e.getKey().endsWith("norm.weight")) {
                w.muli(15);
            }
        }
        return model;
    }

    /** A word-level tokenizer over "w0".."w{n-2}" plus "[UNK]" as id 0... written as tokenizer.json. */
    static Path wordTokenizer(Path dir, int size) throws IOException {
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0");
        for (int i = 1; i < size; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i);
        }
        String json = "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [],"
                + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null,"
                + " \"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {" + vocab + "},"
                + " \"unk_token\": \"[UNK]\"}}";
        Files.createDirectories(dir);
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json);
        return file;
    }
}
