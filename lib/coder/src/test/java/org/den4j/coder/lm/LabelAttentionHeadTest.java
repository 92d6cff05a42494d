package org.den4j.coder.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelAttentionHeadTest {
    private static final int HIDDEN = 8;
    private static final int LABELS = 3;
    private static final int TOKENS = 12;
    private static final int BATCH = 6;

    @Test
    void forwardAndBackwardHaveTheShapesOfTheBatchAndTheWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            LabelAttentionHead head = LabelAttentionHead.create(m, HIDDEN, 16, 3, LABELS, 1);
            NDArray states = m.randomNormal(new Shape(BATCH, TOKENS, HIDDEN));
            float[] mask = new float[BATCH * TOKENS];
            java.util.Arrays.fill(mask, 1f);
            mask[TOKENS - 1] = 0;  // the first note is one token shorter
            NDArray maskArray = m.create(mask, new Shape(BATCH, TOKENS));
            head.parameters().values().forEach(p -> p.setRequiresGradient(true));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList out = head.forward(states, maskArray);
                assertArrayEquals(new long[] {BATCH, LABELS}, out.get(0).getShape().getShape());
                assertArrayEquals(new long[] {BATCH, LABELS, TOKENS}, out.get(1).getShape().getShape());
                assertEquals(0f, out.get(1).get("0, :, " + (TOKENS - 1)).sum().getFloat(), 1e-6,
                        "padding gets no attention");
                float[] rowSums = out.get(1).sum(new int[] {-1}).toFloatArray();
                for (float s : rowSums) {
                    assertEquals(1f, s, 1e-5);
                }
                NDArray loss = LabelAttentionHead.loss(out.get(0), m.zeros(new Shape(BATCH, LABELS)),
                        m.ones(new Shape(BATCH, LABELS)));
                collector.backward(loss);
            }
            for (Map.Entry<String, NDArray> e : head.parameters().entrySet()) {
                NDArray g = e.getValue().getGradient();
                assertEquals(e.getValue().getShape(), g.getShape(), e.getKey());
                assertTrue(g.abs().sum().getFloat() > 0, "no gradient reached " + e.getKey());
            }
            NDList some = head.forward(states, maskArray, m.create(new long[] {2, 0}), 0f);
            assertArrayEquals(new long[] {BATCH, 2}, some.get(0).getShape().getShape());
        }
    }

    @Test
    void lossFallsOnATinyTaskWhereEachLabelIsAMarkerToken() {
        // label l is present when marker token l occurs somewhere among random tokens
        Random random = new Random(3);
        float[][] markers = new float[LABELS][HIDDEN];
        for (float[] mk : markers) {
            for (int i = 0; i < HIDDEN; i++) {
                mk[i] = (float) random.nextGaussian() * 2;
            }
        }
        float[] states = new float[BATCH * 4 * TOKENS * HIDDEN];
        float[] targets = new float[BATCH * 4 * LABELS];
        int notes = BATCH * 4;
        for (int n = 0; n < notes; n++) {
            for (int t = 0; t < TOKENS; t++) {
                for (int i = 0; i < HIDDEN; i++) {
                    states[(n * TOKENS + t) * HIDDEN + i] = (float) random.nextGaussian() * 0.3f;
                }
            }
            for (int l = 0; l < LABELS; l++) {
                if (random.nextBoolean()) {
                    targets[n * LABELS + l] = 1;
                    int t = random.nextInt(TOKENS);
                    System.arraycopy(markers[l], 0, states, (n * TOKENS + t) * HIDDEN, HIDDEN);
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            LabelAttentionHead head = LabelAttentionHead.create(m, HIDDEN, 16, 1, LABELS, 5);
            NDArray x = m.create(states, new Shape(notes, TOKENS, HIDDEN));
            NDArray y = m.create(targets, new Shape(notes, LABELS));
            NDArray mask = m.ones(new Shape(notes, TOKENS));
            NDArray weights = m.ones(new Shape(notes, LABELS));
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.02f)).build();
            double first = Double.NaN;
            double last = Double.NaN;
            for (int step = 0; step < 80; step++) {
                try (NDScope scope = new NDScope()) {
                    head.parameters().values().forEach(p -> p.setRequiresGradient(true));
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = LabelAttentionHead.loss(head.forward(x, mask).get(0), y, weights);
                        collector.backward(loss);
                        last = loss.getFloat();
                        first = step == 0 ? last : first;
                    }
                }
                for (Map.Entry<String, NDArray> e : head.parameters().entrySet()) {
                    try (NDArray g = e.getValue().getGradient()) {
                        adam.update(e.getKey(), e.getValue(), g);
                    }
                    JniUtils.zeroGrad((PtNDArray) e.getValue());
                }
            }
            assertTrue(first > 0.5, "starts near log 2: " + first);
            assertTrue(last < first / 4, "loss fell from " + first + " only to " + last);
        }
    }

    @Test
    void savedHeadLoadsWithTheSameOutputs(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            LabelAttentionHead head = LabelAttentionHead.create(m, HIDDEN, 16, 3, LABELS, 1);
            head.save(dir);
            LabelAttentionHead back = LabelAttentionHead.load(dir, m);
            NDArray states = m.randomNormal(new Shape(2, TOKENS, HIDDEN));
            NDArray mask = m.ones(new Shape(2, TOKENS));
            assertArrayEquals(head.forward(states, mask).get(0).toFloatArray(),
                    back.forward(states, mask).get(0).toFloatArray(), 1e-6f);
            assertEquals(3, back.width());
        }
    }
}
