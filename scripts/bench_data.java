///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS info.picocli:picocli:4.7.6
//JAVA_OPTIONS -Dai.djl.offline=true

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.den4j.bench.BenchCli;
import org.den4j.bench.BenchReport;
import org.den4j.bench.DataBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-data", mixinStandardHelpOptions = true, version = "bench-data 0.1.0",
        description = {"Measures the data pipeline on a synthetic MIMIC-IV: prepare-mimic against DuckDB's own "
                + "read_csv of the same files in the same run (target within 1.5x), tokenization on 2 threads "
                + "against 1 (target >= 1.6x faster), and synth-mimic and prepare-tokens for information.",
                "Progress goes to stderr, the table to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options"})
class bench_data implements Callable<Integer> {
    @Option(names = {"-n", "--admissions"}, paramLabel = "N", description = "About N admissions (default: 100000; "
            + "5000 with --quick).")
    Integer admissions;

    @Option(names = "--quick", description = "Small size for CI: 5000 admissions, one run.")
    boolean quick;

    @Option(names = "--repeats", paramLabel = "N", description = "Runs of each timed side; the table gives medians "
            + "(default: 3; 1 with --quick).")
    Integer repeats;

    @Option(names = {"-t", "--tokenizer"}, paramLabel = "PATH", description = "A tokenizer.json or model folder to "
            + "measure (default: a word-level tokenizer built from the notes).")
    Path tokenizer;

    @Option(names = "--tokenize-examples", paramLabel = "N", description = "Examples of the tokenization rows "
            + "(default: 10000).")
    Integer tokenizeExamples;

    @Option(names = {"-w", "--work-dir"}, paramLabel = "DIR", description = "Where the temporary run directory goes "
            + "(default: java.io.tmpdir).")
    Path workDir;

    @Option(names = "--keep", description = "Keep the run directory afterwards.")
    boolean keep;

    @Option(names = "--fail-on-miss", description = "Exit with 1 when a target is missed.")
    boolean failOnMiss;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        DataBenchmark.Builder builder = DataBenchmark.builder();
        if (quick) {
            builder.quick();
        }
        if (admissions != null) {
            builder.admissions(admissions);
        }
        if (repeats != null) {
            builder.repeats(repeats);
        }
        if (tokenizeExamples != null) {
            builder.tokenizeExamples(tokenizeExamples);
        }
        BenchReport report = builder.tokenizer(tokenizer).workDir(workDir).keep(keep).build().run();
        return BenchCli.print(report, spec.commandLine().getOut(), failOnMiss);
    }

    public static void main(String... args) {
        System.exit(BenchCli.execute(new bench_data(), "bench-data", args));
    }
}
