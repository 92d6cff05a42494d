package org.den4j.pipeline;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.den4j.data.TokenSets;
import org.den4j.data.TokenizedExample;
import org.den4j.data.TrainingConfig;
import org.den4j.lm.LanguageModel;
import org.den4j.lm.LmException;
import org.den4j.lm.LmInputException;
import org.den4j.lm.LoraConfig;
import org.den4j.lm.PromptCompletionPairs;
import org.den4j.lm.Trainer;
import org.den4j.lm.TrainerOptions;
import org.den4j.lm.TrainingExample;
import org.den4j.lm.TrainingResult;
import org.den4j.lm.cli.ModelFolders;

/**
 * Fine-tunes the model a training configuration names with LoRA, on the token sets of {@code prepare-tokens}
 * (or on prompt/completion pairs), as {@code ./jbang train} does.
 *
 * <pre>{@code
 * FineTune.Outcome outcome = FineTune.run(FineTune.Request.of(TrainingConfig.read(file), Path.of("output/coder"))
 *         .withMaxSteps(20), new PrintWriter(System.err, true));
 * }</pre>
 */
public final class FineTune {
    private FineTune() {
    }

    /**
     * What to train.
     *
     * @param config the training configuration (model, LoRA, training, data, logging)
     * @param outputDir where the adapter, checkpoints and metrics go
     * @param model a folder or den reference overriding {@code model.path}/{@code model.name}, or null
     * @param device {@code auto}, {@code cpu}, {@code cuda} or {@code mps}
     * @param pairs prompt/completion JSON lines to train on instead of the token sets, or null
     * @param maxSteps overrides {@code training.max_steps}, or null
     * @param resume continue from the newest checkpoint in {@code outputDir}
     */
    public record Request(TrainingConfig config, Path outputDir, String model, String device, Path pairs,
            Integer maxSteps, boolean resume) {
        public Request {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(outputDir, "outputDir");
            device = device == null ? "auto" : device;
        }

        /** Training as {@code config} says into {@code outputDir}, on the automatic device. */
        public static Request of(TrainingConfig config, Path outputDir) {
            return new Request(config, outputDir, null, "auto", null, null, false);
        }

        public Request withModel(String model) {
            return new Request(config, outputDir, model, device, pairs, maxSteps, resume);
        }

        public Request withDevice(String device) {
            return new Request(config, outputDir, model, device, pairs, maxSteps, resume);
        }

        public Request withPairs(Path pairs) {
            return new Request(config, outputDir, model, device, pairs, maxSteps, resume);
        }

        public Request withMaxSteps(Integer maxSteps) {
            return new Request(config, outputDir, model, device, pairs, maxSteps, resume);
        }

        public Request withResume(boolean resume) {
            return new Request(config, outputDir, model, device, pairs, maxSteps, resume);
        }

        /** The model as given: the override, else {@code model.path}, else {@code model.name}. */
        public String modelReference() {
            return model != null ? model : config.model().path() != null ? config.model().path().toString()
                    : config.model().name();
        }
    }

    /**
     * What a fine-tune did.
     *
     * @param model the base model as given (folder or den reference)
     * @param result steps, losses and where the adapter went
     * @param trainExamples examples trained on
     * @param validationExamples examples of the validation loss
     */
    public record Outcome(String model, TrainingResult result, int trainExamples, int validationExamples) {
    }

    /**
     * Runs a fine-tune; progress and a summary go to {@code log}.
     *
     * @throws LmException when the model, device or data cannot be used, or training diverges
     * @throws org.den4j.data.DataException when the configuration or token sets are bad
     */
    public static Outcome run(Request request, PrintWriter log) {
        return run(request, org.den4j.den.DenConfig.fromEnvironment(), log);
    }

