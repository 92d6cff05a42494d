package org.den4j.lm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Which examples each micro-batch of a run holds: every epoch is shuffled with a seed of its own, derived from
 * the run's seed, so a resumed run needs no generator state to draw the same batches.
 */
final class BatchOrder {
    private final List<TrainingExample> examples;
    private final int batchSize;
    private final long seed;
    private final int batchesPerEpoch;
    private final int stepsPerEpoch;
    private final int microBatchesPerEpoch;
    private final Map<Integer, List<Integer>> orders = new LinkedHashMap<>();

    BatchOrder(List<TrainingExample> examples, int batchSize, int accumulation, long seed) {
        this.examples = examples;
        this.batchSize = batchSize;
        this.seed = seed;
        this.batchesPerEpoch = (examples.size() + batchSize - 1) / batchSize;
        this.stepsPerEpoch = Math.max(1, batchesPerEpoch / accumulation);
        this.microBatchesPerEpoch = stepsPerEpoch * accumulation;
    }

    /** Optimizer steps in one epoch (at least 1). */
    int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** The examples of 0-based micro-batch {@code index} of the run. */
    List<TrainingExample> microBatch(long index) {
        int epoch = (int) (index / microBatchesPerEpoch);
        int batch = (int) (index % microBatchesPerEpoch) % batchesPerEpoch;
        List<Integer> order = orders.computeIfAbsent(epoch, e -> {
            List<Integer> o = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                o.add(i);
            }
            Collections.shuffle(o, new Random(seed * 31 + e));
            return o;
        });
        orders.keySet().removeIf(e -> e < epoch);
        List<TrainingExample> out = new ArrayList<>();
        for (int i = batch * batchSize; i < Math.min(examples.size(), (batch + 1) * batchSize); i++) {
            out.add(examples.get(order.get(i)));
        }
        return out;
    }
}
