package org.den4j.bench.cli;

import java.nio.file.Path;
import org.den4j.bench.BenchReport;
import org.den4j.bench.ExportBenchmark;
import org.den4j.lm.kit.KitSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code bench-export} command; the script {@code scripts/bench_export.java} runs it. */
@Command(name = "bench-export", version = "bench-export 0.1.0",
        description = {"Measures den4j's greedy generation (DJL/PyTorch, CPU, float32) against llama.cpp on the "
                + "same model exported to an F32 GGUF: same prompt, same new tokens, same threads; prints tokens/s "
                + "and the ratio with the aim (>= 0.5x).",
                "Progress goes to stderr, the table to stdout."})
public final class BenchExportCommand extends BenchCommand {
    @Option(names = "--size", defaultValue = "small", paramLabel = "quick|small",
            description = "Kit size of the random model built for the run (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--model", paramLabel = "DIR", description = "Measure this Qwen2 model folder instead.")
    Path model;

    @Option(names = "--new-tokens", defaultValue = "256", paramLabel = "N",
            description = "New tokens per timed generation (default: ${DEFAULT-VALUE}; 32 with --quick).")
    int newTokens;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
            description = "Timed runs per engine; the table gives medians (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for both engines (default: all "
            + "processors).")
    Integer threads;

    @Option(names = "--quick", description = "Quick size and 32 new tokens, for CI.")
    boolean quick;

    @Override
    BenchReport measure() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        // PyTorch reads its thread counts when DJL's engine starts, which has not happened yet
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        ExportBenchmark.Builder builder = ExportBenchmark.builder().size(KitSize.named(quick ? "quick" : size))
                .newTokens(quick ? 32 : newTokens).repeats(repeats).threads(n);
        if (model != null) {
            builder.model(model);
        }
        return builder.build().run();
    }
}
