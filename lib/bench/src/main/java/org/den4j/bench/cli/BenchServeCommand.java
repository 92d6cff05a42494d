package org.den4j.bench.cli;

import org.den4j.bench.BenchReport;
import org.den4j.bench.BenchRunOptions;
import org.den4j.bench.DenServerBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code bench-serve} command; the script {@code scripts/bench_serve.java} runs it. */
@Command(name = "bench-serve", version = "bench-serve 0.1.0",
        description = {"Measures the http den type against curl run in the same session, on a den server over "
                + "loopback, and prints a table: cold fetch (direct and behind the local cache), warm fetch from "
                + "the cache, and push.",
                "Progress goes to stderr, the table to stdout."})
public final class BenchServeCommand extends BenchCommand {
    @Option(names = {"-s", "--size-mib"}, paramLabel = "MIB", description = "Model size in MiB, in 4 shards "
            + "(default: 1024; 64 with --quick).")
    Integer sizeMiB;

    @Option(names = "--no-warmup", negatable = false, description = "Skip the small warm-up run.")
    boolean noWarmup;

    @Mixin
    BenchRunOptions run;

    @Override
    BenchReport measure() {
        return run.applyTo(DenServerBenchmark.builder(), sizeMiB).warmup(!noWarmup).build().run();
    }
}
