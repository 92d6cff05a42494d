package org.den4j.data.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.den4j.command.VerboseOption;
import org.den4j.data.TokenSetWriter;
import org.den4j.data.TokenStats;
import org.den4j.data.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prepare-tokens}: tokenized prompt/completion training sets from the MIMIC database. */
@Command(name = "prepare-tokens", sortOptions = false,
        description = {"Builds prompt/completion pairs (the configuration's prompt template with the note; the "
                + "comma-separated codes) for split_train, split_validation and split_test, tokenizes them with the "
                + "model's tokenizer.json on several threads, and writes DIR/tokens.duckdb (tokens_train, "
                + "tokens_validation, tokens_test, token_stats). Long notes are cut; the codes always survive.",
                "Progress goes to stderr; stdout gets the token length statistics."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written", "1:failed", "2:invalid options, configuration or missing input"})
public final class PrepareTokensCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/training-config.yaml",
            description = "Training configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = {"-i", "--input-db"}, paramLabel = "FILE",
            description = "The MIMIC database of prepare-mimic (default: the configuration's data.database).")
    Path inputDb;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR",
            description = "Where tokens.duckdb goes (default: data.tokens_dir).")
    Path outputDir;

    @Option(names = {"-t", "--tokenizer"}, paramLabel = "PATH",
            description = "A tokenizer.json or a model folder (default: the configured model's, from model.path, "
                    + "a folder named model.name, or the den).")
    Path tokenizer;

    @Option(names = "--threads", paramLabel = "N", description = "Tokenizer threads (default: data.threads).")
    int threads;

    @Option(names = "--max-length", paramLabel = "TOKENS", description = "Longest example (default: "
            + "data.max_length).")
    int maxLength;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines.")
    boolean quiet;

    @Mixin
    VerboseOption verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream progress;

    /** @param progress where progress lines go, usually {@code System.err} */
    public PrepareTokensCommand(PrintStream progress) {
        this.progress = progress;
    }

    @Override
    public Integer call() {
        TrainingConfig c = TrainingConfig.read(config);
        TokenStats stats = TokenSetWriter.builder(c).inputDb(inputDb).outputDir(outputDir).tokenizer(tokenizer)
                .threads(threads).maxLength(maxLength).progress(quiet ? null : progress).build().write();
        var out = spec.commandLine().getOut();
        out.printf("tokens %s (tokenizer %s, max_length %d, %d threads, %.1f s)%n", stats.database(),
                stats.tokenizer(), stats.maxLength(), stats.threads(), stats.elapsed().toMillis() / 1000.0);
        out.print(stats.toTable());
        out.flush();
        return 0;
    }
}
