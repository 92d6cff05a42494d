package org.den4j.coder;

/**
 * Per-call settings of a prediction; a null field takes the coder's own setting.
 *
 * @param topK at most this many codes (null: no limit beyond the thresholds)
 * @param threshold one score threshold for every code (null: the per-code thresholds tuned on validation)
 * @param version the ICD version of the answer (null: the coder's default, ICD-10 when it knows both)
 * @param evidence whether to find evidence spans (costs time; default true)
 */
public record PredictOptions(Integer topK, Double threshold, IcdVersion version, boolean evidence) {
    /** The coder's own settings, with evidence. */
    public static final PredictOptions DEFAULTS = new PredictOptions(null, null, null, true);

    public PredictOptions {
        if (topK != null && topK < 1) {
            throw new CoderInputException("top_k must be at least 1, was " + topK);
        }
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new CoderInputException("threshold must be in [0, 1], was " + threshold);
        }
    }

    public PredictOptions withVersion(IcdVersion v) {
        return new PredictOptions(topK, threshold, v, evidence);
    }

    public PredictOptions withTopK(Integer k) {
        return new PredictOptions(k, threshold, version, evidence);
    }

    public PredictOptions withThreshold(Double t) {
        return new PredictOptions(topK, t, version, evidence);
    }

    public PredictOptions withEvidence(boolean e) {
        return new PredictOptions(topK, threshold, version, e);
    }
}
