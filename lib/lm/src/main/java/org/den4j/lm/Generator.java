package org.den4j.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Generates tokens from a {@link Qwen2Model}, one batch of prompts at a time, with left padding
 * and a {@link KvCache}.
 *
 * <pre>
 * Generator generator = new Generator(model, null);
 * int[] next = generator.generate(new int[] {1, 2, 3}, GenerationConfig.greedy(16));
 * </pre>
 *
 * <p>It holds no native memory of its own between calls.
 */
public final class Generator {
    private final Qwen2Model model;
    private final Function<int[], String> decoder;

    /**
     * @param model the model; not closed by the generator
     * @param decoder turns token ids into text, needed for stop strings; null when none are used
     */
    public Generator(Qwen2Model model, Function<int[], String> decoder) {
        this.model = model;
        this.decoder = decoder;
    }

    /** New tokens for one prompt (see {@link #generate(List, GenerationConfig)}). */
    public int[] generate(int[] prompt, GenerationConfig config) {
        return generate(List.of(prompt), config).get(0);
    }

    /**
     * New tokens for each prompt, computed as one left-padded batch; a stop token is not included.
     *
     * @throws IllegalArgumentException when a prompt is empty or holds an id outside the vocabulary
     */
    public List<int[]> generate(List<int[]> prompts, GenerationConfig config) {
        int batch = prompts.size();
        int vocab = model.config().vocabSize();
        int longest = 0;
        for (int[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("a prompt is empty; give at least one token");
            }
            for (int id : p) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("token id " + id + " is outside the model's vocabulary of "
                            + vocab);
                }
            }
            longest = Math.max(longest, p.length);
        }
        List<Integer> stops = config.stopTokenIds().isEmpty() ? model.config().eosTokenIds() : config.stopTokenIds();
        int pad = stops.stream().filter(id -> id >= 0 && id < vocab).findFirst().orElse(0);
        int total = longest + config.maxNewTokens();
        long[][] tokens = new long[batch][total];
        long[][] mask = new long[batch][total];
        for (int b = 0; b < batch; b++) {
            int offset = longest - prompts.get(b).length;
            Arrays.fill(tokens[b], pad);
            for (int i = 0; i < prompts.get(b).length; i++) {
                tokens[b][offset + i] = prompts.get(b)[i];
                mask[b][offset + i] = 1;
            }
        }
        List<List<Integer>> out = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            out.add(new ArrayList<>());
        }
        boolean[] finished = new boolean[batch];
        Random random = new Random(config.seed());
        int length = longest;
        try (NDManager manager = model.manager().newSubManager();
                KvCache cache = config.useCache() ? model.newCache() : null) {
            for (int step = 0; step < config.maxNewTokens(); step++) {
                int from = cache == null ? 0 : cache.length();
                long[] input = new long[batch * (length - from)];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(tokens[b], from, input, b * (length - from), length - from);
                }
                long[][] visible = new long[batch][];
                for (int b = 0; b < batch; b++) {
                    visible[b] = Arrays.copyOf(mask[b], length);
                }
                float[] logits;
                try (NDScope scope = new NDScope()) {
                    NDArray ids = manager.create(input, new Shape(batch, length - from));
                    logits = model.forward(ids, visible, cache, true).toFloatArray();
                }
                for (int b = 0; b < batch; b++) {
                    int next = pad;
                    if (!finished[b]) {
                        float[] row = Arrays.copyOfRange(logits, b * vocab, (b + 1) * vocab);
                        next = config.isGreedy() ? argmax(row) : Sampler.sample(row, config, random);
                        if (stops.contains(next)) {
                            finished[b] = true;
                        } else {
                            out.get(b).add(next);
                            if (!config.stopStrings().isEmpty() && decoder != null && endsWithStop(out.get(b), config)) {
                                finished[b] = true;
                            }
                        }
                    }
                    tokens[b][length] = next;
                    mask[b][length] = 1;
                }
                length++;
                if (allTrue(finished)) {
                    break;
                }
            }
        }
        List<int[]> result = new ArrayList<>();
        for (List<Integer> row : out) {
            result.add(row.stream().mapToInt(Integer::intValue).toArray());
        }
        return result;
    }

    private boolean endsWithStop(List<Integer> ids, GenerationConfig config) {
        String text = decoder.apply(ids.stream().mapToInt(Integer::intValue).toArray());
        for (String s : config.stopStrings()) {
            if (text.contains(s)) {
                return true;
            }
        }
        return false;
    }

    static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }
}
