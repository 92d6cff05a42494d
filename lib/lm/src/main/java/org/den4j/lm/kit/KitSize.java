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
    /**
     * For the LM coders on a loaded 2-core machine (docs/lm-coders.md): 0.3 M parameters, one layer of width 64,
     * a 4096-token vocabulary (synthetic discharge notes of about 3,900 characters become about 1,000 tokens, two
     * chunks of 512), no pre-training (it ran at 150 tokens/s at load 16-28, out of reach); the label-attention
     * head learns over its states.
     */
    public static final KitSize CODER = new KitSize("coder", 4096, 64, 192, 1, 4, 2, 512, 0, 256, 8);

    public KitSize {
        if (hiddenSize % heads != 0 || heads % kvHeads != 0) {
            throw new LmException("kit size " + name + ": hidden size " + hiddenSize + " must divide into " + heads
                    + " heads, and the heads into " + kvHeads + " key/value heads");
        }
    }

    /**
     * The size called {@code name} ({@code quick}, {@code small} or {@code coder}).
     *
     * @throws LmInputException for another name
     */
    public static KitSize named(String name) {
        for (KitSize s : new KitSize[] {QUICK, SMALL, CODER}) {
            if (s.name.equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new LmInputException("kit size '" + name + "' is unknown; use quick, small or coder");
    }

    /** This size with {@code steps} pre-training steps. */
    public KitSize withTrainSteps(int steps) {
        return new KitSize(name, vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, contextLength, steps,
                sequenceLength, batchSize);
    }
}
