package org.den4j.lm.tokenizer;

/** One BPE merge rule: the adjacent tokens {@code left} and {@code right} become their concatenation. */
public record Merge(String left, String right) {
    /** Checks that both sides are non-empty and hold no space (the tokenizer.json form is "left right"). */
    public Merge {
        if (left == null || left.isEmpty() || right == null || right.isEmpty()
                || left.indexOf(' ') >= 0 || right.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("a merge needs two non-empty tokens without spaces, got ["
                    + left + "] [" + right + "]");
        }
    }

    /** The token this merge produces. */
    public String merged() {
        return left + right;
    }

    /** The form used in tokenizer.json and GGUF: {@code "left right"}. */
    @Override
    public String toString() {
        return left + " " + right;
    }
}
