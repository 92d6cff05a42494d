package org.den4j.coder.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.den4j.coder.CoderDen;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.Coders;
import org.den4j.command.Commands;
import org.den4j.command.DenOption;
import org.den4j.command.DeviceOption;
import org.den4j.command.VerboseOption;
import org.den4j.den.Den;
import org.den4j.lm.kit.ModelKit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code train-coder}: trains a coder of one kind on the train split, tunes its thresholds on validation, writes
 * the coder folder and optionally pushes it to the den. The last line of standard output is the pushed
 * reference ({@code NAME@VERSION}) or the folder.
 */
@Command(name = "train-coder", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains an ICD coder on the train split of a prepare-mimic database, tunes its thresholds on "
                + "the validation split, and writes a coder folder (pushed to the den with --push).",
            "Prints the pushed NAME@VERSION, or the folder, on its last line."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:trained", "1:training failed", "2:bad input (unknown kind, missing database, bad setting)"})
public final class TrainCoderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--coder", required = true, paramLabel = "KIND",
            description = "The kind: linear, naive-bayes, lm-generate or lm-label-attention (those registered).")
    String kind;

    @Mixin
    CoderData data;

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "The coder folder to write (default: output/coders/KIND).")
    Path outputDir;

    @Option(names = "--push", paramLabel = "NAME", description = "Push the coder to the den as a new version of NAME, "
            + "such as den4j/icd-coder.")
    String push;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting of the kind, such as c=0.5 or "
            + "min_df=3; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "At most N notes of each split (default: all).")
    int limit;

    @Option(names = "--seed", paramLabel = "N", description = "The seed (default: the config's training.seed).")
    Long seed;

    @Mixin
    DeviceOption device;

    @Mixin
    DenOption den;

    @Mixin
    VerboseOption verbose;

    private final PrintStream progress;
    private final Map<String, String> env;

    /** A command that draws progress on {@code progress} (null: none) and reads the den from {@code env}. */
    public TrainCoderCommand(PrintStream progress, Map<String, String> env) {
        this.progress = progress;
        this.env = env;
    }

    /** The command line of this command with den4j's error policy. */
    public static CommandLine commandLine(PrintStream progress, Map<String, String> env) {
        return Commands.line(new TrainCoderCommand(progress, env));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CoderFormat format = Coders.format(kind);
        if (limit < 0) {
            throw new CoderInputException("--limit must be 0 (all) or more, was " + limit);
        }
        Path folder = outputDir != null ? outputDir : Path.of("output", "coders", kind);
        boolean needsDen = push != null || kind.startsWith("lm-");
        Den opened = needsDen ? Den.open(den.config(env)) : null;
        try {
            if (kind.startsWith("lm-")) {
                // An LM coder trains on its base model: refuse a remote den's model its den keeps from local
                // fine-tuning before any note is read.
                String base = settings.getOrDefault("base", ModelKit.DEFAULT_NAME);
                if (!Files.isDirectory(Path.of(base))) {
                    opened.checkLocalFineTune(base);
                }
            }
            long s = seed != null ? seed : data.config().training().seed();
            CoderTraining training = CoderTraining.fromDatabase(data.database(), limit, folder, settings, opened,
                    device.device(), s, progress);
            Path written = format.train(training);
            if (push == null) {
                out.println(written);
            } else {
                String ref = CoderDen.push(opened, written, push, null);
                if (progress != null) {
                    progress.println("pushed " + written + " as " + ref);
                }
                out.println(ref);
            }
            out.flush();
            return Commands.OK;
        } finally {
            if (opened != null) {
                opened.close();
            }
        }
    }
}
