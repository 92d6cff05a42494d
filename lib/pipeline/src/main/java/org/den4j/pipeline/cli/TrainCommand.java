package org.den4j.pipeline.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.den4j.command.Commands;
import org.den4j.command.DeviceOption;
import org.den4j.command.VerboseOption;
import org.den4j.data.TrainingConfig;
import org.den4j.den.DenConfig;
import org.den4j.lm.LmException;
import org.den4j.lm.TrainingDivergedException;
import org.den4j.pipeline.FineTune;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./jbang train}: a LoRA fine-tune as the training configuration says (see {@link FineTune}). */
@Command(name = "train", mixinStandardHelpOptions = true, version = "train 0.1.0", sortOptions = false,
        description = {"Fine-tunes a Qwen2-family model with LoRA (frozen base: float32 on CPU, float16 on GPU) as "
                + "the training configuration says, on data/tokens/tokens.duckdb from ./jbang prepare-tokens, or on "
                + "--pairs FILE of {\"prompt\", \"completion\"} JSON lines. Writes the PEFT adapter, checkpoints and "
                + "metrics.jsonl into the output folder and prints the folder.",
                "Progress goes to stderr."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:trained", "1:failure (training diverged, I/O)", "2:bad input: options, configuration, "
                + "model, data, device"})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/training-config.yaml",
            description = "The training configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = {"-o", "--output-dir"}, required = true, paramLabel = "DIR",
            description = "Where the adapter, checkpoints and metrics go.")
    Path outputDir;

    @Mixin
    DeviceOption device;

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

    @Mixin
    VerboseOption verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;

    /** A command that reads the den of a {@code --model} reference from this process's {@code DEN4J_*} variables. */
    public TrainCommand() {
        this(System.getenv());
    }

    /** A command that reads the den of a {@code --model} reference from {@code env} (for tests and embedding). */
    public TrainCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        if (threads != null) {
            org.den4j.lm.Devices.setCpuThreads(threads);
        }
        FineTune.Request request = FineTune.Request.of(TrainingConfig.read(config), outputDir).withModel(model)
                .withDevice(device.device()).withPairs(pairs).withMaxSteps(maxSteps).withResume(resume);
        FineTune.run(request, DenConfig.fromEnvironment(env), spec.commandLine().getErr());
        spec.commandLine().getOut().println(outputDir);
        return 0;
    }

    /** The command line with den4j's exit codes (see {@link #exitCode}) and one-line errors. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** Like {@link #commandLine()}, reading {@code DEN4J_*} variables from {@code env}. */
    public static CommandLine commandLine(Map<String, String> env) {
        return Commands.line(new TrainCommand(env), TrainCommand::exitCode);
    }

    /**
     * 1 for a diverged run; 2 for the trainer's other {@link LmException}s, as before, because its bad-input
     * failures (no examples, a float16 model for full fine-tuning, an output folder with a checkpoint) are not yet
     * marked {@link org.den4j.den.BadInput}; else den4j's codes ({@link Commands#exitCode}).
     */
    static int exitCode(Throwable e) {
        if (e instanceof TrainingDivergedException) {
            return Commands.FAILURE;
        }
        return e instanceof LmException ? Commands.BAD_INPUT : Commands.exitCode(e);
    }
}
