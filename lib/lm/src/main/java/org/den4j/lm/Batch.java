package org.den4j.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.den4j.lm.internal.Scalars;

/** A right-padded batch of training examples with targets shifted by one, as host arrays. */
final class Batch {
    int rows;
    int length;
    long[] ids;
    long[][] mask;
    long[] targets;
    float[] weights;
    int targetCount;
    long tokens;

    private Batch() {
    }

    /**
     * Checks that every token id of {@code examples} is in a vocabulary of {@code vocab} tokens.
     *
     * @throws LmException naming the first id outside it
     */
    static void checkIds(List<TrainingExample> examples, int vocab) {
        for (TrainingExample e : examples) {
            for (int i = 0; i < e.length(); i++) {
                if (e.id(i) < 0 || e.id(i) >= vocab) {
                    throw new LmException("A training example holds token id " + e.id(i) + ", outside the model's "
                            + "vocabulary of " + vocab + "; it was tokenized with another tokenizer");
                }
            }
        }
    }

    /** The batch of {@code examples}, each cut to {@code maxLength} tokens. */
    static Batch of(List<TrainingExample> examples, int maxLength) {
        Batch b = new Batch();
        b.rows = examples.size();
        for (TrainingExample e : examples) {
            b.length = Math.max(b.length, Math.min(maxLength, e.length()));
        }
        b.ids = new long[b.rows * b.length];
        b.mask = new long[b.rows][b.length];
        b.targets = new long[b.rows * b.length];
        b.weights = new float[b.rows * b.length];
        for (int r = 0; r < b.rows; r++) {
            TrainingExample e = examples.get(r);
            int n = Math.min(maxLength, e.length());
            for (int t = 0; t < n; t++) {
                b.ids[r * b.length + t] = e.id(t);
                b.mask[r][t] = 1;
                if (t + 1 < n && e.mask(t + 1) == 1) {
                    b.targets[r * b.length + t] = e.id(t + 1);
                    b.weights[r * b.length + t] = 1;
                    b.targetCount++;
                }
            }
            b.tokens += n;
        }
        return b;
    }

    /** Mean negative log-likelihood of the batch's targets, a scalar float32 array. */
    NDArray loss(Qwen2Model model) {
        NDManager m = model.manager();
        NDArray input = m.create(ids, new Shape(rows, length));
        NDArray logits = model.forward(input, mask, null, false);
        NDArray logProbs = JniUtils.logSoftmax((PtNDArray) logits, -1, DataType.FLOAT32);
        NDArray next = m.create(targets, new Shape(rows, length, 1)).toDevice(model.device(), false);
        NDArray weight = m.create(weights, new Shape(rows, length)).toDevice(model.device(), false);
        NDArray picked = logProbs.gather(next, 2).reshape(rows, length);
        return Scalars.div(picked.mul(weight).sum().neg(), Math.max(1, targetCount));
    }
}
