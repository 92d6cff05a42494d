package org.den4j.coder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Which model answered: the {@code "model"} object of a prediction.
 *
 * @param name den name ({@code den4j/icd-coder}) or the folder for a coder loaded from disk
 * @param version den version, null for a folder
 * @param digest den digest ({@code sha256:...}), null for a folder
 * @param kind the coder kind ({@code linear}, {@code naive-bayes}, {@code lm-generate}, {@code lm-label-attention})
 * @param remote for remote inference, the OpenAI-compatible base URL that answered; else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "version", "digest", "kind", "remote"})
public record CoderModel(@JsonProperty("name") String name, @JsonProperty("version") String version,
        @JsonProperty("digest") String digest, @JsonProperty("kind") String kind,
        @JsonProperty("remote") String remote) {

    /** A coder loaded from a folder, not from the den. */
    public static CoderModel ofFolder(String folder, String kind) {
        return new CoderModel(folder, null, null, kind, null);
    }
}
