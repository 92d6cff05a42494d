package org.den4j.coder;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A span of the input that supports a code: characters {@code [start, end)} of the text, and that text.
 * From attention weights for language-model coders, from weighted terms present in the note for linear ones.
 */
public record Evidence(@JsonProperty("start") int start, @JsonProperty("end") int end,
        @JsonProperty("text") String text) {
    public Evidence {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("evidence span [" + start + ", " + end + ") is not a span");
        }
    }
}
