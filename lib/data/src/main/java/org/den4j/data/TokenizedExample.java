package org.den4j.data;

import java.util.Objects;

/**
 * One tokenized training example: a prompt followed by its completion (the comma-separated codes).
 *
 * <p>The arrays have one entry per token and equal lengths; they are not copied, so do not change them.
 * Like every record with array components, {@code equals} compares the arrays by identity.
 *
 * @param hadmId the hospital admission the note belongs to
 * @param inputIds the token ids of prompt then completion
 * @param attentionMask 1 for every real token (there is no padding in stored examples)
 * @param labelMask 1 for completion tokens, the ones the loss is computed on; 0 for prompt tokens
 * @param promptText the prompt as tokenized (after any cut of the note)
 * @param completionText the completion as tokenized
 */
public record TokenizedExample(long hadmId, int[] inputIds, int[] attentionMask, int[] labelMask, String promptText,
        String completionText) {
    public TokenizedExample {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(attentionMask, "attentionMask");
        Objects.requireNonNull(labelMask, "labelMask");
        if (attentionMask.length != inputIds.length || labelMask.length != inputIds.length) {
            throw new IllegalArgumentException("hadm_id " + hadmId + ": input_ids, attention_mask and label_mask "
                    + "differ in length (" + inputIds.length + ", " + attentionMask.length + ", " + labelMask.length
                    + ")");
        }
    }

    /** The number of tokens. */
    public int length() {
        return inputIds.length;
    }

    /** The number of completion tokens (ones in {@link #labelMask()}). */
    public int completionLength() {
        int n = 0;
        for (int m : labelMask) {
            n += m;
        }
        return n;
    }
}
