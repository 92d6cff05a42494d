package org.den4j.bench.cli;

import org.den4j.bench.BenchReport;
import org.den4j.bench.BenchRunOptions;
import org.den4j.bench.HubBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code bench-hub} command; the script {@code scripts/bench_hub.java} runs it. */
@Command(name = "bench-hub", version = "bench-hub 0.1.0",
        description = {"Measures the Hub client against curl and sha256sum run in the same session, on a local "
                + "Hub serving 8 LFS files over loopback, and prints a table with the issue's targets: snapshot "
                + "download throughput, SHA-256 verification of the cache, a download of a cached revision, and one "
                + "file as HF_HUB_ENABLE_HF_TRANSFER parallel ranges against one stream (at loopback speed, and with "
                + "the local Hub pacing each connection, as a remote CDN does).",
                "Progress goes to stderr, the table to stdout."})
public final class BenchHubCommand extends BenchCommand {
    @Option(names = {"-s", "--size-mib"}, paramLabel = "MIB", description = "Repository size in MiB, in 8 files "
            + "(default: 1024; 64 with --quick).")
    Integer sizeMiB;

    @Option(names = "--pace-mb-s", paramLabel = "MB/S", description = "Per-connection pace of the local Hub for "
            + "the paced ranges row, in MB/s (default: 20).")
    Double paceMbPerSecond;

    @Option(names = "--no-warmup", negatable = false, description = "Skip the small warm-up run.")
    boolean noWarmup;

    @Mixin
    BenchRunOptions run;

    @Override
    BenchReport measure() {
        HubBenchmark.Builder builder = run.applyTo(HubBenchmark.builder(), sizeMiB);
        if (paceMbPerSecond != null) {
            builder.paceBytesPerSecond(Math.round(paceMbPerSecond * 1e6));
        }
        return builder.warmup(!noWarmup).build().run();
    }
}
