package org.den4j.lm.kit;

import java.nio.file.Path;

/**
 * What a kit build made.
 *
 * @param dir the model folder
 * @param vocabSize tokens in the trained tokenizer
 * @param parameters model parameters
 * @param documents notes read
 * @param characters characters read
 * @param trainSteps pre-training steps run (0: random weights)
 * @param trainTokens tokens seen in pre-training
 * @param finalLoss the last pre-training loss, NaN without pre-training
 * @param seconds wall time of the build
 */
public record KitReport(Path dir, int vocabSize, long parameters, int documents, long characters, int trainSteps,
        long trainTokens, double finalLoss, double seconds) {
}
