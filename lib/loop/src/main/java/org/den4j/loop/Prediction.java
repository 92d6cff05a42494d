package org.den4j.loop;

import java.util.List;

/**
 * The answer of {@code POST /api/v1/label-sets/{name}/predict}.
 *
 * @param labels the labels the champion assigns, with their scores, highest first
 * @param model the champion that answered
 * @param predictionId the stored prediction (confirm or reject it later), or null when not persisted
 */
public record Prediction(List<ScoredLabel> labels, Model model, Long predictionId) {
    /**
     * The model that answered.
     *
     * @param version its version within the label set
     * @param denRef its den reference
     */
    public record Model(int version, String denRef) {
    }
}
