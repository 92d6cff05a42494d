package org.den4j.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.den4j.lm.LmException;
import org.den4j.lm.TrainingDivergedException;
import org.den4j.lm.TrainingMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPiecesTest {
    @TempDir
    Path dir;

    private static TrainingMetrics metrics(int step, int total) {
        return new TrainingMetrics(step, total, step / 4.0, 2.5 - step * 0.1, 1e-3, 0.5, 100, 1830, step, Double.NaN,
                1, 2, 0);
    }

    @Test
    void scheduleWarmsUpLinearlyThenDecaysAsTransformersDoes() {
        LearningRateSchedule cosine = new LearningRateSchedule("cosine", 1.0, 10);
        assertEquals(0.0, cosine.at(0, 110));
        assertEquals(0.5, cosine.at(5, 110), 1e-12);
        assertEquals(0.5, cosine.at(60, 110), 1e-12);
        assertEquals(0.0, cosine.at(110, 110), 1e-12);
        assertEquals(0.25, new LearningRateSchedule("linear", 1.0, 10).at(85, 110), 1e-12);
        assertEquals(1.0, new LearningRateSchedule("constant", 1.0, 10).at(0, 110));
        assertEquals(1.0, new LearningRateSchedule("constant_with_warmup", 1.0, 10).at(100, 110));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LearningRateSchedule("step", 1.0, 0));
        assertTrue(e.getMessage().startsWith("scheduler 'step' is unknown; use one of [cosine"), e.getMessage());
    }

    @Test
    void adamWFirstStepMovesEachWeightByTheLearningRateAgainstItsGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(new float[] {1f, -2f, 3f});
            p.setRequiresGradient(true);
            try (AdamW optimizer = new AdamW(manager, Map.of("w", p), 0.1, 1.0)) {
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    collector.backward(p.square().sum());
                }
                // gradient 2p = (2, -4, 6): norm sqrt(56), clipped to 1, which keeps the signs
                assertEquals(Math.sqrt(56), optimizer.gradientNorm(), 1e-5);
                optimizer.step(0.01, 1, optimizer.gradientNorm());
                // bias-corrected first step: m/sqrt(v) = sign(g); decoupled decay first: p * (1 - 0.01 * 0.1)
                float[] expected = {(float) (1 * 0.999 - 0.01), (float) (-2 * 0.999 + 0.01), (float) (3 * 0.999 - 0.01)};
                assertArrayEquals(expected, p.toFloatArray(), 1e-5f);
                assertEquals(List.of("exp_avg/w", "exp_avg_sq/w"), new ArrayList<>(optimizer.state().keySet()));
                assertEquals(0f, p.getGradient().abs().sum().getFloat(), "gradients are zeroed after the step");
            }
        }
    }

    @Test
    void checkpointsAreWrittenWholeOrNotAtAllAndTheOldestGo() throws IOException {
        Checkpoints checkpoints = new Checkpoints(dir, 2);
        assertNull(checkpoints.latest());
        for (int step : new int[] {2, 4, 10}) {
            checkpoints.write(step, folder -> Files.writeString(folder.resolve(Checkpoints.STATE_FILE), "{}"));
        }
        assertEquals(dir.resolve("checkpoint-10"), checkpoints.latest(), "10 is newer than 4, not older");
        assertFalse(Files.exists(dir.resolve("checkpoint-2")));
        LmException e = assertThrows(LmException.class, () -> checkpoints.write(12, folder -> {
            Files.writeString(folder.resolve("adapter_model.safetensors"), "half");
            throw new IOException("disk full");
        }));
        assertEquals("Cannot write checkpoint " + dir.resolve("checkpoint-12") + ": java.io.IOException: disk full",
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("checkpoint-12")));
        assertEquals(dir.resolve("checkpoint-10"), checkpoints.latest());
        Files.createDirectories(dir.resolve("checkpoint-20"));
        assertEquals(dir.resolve("checkpoint-10"), checkpoints.latest(), "a folder without its state is not a checkpoint");
    }

    @Test
    void metricsLogStartsAfreshOrDropsTheLinesAfterTheResumedStep() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricsLog log = new MetricsLog(file);
        TrainingRun fresh = new TrainingRun(dir, 0, 6, List.of());
        Files.writeString(file, "{\"step\": 1}\n");
        log.onTrainingBegin(fresh);
        for (int step = 1; step <= 5; step++) {
            log.onStep(fresh, metrics(step, 6));
        }
        assertEquals(5, Files.readAllLines(file).size());
        log.onTrainingBegin(new TrainingRun(dir, 4, 6, List.of()));
        List<String> kept = Files.readAllLines(file);
        assertEquals(4, kept.size());
        assertEquals(metrics(4, 6), MetricsLog.parse(kept.get(3)));
        LmException e = assertThrows(LmException.class, () -> MetricsLog.parse("loss 2.3"));
        assertTrue(e.getMessage().startsWith("A metrics line is not JSON ("), e.getMessage());
    }

    @Test
    void progressDisplayDrawsStepsLossAndTokenRateThroughDensBar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressDisplay display = new ProgressDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        TrainingRun resumed = new TrainingRun(dir, 4, 6, List.of());
        display.onTrainingBegin(resumed);
        display.onStep(resumed, metrics(5, 6));
        display.onStep(resumed, metrics(6, 6));
        display.onTrainingEnd(resumed);
        String out = bytes.toString(StandardCharsets.UTF_8);
        String last = out.substring(out.lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("train [########################] 100%  6/6 steps  "), last);
        assertTrue(last.contains(" steps/s  loss 1.9000  1830 tok/s  in "), last);
        assertTrue(last.endsWith("\n"), "the line is ended: " + last);
    }

    @Test
    void divergenceNamesTheStepTheValueAndTheLastGoodCheckpoint() throws IOException {
        Checkpoints checkpoints = new Checkpoints(dir, 1);
        DivergenceCheck check = new DivergenceCheck(checkpoints);
        check.check(1, 3, 2.0, 0.5, 1e-3);
        checkpoints.write(2, folder -> Files.writeString(folder.resolve(Checkpoints.STATE_FILE), "{}"));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> check.check(3, 3, 2.0, Double.POSITIVE_INFINITY, 1e-3));
        assertEquals(3, e.step());
        assertEquals("Training diverged at step 3 of 3: the gradient norm is Infinity (learning rate 0.001). Lower "
                + "the learning rate, add warm-up steps or clipping (max_grad_norm), or train in float32; the last "
                + "good checkpoint is " + dir.resolve("checkpoint-2"), e.getMessage());
    }

    @Test
    void everyListenerEndsAndTheLoopsOwnFailureIsTheOneThrown() {
        List<String> ended = new ArrayList<>();
        TrainingListener failing = new TrainingListener() {
            @Override
            public void onTrainingEnd(TrainingRun run) {
                ended.add("failing");
                throw new IllegalStateException("end failed");
            }
        };
        TrainingListener counting = new TrainingListener() {
            @Override
            public void onTrainingEnd(TrainingRun run) {
                ended.add("counting");
            }
        };
        TrainingListeners all = new TrainingListeners(List.of(failing, counting));
        TrainingRun run = new TrainingRun(dir, 0, 1, List.of());
        RuntimeException loop = new RuntimeException("step failed");
        all.onTrainingEnd(run, loop);
        assertEquals(List.of("failing", "counting"), ended);
        assertEquals("end failed", loop.getSuppressed()[0].getMessage());
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> all.onTrainingEnd(run));
        assertSame(IllegalStateException.class, thrown.getClass());
    }
}
