package org.den4j.bench.cli;

import java.util.concurrent.Callable;
import org.den4j.bench.BenchReport;
import org.den4j.bench.BenchRunOptions;
import org.den4j.bench.DenServerBenchmark;
import org.den4j.bench.FailOnMissOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code bench-serve} command; the script {@code scripts/bench_serve.java} runs it. */
@Command(name = "bench-serve", mixinStandardHelpOptions = true, version = "bench-serve 0.1.0",
        description = {"Measures the http den type against curl run in the same session, on a den server over "
                + "loopback, and prints a table: cold fetch (direct and behind the local cache), warm fetch from "
                + "the cache, and push.",
                "Progress goes to stderr, the table to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options"})
public final class BenchServeCommand implements Callable<Integer> {
    @Option(names = {"-s", "--size-mib"}, paramLabel = "MIB", description = "Model size in MiB, in 4 shards "
            + "(default: 1024; 64 with --quick).")
    Integer sizeMiB;

    @Option(names = "--no-warmup", negatable = false, description = "Skip the small warm-up run.")
    boolean noWarmup;

    @Mixin
    BenchRunOptions run;

    @Mixin
    FailOnMissOption report;

    @Override
    public Integer call() {
        DenServerBenchmark.Builder builder = DenServerBenchmark.builder();
        if (run.quick()) {
            builder.quick();
        }
        if (sizeMiB != null) {
            builder.sizeMiB(sizeMiB);
        }
        BenchReport result = builder.repeats(run.repeats()).workDir(run.workDir()).keep(run.keep()).warmup(!noWarmup)
                .build().run();
        return report.print(result);
    }
}
