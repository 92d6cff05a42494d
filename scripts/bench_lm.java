///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//DEPS info.picocli:picocli:4.7.6
//JAVA_OPTIONS -Dai.djl.offline=true

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.den4j.bench.BenchCli;
import org.den4j.bench.BenchReport;
import org.den4j.bench.LmBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-lm", mixinStandardHelpOptions = true, version = "bench-lm 0.1.0",
        description = {"Measures the language-model engine against references run in the same session: generation "
                + "with the KV cache vs recomputing the sequence (256 new tokens), LoRA training tokens/s vs "
                + "forward-only tokens/s on the CPU, and the peak memory of loading a BF16 model vs its weight "
                + "bytes (fresh JVM).", "Progress goes to stderr, the table to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options"})
class bench_lm implements Callable<Integer> {
    @Option(names = "--quick", description = "Small models and 64 new tokens, for CI.")
    boolean quick;

    @Option(names = "--new-tokens", paramLabel = "N", description = "New tokens in the cache comparison "
            + "(default: 256; 64 with --quick).")
    Integer newTokens;

    @Option(names = {"-w", "--work-dir"}, paramLabel = "DIR", description = "Where the temporary BF16 model goes "
            + "(default: java.io.tmpdir).")
    Path workDir;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "PyTorch CPU threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--fail-on-miss", description = "Exit with 1 when a target is missed.")
    boolean failOnMiss;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        LmBenchmark.Builder builder = LmBenchmark.builder();
        if (quick) {
            builder.quick();
        }
        if (newTokens != null) {
            builder.newTokens(newTokens);
        }
        BenchReport report = builder.workDir(workDir).threads(threads).build().run();
        return BenchCli.print(report, spec.commandLine().getOut(), failOnMiss);
    }

    public static void main(String... args) {
        System.exit(BenchCli.execute(new bench_lm(), "bench-lm", args));
    }
}
