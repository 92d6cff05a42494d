package org.den4j.lm;

import java.util.List;

/**
 * How to pick new tokens.
 *
 * <p>Temperature 0 is greedy decoding (argmax). Otherwise logits are divided by the temperature,
 * cut to the {@code topK} best (0: no cut) and then to the smallest set whose probability reaches
 * {@code topP} (1: no cut), as Transformers' warpers do, and a token is drawn with a
 * {@link java.util.Random} seeded by {@code seed}.
 *
 * <pre>
 * GenerationConfig greedy = GenerationConfig.greedy(64).withStopStrings(List.of("\n\n"));
 * GenerationConfig sampled = GenerationConfig.sampling(64, 0.7, 0.9, 42);
 * </pre>
 *
 * @param maxNewTokens most tokens to generate
 * @param temperature 0 for greedy, else the softmax temperature
 * @param topP nucleus probability, in (0, 1]
 * @param topK keep only this many best tokens, 0 for all
 * @param stopTokenIds tokens that end a sequence (not included in the output); empty means the
 *     model's {@code eos_token_id}
 * @param stopStrings texts that end a sequence (the output is cut before them)
 * @param seed seed of the sampler
 * @param useCache keep keys and values between steps (false recomputes the whole sequence each step)
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, int topK, List<Integer> stopTokenIds,
        List<String> stopStrings, long seed, boolean useCache) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the value at fault
     */
    public GenerationConfig {
        stopTokenIds = List.copyOf(stopTokenIds);
        stopStrings = List.copyOf(stopStrings);
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be >= 0 (0 is greedy), got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 keeps all), got " + topK);
        }
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens with a cache. */
    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 1, 0, List.of(), List.of(), 0, true);
    }

    /** Sampling with temperature and top-p. */
    public static GenerationConfig sampling(int maxNewTokens, double temperature, double topP, long seed) {
        return new GenerationConfig(maxNewTokens, temperature, topP, 0, List.of(), List.of(), seed, true);
    }

    /** Whether tokens are chosen by argmax. */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /** This config with {@code topK}. */
    public GenerationConfig withTopK(int topK) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, stopTokenIds, stopStrings, seed, useCache);
    }

    /** This config with these stop tokens. */
    public GenerationConfig withStopTokenIds(List<Integer> ids) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, ids, stopStrings, seed, useCache);
    }

    /** This config with these stop strings. */
    public GenerationConfig withStopStrings(List<String> strings) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, stopTokenIds, strings, seed, useCache);
    }

    /** This config with the cache on or off. */
    public GenerationConfig withCache(boolean useCache) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, stopTokenIds, stopStrings, seed, useCache);
    }

    /** This config with {@code seed}. */
    public GenerationConfig withSeed(long seed) {
        return new GenerationConfig(maxNewTokens, temperature, topP, topK, stopTokenIds, stopStrings, seed, useCache);
    }
}
