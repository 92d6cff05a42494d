package org.den4j.lm;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;

/**
 * A training run for {@link TrainerKillTest} to kill: trains in this JVM and, after step
 * {@code args[1]}, stops moving (as a hung or slow run would) until the test kills the process.
 */
public final class KilledTrainingRun {
    private KilledTrainingRun() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int hangAfter = Integer.parseInt(args[1]);
        try (Qwen2Model model = Qwen2Model.randomInit(TinyModels.config(), 17, Device.cpu(), DataType.FLOAT32)) {
            Trainer trainer = new Trainer(model, TrainerKillTest.options(out)).onStep(m -> {
                if (m.step() == hangAfter) {
                    System.out.println("hanging after step " + m.step());
                    System.out.flush();
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            trainer.train(TrainerKillTest.data(), List.of());
        }
    }
}
