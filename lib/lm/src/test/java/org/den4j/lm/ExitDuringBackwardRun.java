package org.den4j.lm;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;

/**
 * A JVM that trains a tiny model and, from a second thread, calls {@code System.exit(143)} (what SIGTERM does)
 * the moment the training thread is inside PyTorch's backward pass, after step 2. Each step that ends prints
 * {@code step N ended}.
 */
public final class ExitDuringBackwardRun {
    private ExitDuringBackwardRun() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Thread main = Thread.currentThread();
        Thread exit = new Thread(() -> {
            while (true) {
                StackTraceElement[] stack = main.getStackTrace();
                if (stack.length > 0 && stack[0].getMethodName().equals("torchBackward")) {
                    System.out.println("exit requested during backward");
                    System.out.flush();
                    System.exit(143);
                }
                Thread.onSpinWait();
            }
        }, "exit-during-backward");
        exit.setDaemon(true);
        TrainerOptions options = TrainerOptions.builder(out).lora(new LoraConfig(4, 8, 0.1, List.of("q_proj", "v_proj")))
                .batchSize(4).learningRate(1e-3).maxSteps(1_000_000).showProgress(false).seed(3).build();
        try (Qwen2Model model = Qwen2Model.randomInit(TinyModels.config(), 17, Device.cpu(), DataType.FLOAT32)) {
            Trainer trainer = new Trainer(model, options).onStep(m -> {
                System.out.println("step " + m.step() + " ended");
                System.out.flush();
                if (m.step() == 2) {
                    exit.start();
                }
            });
            trainer.train(TrainerKillTest.data(), List.of());
        }
    }
}
