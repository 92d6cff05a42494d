package org.den4j.lm.kit;

import org.den4j.lm.LmException;
import org.den4j.lm.LmInputException;

/**
 * The sizes of a kit model: tokenizer vocabulary, Qwen2 architecture, and how long to pre-train.
 *
 * @param name what the size is called on the command line
 * @param vocabSize tokenizer vocabulary (the corpus may allow fewer tokens)
 * @param hiddenSize width of the residual stream
 * @param intermediateSize width of the MLP
 * @param layers decoder layers
 * @param heads attention heads
 * @param kvHeads key/value heads
 * @param contextLength longest sequence (max_position_embeddings)
 * @param trainSteps pre-training optimizer steps (0: random weights only)
 * @param sequenceLength tokens per training sequence
 * @param batchSize sequences per step
 */
public record KitSize(String name, int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads,
        int kvHeads, int contextLength, int trainSteps, int sequenceLength, int batchSize) {

    /** For tests and CI: 0.1 M parameters, 20 pre-training steps of 8 x 64 tokens (under a minute on 2 cores). */
    public static final KitSize QUICK = new KitSize("quick", 512, 64, 128, 2, 4, 2, 512, 20, 64, 8);
    /** The embedded default: about 3 M parameters, 60 pre-training steps of 8 x 128 tokens (minutes on 2 cores; --steps for more). */
    public static final KitSize SMALL = new KitSize("small", 3072, 256, 704, 4, 4, 2, 1024, 60, 128, 8);

    public KitSize {
        if (hiddenSize % heads != 0 || heads % kvHeads != 0) {
            throw new LmException("kit size " + name + ": hidden size " + hiddenSize + " must divide into " + heads
                    + " heads, and the heads into " + kvHeads + " key/value heads");
        }
    }

    /**
     * The size called {@code name} ({@code quick} or {@code small}).
     *
     * @throws LmException for another name
     */
    public static KitSize named(String name) {
        for (KitSize s : new KitSize[] {QUICK, SMALL}) {
            if (s.name.equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new LmInputException("kit size '" + name + "' is unknown; use quick or small");
    }

    /** This size with {@code steps} pre-training steps. */
    public KitSize withTrainSteps(int steps) {
        return new KitSize(name, vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, contextLength, steps,
                sequenceLength, batchSize);
    }
}
