package org.den4j.bench.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.den4j.bench.BenchReport;
import org.den4j.bench.FailOnMissOption;
import org.den4j.bench.LmBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code bench-lm} command; the script {@code scripts/bench_lm.java} runs it. */
@Command(name = "bench-lm", mixinStandardHelpOptions = true, version = "bench-lm 0.1.0",
        description = {"Measures the language-model engine against references run in the same session: generation "
                + "with the KV cache vs recomputing the sequence (256 new tokens), LoRA training tokens/s vs "
                + "forward-only tokens/s on the CPU, and the peak memory of loading a BF16 model vs its weight "
                + "bytes (fresh JVM).", "Progress goes to stderr, the table to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options"})
public final class BenchLmCommand implements Callable<Integer> {
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

    @Mixin
    FailOnMissOption report;

    @Override
    public Integer call() {
        LmBenchmark.Builder builder = LmBenchmark.builder();
        if (quick) {
            builder.quick();
        }
        if (newTokens != null) {
            builder.newTokens(newTokens);
        }
        BenchReport result = builder.workDir(workDir).threads(threads).build().run();
        return report.print(result);
    }
}
