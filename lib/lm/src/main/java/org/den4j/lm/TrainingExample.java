package org.den4j.lm;

import java.util.Arrays;

/**
 * One training sequence: token ids and which of them the loss is computed on.
 *
 * <p>{@code labelMask[i] == 1} means token {@code i} is a target: the loss includes predicting it
 * from tokens {@code 0..i-1}. For prompt/completion pairs the mask is 0 on the prompt and 1 on the
 * completion; for pre-training it is 1 everywhere.
 *
 * @param inputIds token ids, at least 2
 * @param labelMask 0 or 1 per token, same length
 */
public record TrainingExample(int[] inputIds, int[] labelMask) {
    /**
     * Checks lengths and mask values.
     *
     * @throws IllegalArgumentException when they are wrong
     */
    public TrainingExample {
        if (inputIds.length < 2) {
            throw new IllegalArgumentException("a training example needs at least 2 tokens, got " + inputIds.length);
        }
        if (labelMask.length != inputIds.length) {
            throw new IllegalArgumentException("labelMask has " + labelMask.length + " entries for "
                    + inputIds.length + " tokens");
        }
        for (int m : labelMask) {
            if (m != 0 && m != 1) {
                throw new IllegalArgumentException("labelMask entries must be 0 or 1, got " + m);
            }
        }
        inputIds = inputIds.clone();
        labelMask = labelMask.clone();
    }

    /** An example with every token after the first as a target (pre-training). */
    public static TrainingExample allTokens(int[] inputIds) {
        int[] mask = new int[inputIds.length];
        Arrays.fill(mask, 1);
        mask[0] = 0;
        return new TrainingExample(inputIds, mask);
    }

    /** A prompt/completion pair: targets are the completion's tokens. */
    public static TrainingExample completion(int[] prompt, int[] completion) {
        int[] ids = new int[prompt.length + completion.length];
        int[] mask = new int[ids.length];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        System.arraycopy(completion, 0, ids, prompt.length, completion.length);
        Arrays.fill(mask, prompt.length, ids.length, 1);
        return new TrainingExample(ids, mask);
    }

    @Override
    public int[] inputIds() {
        return inputIds.clone();
    }

    @Override
    public int[] labelMask() {
        return labelMask.clone();
    }

    /** Number of target tokens. */
    public int targetCount() {
        int n = 0;
        for (int i = 1; i < labelMask.length; i++) {
            n += labelMask[i];
        }
        return n;
    }

    int length() {
        return inputIds.length;
    }

    int id(int i) {
        return inputIds[i];
    }

    int mask(int i) {
        return labelMask[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingExample t && Arrays.equals(t.inputIds, inputIds)
                && Arrays.equals(t.labelMask, labelMask);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(inputIds) * 31 + Arrays.hashCode(labelMask);
    }

    @Override
    public String toString() {
        return "TrainingExample[" + inputIds.length + " tokens, " + targetCount() + " targets]";
    }
}