    /**
     * Runs a fine-tune whose den reference, if {@link Request#modelReference()} is one, comes from the den
     * {@code den} describes; a model of a remote den whose policy forbids local fine-tuning is refused before
     * anything is loaded or trained.
     *
     * @throws org.den4j.den.FineTuneRefusedException naming the den and the setting that forbids it
     * @throws LmException when the model, device or data cannot be used, or training diverges
     * @throws org.den4j.data.DataException when the configuration or token sets are bad
     */
    public static Outcome run(Request request, org.den4j.den.DenConfig den, PrintWriter log) {
        TrainingConfig c = request.config();
        Path folder = ModelFolders.resolveForFineTune(request.modelReference(), den);
        String ref = request.modelReference();
        String precision = switch (c.model().dtype()) {
            case "float16" -> "float16";
            case "bfloat16" -> "auto";
            default -> "float32";
        };
        if (c.model().dtype().equals("bfloat16")) {
            log.println("train: model.dtype bfloat16: DJL cannot compute in bfloat16; the frozen base runs in float16 "
                    + "on a GPU, float32 on the CPU");
        }
        try (LanguageModel lm = LanguageModel.load(folder, request.device(), precision)) {
            if (!lm.model().device().isGpu() && precision.equals("float16")) {
                throw new LmInputException("model.dtype float16 on the CPU is very slow and not supported for training; "
                        + "set model.dtype: float32 in " + c.file() + " or use --device cuda");
            }
            int maxLength = Math.min(c.model().maxLength(), c.data().maxLength());
            List<TrainingExample> trainSet;
            List<TrainingExample> validation;
            if (request.pairs() != null) {
                trainSet = PromptCompletionPairs.read(request.pairs(), lm, maxLength);
                validation = List.of();
            } else {
                Path tokens = c.data().tokensDir().resolve(TokenSets.FILE_NAME);
                trainSet = examples(TokenSets.read(tokens, "train"));
                validation = examples(TokenSets.read(tokens, "validation"));
            }
            TrainingConfig.Training t = c.training();
            TrainingConfig.Lora l = c.lora();
            TrainerOptions options = TrainerOptions.builder(request.outputDir())
                    .lora(new LoraConfig(l.r(), l.alpha(), l.dropout(), l.targetModules()))
                    .epochs(t.epochs()).maxSteps(request.maxSteps() != null ? request.maxSteps() : t.maxSteps())
                    .batchSize(t.batchSize()).gradientAccumulationSteps(t.gradientAccumulationSteps())
                    .learningRate(t.learningRate()).weightDecay(t.weightDecay()).warmupSteps(t.warmupSteps())
                    .scheduler(t.lrScheduler()).maxGradNorm(t.maxGradNorm()).evalEvery(t.evalEvery())
                    .saveEvery(t.saveEvery()).seed(t.seed()).maxLength(maxLength)
                    .metricsFile(c.logging().metricsFile()).baseModel(ref)
                    .build();
            log.printf(Locale.ROOT, "train: %s on %s (%s), %d training and %d validation examples, LoRA r=%d "
                    + "alpha=%s on %s%n", ref, lm.model().device(), lm.model().dataType(), trainSet.size(),
                    validation.size(), l.r(), l.alpha(), l.targetModules());
            log.flush();
            Trainer trainer = new Trainer(lm.model(), options);
            try {
                TrainingResult result = trainer.train(trainSet, validation, request.resume());
                log.printf(Locale.ROOT, "train: %d steps, final loss %.4f, validation loss %.4f%n", result.steps(),
                        result.finalLoss(), result.finalEvalLoss());
                log.flush();
                return new Outcome(ref, result, trainSet.size(), validation.size());
            } finally {
                if (trainer.adapter() != null) {
                    trainer.adapter().close();
                }
            }
        }
    }

    private static List<TrainingExample> examples(List<TokenizedExample> rows) {
        List<TrainingExample> out = new ArrayList<>(rows.size());
        for (TokenizedExample r : rows) {
            out.add(new TrainingExample(r.inputIds(), r.labelMask()));
        }
        return out;
    }
}
