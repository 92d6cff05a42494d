package org.den4j.coder;

import java.util.List;
import java.util.function.Consumer;

/**
 * A coder that writes its answer as text, piece by piece (the {@code lm-generate} kind): what the coder API's
 * OpenAI-compatible endpoints stream. Coders that are not generative are served with text formed from their
 * predictions instead.
 */
public interface GenerativeCoder extends IcdCoder {
    /** The prompt the coder builds for a note ({@code "Predict the medical codes for the following text: ..."}). */
    String prompt(String note);

    /**
     * Generates the answer for a note, constrained as the coder's predictions are.
     *
     * @param onText called with each piece of text as it is decoded, in order (the pieces join to the answer)
     * @throws CoderInputException for an empty note
     */
    Generation generate(String note, Sampling sampling, Consumer<String> onText);

    /**
     * How to sample.
     *
     * @param maxNewTokens the most tokens to generate
     * @param temperature 0 for greedy decoding
     * @param topP nucleus mass in (0, 1]
     * @param seed the sampling seed, or null for a fresh one
     * @param stop texts that end the answer (not included in it)
     */
    record Sampling(int maxNewTokens, double temperature, double topP, Long seed, List<String> stop) {
        public Sampling {
            if (maxNewTokens < 1) {
                throw new CoderInputException("max_new_tokens must be at least 1, was " + maxNewTokens);
            }
            stop = stop == null ? List.of() : List.copyOf(stop);
        }
    }

    /**
     * A generated answer.
     *
     * @param text the answer
     * @param promptTokens tokens of the prompt
     * @param completionTokens tokens generated
     * @param finishReason {@code stop} (the model or a stop text ended it) or {@code length} (max tokens)
     */
    record Generation(String text, int promptTokens, int completionTokens, String finishReason) {
    }
}
