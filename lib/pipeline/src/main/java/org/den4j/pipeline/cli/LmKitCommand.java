package org.den4j.pipeline.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.den4j.command.Commands;
import org.den4j.command.VerboseOption;
import org.den4j.data.AdmissionNotes;
import org.den4j.den.Den;
import org.den4j.den.PushResult;
import org.den4j.lm.kit.KitReport;
import org.den4j.lm.kit.KitSize;
import org.den4j.lm.kit.ModelKit;
import org.den4j.lm.kit.NoteCorpus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code lm-kit} command: builds the embedded base model ({@link ModelKit}) from notes and prints its folder.
 *
 * <p>It lives here, above both lm and data, because a DuckDB corpus is read by data ({@link AdmissionNotes}) and
 * the model is built by lm, which do not depend on each other.
 *
 * <pre>{@code
 * int exit = LmKitCommand.commandLine().execute("--corpus", "notes.txt", "--out", "out/kit", "--quick");
 * }</pre>
 */
@Command(name = "lm-kit", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Builds den4j's embedded Qwen2 base model from notes: trains a byte-level BPE tokenizer, "
                + "creates a small Qwen2 config with random weights, pre-trains it briefly, and saves a Hugging Face "
                + "folder (config.json, model.safetensors, tokenizer.json, tokenizer_config.json, "
                + "generation_config.json). Prints the folder.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure", "2:bad input: corpus, output folder, size, den name"})
public final class LmKitCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--corpus", required = true, paramLabel = "FILE|DB",
            description = "UTF-8 text file, or DuckDB database with admission_facts.note_text (mimic-dataset.duckdb)")
    Path corpus;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "new or empty folder for the model")
    Path out;

    @Option(names = "--size", defaultValue = "small", paramLabel = "quick|small|coder",
            description = "model size (default: ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--quick", description = "the quick size, for tests and CI (same as --size quick)")
    boolean quick;

    @Option(names = "--steps", paramLabel = "N", description = "pre-training steps (default: the size's)")
    Integer steps;

    @Option(names = "--seed", defaultValue = "42", description = "seed of weights and training (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-chars", defaultValue = "20000000", paramLabel = "N",
            description = "read at most N characters of the corpus (default: ${DEFAULT-VALUE})")
    long maxChars;

    @Option(names = "--push", paramLabel = "NAME", arity = "0..1", fallbackValue = ModelKit.DEFAULT_NAME,
            description = "also push the model to the den (DEN4J_* settings) as NAME (default name: "
                    + ModelKit.DEFAULT_NAME + ")")
    String push;

    @Mixin
    VerboseOption verbose;

    /** The command line with den4j's exit codes and error printing. */
    public static CommandLine commandLine() {
        return Commands.line(new LmKitCommand());
    }

    @Override
    public Integer call() {
        KitSize kitSize = KitSize.named(quick ? "quick" : size);
        if (steps != null) {
            kitSize = kitSize.withTrainSteps(steps);
        }
        PrintStream log = System.err;
        NoteCorpus notes = NoteCorpus.isDatabase(corpus)
                ? new NoteCorpus(corpus, AdmissionNotes.read(corpus, maxChars)).requireText()
                : NoteCorpus.read(corpus, maxChars);
        log.printf(Locale.ROOT, "lm-kit: %d notes, %d characters from %s; size %s%n", notes.documents().size(),
                notes.characters(), corpus, kitSize.name());
        KitReport report = new ModelKit(kitSize, seed, log).build(notes, out);
        log.printf(Locale.ROOT, "lm-kit: vocabulary %d, %d parameters, %d pre-training steps (%d tokens, final loss "
                        + "%.3f), %.1f s%n", report.vocabSize(), report.parameters(), report.trainSteps(),
                report.trainTokens(), report.finalLoss(), report.seconds());
        if (push != null) {
            try (Den den = Den.open()) {
                PushResult result = ModelKit.push(den, report.dir(), push, report);
                log.println("lm-kit: pushed " + result.model().ref());
            }
        }
        spec.commandLine().getOut().println(report.dir());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
