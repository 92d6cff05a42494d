///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-lm:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//DEPS org.den4j:den4j-data:0.1.0
//DEPS info.picocli:picocli:4.7.6
//JAVA_OPTIONS -Dai.djl.offline=true
//DESCRIPTION Fine-tunes a Qwen2-family model with LoRA as config/training-config.yaml says, on the tokenized sets of prepare-tokens (or --pairs).

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.den4j.data.DataException;
import org.den4j.data.TokenSets;
import org.den4j.data.TokenizedExample;
import org.den4j.data.TrainingConfig;
import org.den4j.den.DenException;
import org.den4j.lm.LanguageModel;
import org.den4j.lm.LmException;
import org.den4j.lm.LoraConfig;
import org.den4j.lm.PromptCompletionPairs;
import org.den4j.lm.Trainer;
import org.den4j.lm.TrainerOptions;
import org.den4j.lm.TrainingExample;
import org.den4j.lm.TrainingResult;
import org.den4j.lm.cli.ModelFolders;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Wires the training configuration and token sets (lib/data) to the trainer (lib/lm), which do not know each other. */
@Command(name = "train", mixinStandardHelpOptions = true, version = "train 0.1.0", sortOptions = false,
        description = {"Fine-tunes a Qwen2-family model with LoRA (frozen base: float32 on CPU, float16 on GPU) as "
                + "the training configuration says, on data/tokens/tokens.duckdb from ./jbang prepare-tokens, or on "
                + "--pairs FILE of {\"prompt\", \"completion\"} JSON lines. Writes the PEFT adapter, checkpoints and "
                + "metrics.jsonl into the output folder and prints the folder.",
                "Progress goes to stderr."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:trained", "1:failure (training diverged, I/O)", "2:bad input: options, configuration, "
                + "model, data, device"})
class train implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/training-config.yaml",
            description = "The training configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = {"-o", "--output-dir"}, required = true, paramLabel = "DIR",
            description = "Where the adapter, checkpoints and metrics go.")
    Path outputDir;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto, cpu, cuda or mps (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in the output folder.")
    boolean resume;

    @Option(names = "--model", paramLabel = "DIR|DEN_REF", description = "Overrides model.name/model.path.")
    String model;

    @Option(names = "--pairs", paramLabel = "FILE",
            description = "Train on these prompt/completion JSON lines instead of the tokenized sets.")
    Path pairs;

    @Option(names = "--max-steps", paramLabel = "N", description = "Overrides training.max_steps.")
    Integer maxSteps;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch CPU threads (default: PyTorch's choice, one per core).")
    Integer threads;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        TrainingConfig c = TrainingConfig.read(config);
        if (threads != null) {
            org.den4j.lm.Devices.setCpuThreads(threads);
        }
        String ref = model != null ? model : c.model().path() != null ? c.model().path().toString() : c.model().name();
        PrintWriter err = spec.commandLine().getErr();
        String precision = switch (c.model().dtype()) {
            case "float16" -> "float16";
            case "bfloat16" -> "auto";
            default -> "float32";
        };
        if (c.model().dtype().equals("bfloat16")) {
            err.println("train: model.dtype bfloat16: DJL cannot compute in bfloat16; the frozen base runs in float16 "
                    + "on a GPU, float32 on the CPU");
        }
        try (LanguageModel lm = LanguageModel.load(ModelFolders.resolve(ref), device, precision)) {
            if (!lm.model().device().isGpu() && precision.equals("float16")) {
                throw new LmException("model.dtype float16 on the CPU is very slow and not supported for training; "
                        + "set model.dtype: float32 in " + config + " or use --device cuda");
            }
            int maxLength = Math.min(c.model().maxLength(), c.data().maxLength());
            List<TrainingExample> trainSet;
            List<TrainingExample> validation;
            if (pairs != null) {
                trainSet = PromptCompletionPairs.read(pairs, lm, maxLength);
                validation = List.of();
            } else {
                Path tokens = c.data().tokensDir().resolve(TokenSets.FILE_NAME);
                trainSet = examples(TokenSets.read(tokens, "train"));
                validation = examples(TokenSets.read(tokens, "validation"));
            }
            TrainingConfig.Training t = c.training();
            TrainingConfig.Lora l = c.lora();
            TrainerOptions options = TrainerOptions.builder(outputDir)
                    .lora(new LoraConfig(l.r(), l.alpha(), l.dropout(), l.targetModules()))
                    .epochs(t.epochs()).maxSteps(maxSteps != null ? maxSteps : t.maxSteps()).batchSize(t.batchSize())
                    .gradientAccumulationSteps(t.gradientAccumulationSteps()).learningRate(t.learningRate())
                    .weightDecay(t.weightDecay()).warmupSteps(t.warmupSteps()).scheduler(t.lrScheduler())
                    .maxGradNorm(t.maxGradNorm()).evalEvery(t.evalEvery()).saveEvery(t.saveEvery()).seed(t.seed())
                    .maxLength(maxLength).metricsFile(c.logging().metricsFile()).baseModel(ref)
                    .build();
            err.printf(Locale.ROOT, "train: %s on %s (%s), %d training and %d validation examples, LoRA r=%d "
                    + "alpha=%s on %s%n", ref, lm.model().device(), lm.model().dataType(), trainSet.size(),
                    validation.size(), l.r(), l.alpha(), l.targetModules());
            Trainer trainer = new Trainer(lm.model(), options);
            try {
                TrainingResult result = trainer.train(trainSet, validation, resume);
                err.printf(Locale.ROOT, "train: %d steps, final loss %.4f, validation loss %.4f%n", result.steps(),
                        result.finalLoss(), result.finalEvalLoss());
            } finally {
                if (trainer.adapter() != null) {
                    trainer.adapter().close();
                }
            }
            spec.commandLine().getOut().println(outputDir);
        }
        return 0;
    }

    private static List<TrainingExample> examples(List<TokenizedExample> rows) {
        List<TrainingExample> out = new ArrayList<>();
        for (TokenizedExample r : rows) {
            out.add(new TrainingExample(r.inputIds(), r.labelMask()));
        }
        return out;
    }

    public static void main(String... args) {
        CommandLine cl = new CommandLine(new train());
        cl.setExitCodeExceptionMapper(e -> e instanceof LmException && !(e instanceof org.den4j.lm.TrainingDivergedException)
                || e instanceof DataException || e instanceof DenException || e instanceof IllegalArgumentException
                ? 2 : 1);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            boolean known = e instanceof LmException || e instanceof DataException || e instanceof DenException
                    || e instanceof IllegalArgumentException;
            line.getErr().println("train: " + (known ? e.getMessage() : e.toString()));
            if (((train) line.getCommand()).verbose) {
                e.printStackTrace(line.getErr());
            }
            return line.getExitCodeExceptionMapper().getExitCode(e);
        });
        System.exit(cl.execute(args));
    }
}
