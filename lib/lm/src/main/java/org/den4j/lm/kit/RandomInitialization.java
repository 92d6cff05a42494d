package org.den4j.lm.kit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.Tensor;

/**
 * Fresh Qwen2 weights as Transformers initialises them: matrices and embeddings from a normal
 * distribution with standard deviation {@code std} (Transformers' {@code initializer_range},
 * 0.02), biases zero, norm weights one. The same config and seed always give the same weights.
 */
public final class RandomInitialization {
    /** Transformers' default {@code initializer_range}. */
    public static final double DEFAULT_STD = 0.02;

    private RandomInitialization() {
    }

    /** The weights of a model with {@code config}, under Hugging Face names, as F32 tensors. */
    public static Map<String, Tensor> weights(Qwen2Config config, long seed, double std) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> w = new LinkedHashMap<>();
        long h = config.hiddenSize();
        long kv = (long) config.numKeyValueHeads() * config.headDim();
        long ff = config.intermediateSize();
        w.put("model.embed_tokens.weight", normal(random, std, config.vocabSize(), h));
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            String p = "model.layers." + layer + ".";
            w.put(p + "input_layernorm.weight", constant(1f, h));
            w.put(p + "self_attn.q_proj.weight", normal(random, std, h, h));
            w.put(p + "self_attn.q_proj.bias", constant(0f, h));
            w.put(p + "self_attn.k_proj.weight", normal(random, std, kv, h));
            w.put(p + "self_attn.k_proj.bias", constant(0f, kv));
            w.put(p + "self_attn.v_proj.weight", normal(random, std, kv, h));
            w.put(p + "self_attn.v_proj.bias", constant(0f, kv));
            w.put(p + "self_attn.o_proj.weight", normal(random, std, h, h));
            w.put(p + "post_attention_layernorm.weight", constant(1f, h));
            w.put(p + "mlp.gate_proj.weight", normal(random, std, ff, h));
            w.put(p + "mlp.up_proj.weight", normal(random, std, ff, h));
            w.put(p + "mlp.down_proj.weight", normal(random, std, h, ff));
        }
        w.put("model.norm.weight", constant(1f, h));
        if (!config.tieWordEmbeddings()) {
            w.put("lm_head.weight", normal(random, std, config.vocabSize(), h));
        }
        return w;
    }

    private static Tensor normal(SplittableRandom random, double std, long rows, long cols) {
        float[] v = new float[Math.toIntExact(rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (gaussian(random) * std);
        }
        return Tensor.ofFloats(DType.F32, new long[] {rows, cols}, v);
    }

    private static Tensor constant(float value, long n) {
        float[] v = new float[Math.toIntExact(n)];
        java.util.Arrays.fill(v, value);
        return Tensor.ofFloats(DType.F32, new long[] {n}, v);
    }

    /** A standard normal value (Box-Muller), so that the weights do not depend on the JDK's algorithm. */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
