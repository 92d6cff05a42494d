package org.den4j.coder.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.den4j.coder.Code;
import org.den4j.lm.KvCache;
import org.den4j.lm.Qwen2Model;

/**
 * Greedy decoding of a completion under a {@link CodeTrie}: at each step the model's logits are restricted to
 * the tokens the trie allows, renormalised, and the most probable is taken, with a key/value cache. A code's
 * score is its sequence probability under that constrained distribution: the product of its tokens'
 * probabilities and of the token that closes it (separator or end). Holds no native memory between calls.
 */
final class ConstrainedDecoder {
    private final Qwen2Model model;

    ConstrainedDecoder(Qwen2Model model) {
        this.model = model;
    }

    /**
     * The codes generated after {@code prompt}, each with its probability (a code generated twice keeps the
     * higher); at most {@code maxNewTokens} tokens, a code left unfinished there is dropped.
     */
    Map<Code, Double> decode(int[] prompt, CodeTrie trie, int maxNewTokens) {
        return decode(prompt, trie, maxNewTokens, code -> { }).codes();
    }

    /**
     * A decoded answer.
     *
     * @param codes the generated codes with their probabilities, in the order they were generated
     * @param tokens the tokens generated
     * @param finished whether the trie closed the answer (else {@code maxNewTokens} ran out)
     */
    record Decoded(Map<Code, Double> codes, int tokens, boolean finished) {
    }

    /**
     * As {@link #decode(int[], CodeTrie, int)}, calling {@code onCode} with each code as soon as its last token
     * is generated (what the coder API streams).
     */
    Decoded decode(int[] prompt, CodeTrie trie, int maxNewTokens, java.util.function.Consumer<Code> onCode) {
        Map<Code, Double> out = new LinkedHashMap<>();
        int generated = 0;
        CodeTrie.Cursor cursor = trie.start();
        double logProbability = 0;
        int vocab = model.config().vocabSize();
        try (NDManager manager = model.manager().newSubManager(); KvCache cache = model.newCache()) {
            long[] next = Arrays.stream(prompt).asLongStream().toArray();
            int seen = 0;
            for (int step = 0; step < maxNewTokens && !cursor.finished(); step++) {
                float[] logits;
                try (NDScope scope = new NDScope()) {
                    NDArray ids = manager.create(next, new Shape(1, next.length));
                    long[][] mask = new long[1][seen + next.length];
                    Arrays.fill(mask[0], 1);
                    logits = model.forward(ids, mask, cache, true).toFloatArray();
                }
                seen += next.length;
                int[] allowed = cursor.allowed();
                int best = allowed[0];
                double max = Double.NEGATIVE_INFINITY;
                for (int t : allowed) {
                    double l = t < vocab ? logits[t] : Double.NEGATIVE_INFINITY;
                    if (l > max) {
                        max = l;
                        best = t;
                    }
                }
                double sum = 0;
                for (int t : allowed) {
                    sum += t < vocab ? Math.exp(logits[t] - max) : 0;
                }
                logProbability += -Math.log(sum); // log p(best) = (max - max) - log(sum)
                int before = cursor.codes().size();
                cursor = cursor.advance(best);
                generated++;
                if (cursor.codes().size() > before) {
                    Code done = cursor.codes().get(cursor.codes().size() - 1);
                    if (!out.containsKey(done)) {
                        onCode.accept(done);
                    }
                    out.merge(done, Math.exp(logProbability), Math::max);
                    logProbability = 0;
                }
                next = new long[] {best};
            }
        }
        return new Decoded(out, generated, cursor.finished());
    }

    /** The codes of several chunks' answers merged: each code with its highest probability. */
    static Map<Code, Double> merge(List<Map<Code, Double>> answers) {
        Map<Code, Double> out = new LinkedHashMap<>();
        for (Map<Code, Double> a : answers) {
            a.forEach((c, p) -> out.merge(c, p, Math::max));
        }
        return out;
    }

    static List<Code> codes(Map<Code, Double> answer) {
        return new ArrayList<>(answer.keySet());
    }
}
