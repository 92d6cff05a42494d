package org.den4j.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A training JVM killed with SIGKILL mid-run, then resumed here, reaches the uninterrupted loss curve. */
class TrainerKillTest {
    @TempDir
    Path dir;

    static TrainerOptions options(Path out) {
        return TrainerOptions.builder(out).lora(new LoraConfig(4, 8, 0.1, List.of("q_proj", "v_proj", "up_proj")))
                .batchSize(4).learningRate(5e-3).warmupSteps(1).scheduler("cosine").maxSteps(6).saveEvery(2)
                .showProgress(false).seed(11).build();
    }

    static List<TrainingExample> data() {
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int[] ids = new int[10];
            for (int j = 0; j < ids.length; j++) {
                ids[j] = (i * 3 + j) % 60;
            }
            out.add(TrainingExample.allTokens(ids));
        }
        return out;
    }

    private static Qwen2Model base() {
        return Qwen2Model.randomInit(TinyModels.config(), 17, Device.cpu(), DataType.FLOAT32);
    }

    @Test
    @Timeout(300)
    void runKilledAfterACheckpointResumesToTheUninterruptedLossCurve() throws Exception {
        double[] uninterrupted;
        try (Qwen2Model model = base()) {
            Trainer trainer = new Trainer(model, options(dir.resolve("whole")));
            uninterrupted = trainer.train(data(), List.of()).losses();
            trainer.adapter().close();
        }
        Path out = dir.resolve("killed");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), KilledTrainingRun.class.getName(), out.toString(), "5")
                .redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && !line.contains("hanging after step 5")) {
                // PyTorch and SLF4J start-up lines
            }
            assertTrue(line != null, "the training JVM ended before step 5");
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertTrue(Files.isDirectory(out.resolve("checkpoint-4")), "checkpoint-4 was written before the kill");
        assertEquals(5, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        try (Qwen2Model model = base()) {
            Trainer trainer = new Trainer(model, options(out));
            TrainingResult resumed = trainer.train(data(), List.of(), true);
            trainer.adapter().close();
            assertArrayEquals(uninterrupted, resumed.losses(), 1e-5);
        }
        assertEquals(6, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "the killed run's step 5 is replaced");
        assertTrue(Files.exists(out.resolve(LoraAdapter.WEIGHTS_FILE)));
    }
}
