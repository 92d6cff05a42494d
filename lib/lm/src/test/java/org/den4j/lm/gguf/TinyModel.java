package org.den4j.lm.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.den4j.den.ProgressListener;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.Tensor;
import org.den4j.lm.kit.RandomInitialization;
import org.den4j.lm.tokenizer.BpeTokenizer;
import org.den4j.lm.tokenizer.BpeTrainer;
import org.den4j.lm.tokenizer.TestCorpus;

/**
 * A tiny Qwen2 model folder written by tests in well under a second: a 500-token tokenizer
 * trained on {@link TestCorpus}, 2 layers of width 64, random weights with clear winners
 * (standard deviation 0.2), and, for untied models, an LM head that never picks special tokens
 * or bytes outside printable ASCII and newline, so greedy continuations are plain text.
 */
public final class TinyModel {
    private TinyModel() {
    }

    /** Writes the model into {@code dir} and returns its config. */
    public static Qwen2Config write(Path dir, boolean tied, long seed) {
        BpeTrainer trainer = new BpeTrainer(500, 2);
        TestCorpus.notes(300).forEach(trainer::add);
        BpeTokenizer tokenizer = trainer.train(ProgressListener.NONE);
        tokenizer.save(dir, 2048);
        int eos = tokenizer.idOf(BpeTokenizer.END_OF_TEXT);
        Qwen2Config config = Qwen2Config.of(tokenizer.vocabSize(), 64, 128, 2, 4, 2).withTiedEmbeddings(tied)
                .withSpecialTokens(eos, List.of(eos));
        config.write(dir.resolve(Qwen2Config.FILE));
        Map<String, Tensor> weights = RandomInitialization.weights(config, seed, 0.2);
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            for (String bias : List.of("q_proj", "k_proj", "v_proj")) {
                String name = "model.layers." + layer + ".self_attn." + bias + ".bias";
                float[] v = weights.get(name).toFloats();
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) Math.sin(seed + layer * 7 + i) * 0.2f;
                }
                weights.put(name, Tensor.ofFloats(DType.F32, weights.get(name).shape(), v));
            }
        }
        if (!tied) {
            steerAwayFromUnprintable(config, tokenizer, weights);
        }
        Safetensors.writeModel(dir, weights, Map.of("format", "pt"), Long.MAX_VALUE);
        return config;
    }

    /**
     * Keeps hidden dimension 0 at a constant positive value (embeddings 3, no layer writes to it)
     * and gives the tokens to avoid a large negative weight on it in the LM head.
     */
    private static void steerAwayFromUnprintable(Qwen2Config config, BpeTokenizer tokenizer,
            Map<String, Tensor> weights) {
        int h = config.hiddenSize();
        float[] embed = weights.get("model.embed_tokens.weight").toFloats();
        for (int t = 0; t < config.vocabSize(); t++) {
            embed[t * h] = 3f;
        }
        weights.put("model.embed_tokens.weight", Tensor.ofFloats(DType.F32, new long[] {config.vocabSize(), h}, embed));
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            for (String out : List.of("self_attn.o_proj.weight", "mlp.down_proj.weight")) {
                String name = "model.layers." + layer + "." + out;
                float[] w = weights.get(name).toFloats();
                int cols = (int) weights.get(name).shape()[1];
                for (int c = 0; c < cols; c++) {
                    w[c] = 0f;
                }
                weights.put(name, Tensor.ofFloats(DType.F32, weights.get(name).shape(), w));
            }
        }
        float[] head = weights.get("lm_head.weight").toFloats();
        for (int t = 0; t < config.vocabSize(); t++) {
            head[t * h] = isPlainText(tokenizer, t) ? 0f : -5f;
        }
        weights.put("lm_head.weight", Tensor.ofFloats(DType.F32, new long[] {config.vocabSize(), h}, head));
    }

    private static boolean isPlainText(BpeTokenizer tokenizer, int id) {
        if (tokenizer.isSpecial(id)) {
            return false;
        }
        byte[] bytes = tokenizer.decode(new int[] {id}).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if ((b < 0x20 && b != '\n') || b >= 0x7f || b < 0) {
                return false;
            }
            ignored.write(b);
        }
        return true;
    }
}
