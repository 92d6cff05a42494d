package org.den4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.train.TrainingListener;
import org.den4j.lm.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final LoraConfig LORA = new LoraConfig(8, 16, 0.1, Qwen2Model.PROJECTIONS);

    @TempDir
    Path dir;

    /** Counting sequences: after a prompt token x the completion is x+1, x+2, ... (mod 60). */
    private static List<TrainingExample> counting(int count, long seed) {
        Random random = new Random(seed);
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int start = random.nextInt(60);
            int[] prompt = {start, (start + 1) % 60};
            int[] completion = new int[6];
            for (int j = 0; j < completion.length; j++) {
                completion[j] = (start + 2 + j) % 60;
            }
            out.add(TrainingExample.completion(prompt, completion));
        }
        return out;
    }

    private static Qwen2Model base() {
        return Qwen2Model.randomInit(TinyModels.config(), 17, Device.cpu(), DataType.FLOAT32);
    }

    private TrainerOptions.Builder options(Path out) {
        return TrainerOptions.builder(out).lora(LORA).batchSize(8).learningRate(1e-2).warmupSteps(2)
                .scheduler("linear").showProgress(false).seed(5);
    }

    @Test
    void loraTrainingLowersTheLossOnALearnableTask() throws Exception {
        Path out = dir.resolve("lora");
        // weights scaled up (TinyModels.model): a frozen head of std 0.02 cannot express confident predictions
        try (Qwen2Model model = TinyModels.model(TinyModels.config(), 17)) {
            Trainer trainer = new Trainer(model, options(out).maxSteps(20).evalEvery(10).build());
            TrainingResult result = trainer.train(counting(64, 1), counting(16, 2));
            double[] losses = result.losses();
            assertEquals(20, losses.length);
            double first = (losses[0] + losses[1]) / 2;
            double last = (losses[18] + losses[19]) / 2;
            assertTrue(last < 0.6 * first, "loss " + first + " -> " + last);
            assertTrue(result.finalEvalLoss() < 0.7 * first, "eval loss " + result.finalEvalLoss());
            assertTrue(Files.exists(out.resolve(LoraAdapter.CONFIG_FILE))
                    && Files.exists(out.resolve(LoraAdapter.WEIGHTS_FILE)));
            List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
            assertEquals(20, metrics.size());
            assertTrue(metrics.get(9).contains("\"eval_loss\": ") && !metrics.get(9).contains("\"eval_loss\": null"),
                    metrics.get(9));
            assertTrue(metrics.get(0).contains("\"learning_rate\": 0.0"), "warm-up starts at 0: " + metrics.get(0));
            trainer.adapter().close();
        }
    }

    @Test
    void fullFineTuningLowersTheLoss() {
        Path out = dir.resolve("full");
        try (Qwen2Model model = base()) {
            List<TrainingExample> data = new ArrayList<>();
            for (TrainingExample e : counting(32, 3)) {
                data.add(TrainingExample.allTokens(e.inputIds()));
            }
            TrainerOptions opts = options(out).lora(null).maxSteps(20).build();
            TrainingResult result = new Trainer(model, opts).train(data, List.of());
            double[] losses = result.losses();
            assertTrue(losses[19] < 0.6 * losses[0], losses[0] + " -> " + losses[19]);
            assertTrue(Files.exists(out.resolve("model.safetensors")) && Files.exists(out.resolve("config.json")));
            assertEquals(Double.NaN, result.finalEvalLoss());
        }
    }

    @Test
    void resumeAfterAnInterruptionReproducesTheUninterruptedLossCurve() {
        TrainerOptions.Builder common = options(dir).maxSteps(6).saveEvery(2).gradientAccumulationSteps(2)
                .batchSize(4).scheduler("cosine");
        List<TrainingExample> data = counting(20, 4);
        double[] uninterrupted;
        try (Qwen2Model model = base()) {
            Trainer trainer = new Trainer(model, common.outputDir(dir.resolve("a")).build());
            uninterrupted = trainer.train(data, List.of()).losses();
            trainer.adapter().close();
        }
        Path b = dir.resolve("b");
        try (Qwen2Model model = base()) {
            Trainer trainer = new Trainer(model, common.outputDir(b).build()).onStep(m -> {
                if (m.step() == 5) {
                    throw new IllegalStateException("killed");
                }
            });
            assertThrows(IllegalStateException.class, () -> trainer.train(data, List.of()));
            trainer.adapter().close();
        }
        assertTrue(Files.isDirectory(b.resolve("checkpoint-4")) && Files.isDirectory(b.resolve("checkpoint-2")));
        LmException refused;
        try (Qwen2Model model = base()) {
            refused = assertThrows(LmException.class,
                    () -> new Trainer(model, common.outputDir(b).build()).train(data, List.of(), false));
        }
        assertTrue(refused.getMessage().contains("already holds checkpoint-4"), refused.getMessage());
        List<String> events = new ArrayList<>();
        try (Qwen2Model model = base()) {
            Trainer trainer = new Trainer(model, common.outputDir(b).build()).addListener(new TrainingListener() {
                @Override
                public void onTrainingBegin(TrainingRun run) {
                    events.add("begin after " + run.firstStep() + " of " + run.totalSteps() + " with "
                            + run.history().size() + " restored");
                }

                @Override
                public void onStep(TrainingRun run, TrainingMetrics metrics) {
                    try {
                        events.add("step " + metrics.step() + ", metrics file "
                                + Files.readAllLines(b.resolve("metrics.jsonl")).size());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void onTrainingEnd(TrainingRun run) {
                    events.add("end with " + run.history().size());
                }
            });
            TrainingResult resumed = trainer.train(data, List.of(), true);
            assertArrayEquals(uninterrupted, resumed.losses(), 1e-5);
            trainer.adapter().close();
        }
        assertEquals(List.of("begin after 4 of 6 with 4 restored", "step 5, metrics file 5", "step 6, metrics file 6",
                "end with 6"), events, "the trainer's own listeners (the metrics file) run first");
    }

    @Test
    void nanLossStopsTrainingWithAClearMessage() {
        try (Qwen2Model model = base()) {
            model.weight("model.norm.weight").muli(Float.NaN);
            Trainer trainer = new Trainer(model, options(dir.resolve("nan")).maxSteps(3).build());
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> trainer.train(counting(8, 1), List.of()));
            assertEquals(1, e.step());
            assertTrue(e.getMessage().contains("Training diverged at step 1 of 3: the loss is NaN"), e.getMessage());
            assertTrue(e.getMessage().contains("Lower the learning rate"), e.getMessage());
        }
    }

    @Test
    void examplesFromAnotherTokenizerAreRefused() {
        try (Qwen2Model model = base()) {
            Trainer trainer = new Trainer(model, options(dir.resolve("x")).maxSteps(1).build());
            LmException e = assertThrows(LmException.class, () -> trainer.train(
                    List.of(TrainingExample.allTokens(new int[] {1, 2, 500})), List.of()));
            assertTrue(e.getMessage().contains("token id 500, outside the model's vocabulary of 64"), e.getMessage());
        }
    }

    @Test
    void learningRateScheduleFollowsWarmupThenDecay() {
        try (Qwen2Model model = base()) {
            Trainer cosine = new Trainer(model, options(dir).learningRate(1.0).warmupSteps(10).scheduler("cosine")
                    .build());
            assertEquals(0.0, cosine.learningRate(0, 110));
            assertEquals(0.5, cosine.learningRate(5, 110), 1e-12);
            assertEquals(1.0, cosine.learningRate(10, 110), 1e-12);
            assertEquals(0.5, cosine.learningRate(60, 110), 1e-12);
            Trainer linear = new Trainer(model, options(dir).learningRate(1.0).warmupSteps(10).scheduler("linear")
                    .build());
            assertEquals(0.25, linear.learningRate(85, 110), 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> options(dir).scheduler("step").build());
        Qwen2Config c = TinyModels.config();
        try (Qwen2Model half = Qwen2Model.randomInit(c, 1, Device.cpu(), DataType.FLOAT16)) {
            LmException e = assertThrows(LmException.class, () -> new Trainer(half, options(dir).lora(null).build()));
            assertTrue(e.getMessage().contains("Full fine-tuning needs float32 weights"), e.getMessage());
        }
    }
}
