package org.den4j.pipeline.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.den4j.coder.Coders;
import org.den4j.command.Commands;
import org.den4j.command.VerboseOption;
import org.den4j.data.TrainingConfig;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.lm.LmInputException;
import org.den4j.lm.kit.KitSize;
import org.den4j.pipeline.Pipeline;
import org.den4j.pipeline.PipelineReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./jbang pipeline}: the main job on embedded defaults (see {@link Pipeline}). */
@Command(name = "pipeline", mixinStandardHelpOptions = true, version = "pipeline 0.1.0", sortOptions = false,
        description = {"The main job, end to end, with nothing to bring: a synthetic MIMIC-IV release into DuckDB "
                + "with patient splits, den4j's own small Qwen2 base model built from its notes, prompt/completion "
                + "token sets, a LoRA fine-tune, the base and the fine-tune scored on held-out notes by the ICD "
                + "codes they generate, and both pushed to the den (the fine-tune names the base as parent).",
                "Progress goes to stderr; stdout gets one line per step, then the lineage. The embedded model is "
                        + "tiny: the run shows the parts working together, not a useful coder."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure", "2:bad input (option, configuration, DEN4J_* value, den path)"})
public final class PipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "output/pipeline",
            description = "Where the data, models and token sets go; made afresh every run (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--den", paramLabel = "PATH", description = "The den that receives the models (default: "
            + "DEN4J_PATH, else the user den).")
    Path denPath;

    @Option(names = "--no-push", description = "Push nothing to the den.")
    boolean noPush;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "config/training-config.yaml",
            description = "Training configuration for the LoRA, training and prompt settings (default: "
                    + "${DEFAULT-VALUE}; the shipped defaults when it does not exist).")
    Path config;

    @Option(names = "--patients", paramLabel = "N", defaultValue = "300",
            description = "Synthetic patients (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--size", paramLabel = "quick|small|coder", defaultValue = "quick",
            description = "Size of the embedded base model (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--train-steps", paramLabel = "N", defaultValue = "30",
            description = "LoRA optimizer steps (default: ${DEFAULT-VALUE}).")
    int trainSteps;

    @Option(names = "--eval-notes", paramLabel = "N", defaultValue = "8",
            description = "Held-out notes to score (default: ${DEFAULT-VALUE}).")
    int evalNotes;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--coders", paramLabel = "KINDS", split = ",", defaultValue = "linear,naive-bayes,lm-label-attention",
            description = "ICD coder kinds to train on the same split, measure on test against linear, push as "
                    + "versions of den4j/icd-coder and race for the champion alias (default: ${DEFAULT-VALUE}; "
                    + "'none' for none).")
    List<String> coders;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        KitSize kitSize;
        try {
            kitSize = KitSize.named(size);
        } catch (LmInputException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size " + size + " is unknown; use quick, "
                    + "small or coder");
        }
        List<String> kinds = coders.size() == 1 && coders.get(0).equals("none") ? List.of() : coders;
        kinds.forEach(Coders::format); // an unknown kind fails now, naming the known ones, not after minutes of work
        TrainingConfig training = Files.exists(config) ? TrainingConfig.read(config) : TrainingConfig.defaults();
        PrintStream log = System.err;
        Pipeline.Builder builder = Pipeline.builder(workDir).patients(patients).kitSize(kitSize)
                .trainSteps(trainSteps).evalNotes(evalNotes).seed(seed).config(training).log(log)
                .coders(kinds);
        PipelineReport report;
        if (noPush) {
            report = builder.build().run();
        } else {
            DenConfig denConfig = DenConfig.fromEnvironment();
            if (denPath != null) {
                denConfig = denConfig.withPath(denPath);
            }
            try (Den den = Den.open(denConfig)) {
                report = builder.den(den).build().run();
            }
        }
        spec.commandLine().getOut().print(report.toText());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The command line with den4j's exit codes and one-line error messages. */
    public static CommandLine commandLine() {
        return Commands.line(new PipelineCommand());
    }
}
