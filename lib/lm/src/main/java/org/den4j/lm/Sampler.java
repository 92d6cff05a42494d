package org.den4j.lm;

import java.util.Arrays;
import java.util.Random;

/** Temperature, top-k and top-p sampling over one row of logits, in the order Transformers applies them. */
final class Sampler {
    private Sampler() {
    }

    static int sample(float[] logits, GenerationConfig config, Random random) {
        int n = logits.length;
        double t = config.temperature();
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / t);
        }
        // Sort by logit, descending: pack the order-preserving float bits with the index.
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int key = bits >= 0 ? bits : bits ^ 0x7fffffff;
            packed[i] = ((long) key << 32) | (i & 0xffffffffL);
        }
        Arrays.sort(packed);
        int keep = config.topK() > 0 ? Math.min(config.topK(), n) : n;
        double[] probs = new double[keep];
        int[] ids = new int[keep];
        double sum = 0;
        for (int r = 0; r < keep; r++) {
            int id = (int) packed[n - 1 - r];
            ids[r] = id;
            probs[r] = Math.exp(logits[id] / t - max);
            sum += probs[r];
        }
        int kept = keep;
        if (config.topP() < 1) {
            double cumulative = 0;
            for (int r = 0; r < keep; r++) {
                cumulative += probs[r] / sum;
                if (cumulative >= config.topP()) {
                    kept = r + 1;
                    break;
                }
            }
        }
        double total = 0;
        for (int r = 0; r < kept; r++) {
            total += probs[r];
        }
        double u = random.nextDouble() * total;
        for (int r = 0; r < kept; r++) {
            u -= probs[r];
            if (u <= 0) {
                return ids[r];
            }
        }
        return ids[kept - 1];
    }
}
