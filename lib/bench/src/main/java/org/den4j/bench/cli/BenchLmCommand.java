package org.den4j.bench.cli;

import java.nio.file.Path;
import org.den4j.bench.BenchReport;
import org.den4j.bench.LmBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code bench-lm} command; the script {@code scripts/bench_lm.java} runs it. */
@Command(name = "bench-lm", version = "bench-lm 0.1.0",
        description = {"Measures the language-model engine against references run in the same session: generation "
                + "with the KV cache vs recomputing the sequence (256 new tokens), LoRA training tokens/s vs "
                + "forward-only tokens/s on the CPU, and the peak memory of loading a BF16 model vs its weight "
                + "bytes (fresh JVM).", "Progress goes to stderr, the table to stdout."})
public final class BenchLmCommand extends BenchCommand {
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

    @Override
    BenchReport measure() {
        LmBenchmark.Builder builder = LmBenchmark.builder();
        if (quick) {
            builder.quick();
        }
        if (newTokens != null) {
            builder.newTokens(newTokens);
        }
        return builder.workDir(workDir).threads(threads).build().run();
    }
}
