package org.den4j.coder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * The answer for one note: the one JSON shape of {@code predict --json}, {@code POST /predict} and the loop:
 * {@code {"codes":[{"code","system","description","score","evidence":[{"start","end","text"}]}],
 * "model":{"name","version","digest","kind"},"processing_time_ms"}}. Codes are sorted by descending score
 * and all belong to one ICD version.
 *
 * @param codes the assigned codes
 * @param model which model answered
 * @param processingTimeMs wall time of the prediction
 * @param dropped for remote inference, codes the answer named that are not in the dictionary (else null)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"codes", "model", "processing_time_ms", "dropped"})
public record Prediction(@JsonProperty("codes") List<PredictedCode> codes, @JsonProperty("model") CoderModel model,
        @JsonProperty("processing_time_ms") long processingTimeMs, @JsonProperty("dropped") Integer dropped) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Prediction {
        codes = List.copyOf(codes);
    }

    public Prediction(List<PredictedCode> codes, CoderModel model, long processingTimeMs) {
        this(codes, model, processingTimeMs, null);
    }

    /** The same answer with another processing time. */
    public Prediction withProcessingTime(long ms) {
        return new Prediction(codes, model, ms, dropped);
    }

    /** The compact JSON of this answer (one line). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new CoderException("Cannot write a prediction as JSON: " + e.getMessage(), e);
        }
    }

    /** Reads the JSON of {@link #toJson()}. */
    public static Prediction fromJson(String json) {
        try {
            return JSON.readValue(json, Prediction.class);
        } catch (JsonProcessingException e) {
            throw new CoderInputException("Not a prediction JSON: " + e.getOriginalMessage(), e);
        }
    }
}
