package org.den4j.bench.cli;

import java.nio.file.Path;
import org.den4j.bench.BenchReport;
import org.den4j.bench.BenchRunOptions;
import org.den4j.bench.DataBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code bench-data} command; the script {@code scripts/bench_data.java} runs it. */
@Command(name = "bench-data", version = "bench-data 0.1.0",
        description = {"Measures the data pipeline on a synthetic MIMIC-IV: prepare-mimic against DuckDB's own "
                + "read_csv of the same files in the same run (target within 1.5x), tokenization on 2 threads "
                + "against 1 (target >= 1.6x faster), and synth-mimic and prepare-tokens for information.",
                "Progress goes to stderr, the table to stdout."})
public final class BenchDataCommand extends BenchCommand {
    @Option(names = {"-n", "--admissions"}, paramLabel = "N", description = "About N admissions (default: 100000; "
            + "5000 with --quick).")
    Integer admissions;

    @Option(names = {"-t", "--tokenizer"}, paramLabel = "PATH", description = "A tokenizer.json or model folder to "
            + "measure (default: a word-level tokenizer built from the notes).")
    Path tokenizer;

    @Option(names = "--tokenize-examples", paramLabel = "N", description = "Examples of the tokenization rows "
            + "(default: 10000).")
    Integer tokenizeExamples;

    @Mixin
    BenchRunOptions run;

    @Override
    BenchReport measure() {
        DataBenchmark.Builder builder = DataBenchmark.builder();
        if (run.quick()) {
            builder.quick();
        }
        if (admissions != null) {
            builder.admissions(admissions);
        }
        if (run.hasRepeats()) {
            builder.repeats(run.repeats());
        }
        if (tokenizeExamples != null) {
            builder.tokenizeExamples(tokenizeExamples);
        }
        return builder.tokenizer(tokenizer).workDir(run.workDir()).keep(run.keep()).build().run();
    }
}
