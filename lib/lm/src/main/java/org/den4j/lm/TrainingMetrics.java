package org.den4j.lm;

/**
 * What one optimizer step measured; written as one JSON line to the metrics file.
 *
 * @param step optimizer step, 1-based
 * @param totalSteps steps the run will take
 * @param epoch fractional epoch reached
 * @param loss mean training loss over the step's target tokens
 * @param learningRate the learning rate used for the step
 * @param gradNorm global gradient norm before clipping
 * @param tokens tokens (padding excluded) in the step
 * @param tokensPerSecond tokens per second of the step
 * @param elapsedSeconds seconds since training (or the resumed run) started
 * @param evalLoss validation loss when evaluated at this step, else NaN
 * @param heapBytes JVM heap in use
 * @param rssBytes resident set size of the process (0 where unknown)
 * @param deviceBytes memory in use on the GPU (0 on CPU or where unknown)
 */
public record TrainingMetrics(int step, int totalSteps, double epoch, double loss, double learningRate, double gradNorm,
        long tokens, double tokensPerSecond, double elapsedSeconds, double evalLoss, long heapBytes, long rssBytes,
        long deviceBytes) {

    /** This record as one JSON object (no trailing newline); NaN values are written as null. */
    public String toJson() {
        return "{\"step\": " + step + ", \"total_steps\": " + totalSteps + ", \"epoch\": " + number(epoch)
                + ", \"loss\": " + number(loss) + ", \"learning_rate\": " + number(learningRate)
                + ", \"grad_norm\": " + number(gradNorm) + ", \"tokens\": " + tokens + ", \"tokens_per_second\": "
                + number(tokensPerSecond) + ", \"elapsed_s\": " + number(elapsedSeconds) + ", \"eval_loss\": "
                + number(evalLoss) + ", \"heap_bytes\": " + heapBytes + ", \"rss_bytes\": " + rssBytes
                + ", \"device_bytes\": " + deviceBytes + "}";
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
