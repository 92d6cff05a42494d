package org.den4j.bench.cli;

import java.nio.file.Path;
import org.den4j.bench.BenchReport;
import org.den4j.bench.BenchRunOptions;
import org.den4j.bench.DenBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code bench-den} command; the script {@code scripts/bench_den.java} runs it. */
@Command(name = "bench-den", version = "bench-den 0.1.0",
        description = {"Measures the den against cp and sha256sum run in the same session, and prints a table "
                + "with the issue's targets: push throughput, fetch of a stored model, derivative storage, and "
                + "list and tag search over many models.",
                "Progress goes to stderr, the table to stdout."})
public final class BenchDenCommand extends BenchCommand {
    @Option(names = {"-s", "--size-mib"}, paramLabel = "MIB", description = "Large model size in MiB (default: 1024; "
            + "64 with --quick).")
    Integer sizeMiB;

    @Option(names = {"-n", "--models"}, paramLabel = "COUNT", description = "Small models for list and search "
            + "(default: 10000; 1000 with --quick).")
    Integer models;

    @Option(names = "--registry-den", paramLabel = "DIR", description = "Keep the small models in this den and reuse "
            + "them in later runs, skipping most of the set-up.")
    Path registryDen;

    @Option(names = "--no-warmup", negatable = false, description = "Skip the small warm-up run.")
    boolean noWarmup;

    @Option(names = "--no-fresh-jvm", negatable = false, description = "Skip list and search in a new JVM.")
    boolean noFreshJvm;

    @Mixin
    BenchRunOptions run;

    @Override
    BenchReport measure() {
        DenBenchmark.Builder builder = run.applyTo(DenBenchmark.builder(), sizeMiB);
        if (models != null) {
            builder.models(models);
        }
        return builder.registryDen(registryDen).warmup(!noWarmup).freshJvm(!noFreshJvm).build().run();
    }
}
