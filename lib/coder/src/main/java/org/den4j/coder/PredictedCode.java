package org.den4j.coder;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One code of an answer.
 *
 * @param code the dotted code
 * @param system its system's label ({@code ICD-10-CM}, {@code ICD-10-PCS}, {@code ICD-9-CM}, {@code ICD-9-PROC})
 * @param description the dictionary's description
 * @param score in [0, 1]; higher is more confident
 * @param evidence spans of the input that support it (may be empty)
 */
@JsonPropertyOrder({"code", "system", "description", "score", "evidence"})
public record PredictedCode(@JsonProperty("code") String code, @JsonProperty("system") String system,
        @JsonProperty("description") String description, @JsonProperty("score") double score,
        @JsonProperty("evidence") List<Evidence> evidence) {
    public PredictedCode {
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score of " + code + " must be in [0, 1], was " + score);
        }
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    /** A predicted code of {@code code}, described by {@code dictionary}. */
    public static PredictedCode of(Code code, CodeDictionary dictionary, double score, List<Evidence> evidence) {
        return new PredictedCode(code.code(), code.system().label(), dictionary.describe(code).orElse(""), score,
                evidence);
    }

    /** The code as a {@link Code}. */
    @JsonIgnore
    public Code asCode() {
        return new Code(code, CodeSystem.parse(system));
    }
}
