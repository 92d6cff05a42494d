package org.den4j.bench.cli;

import org.den4j.bench.BenchReport;
import org.den4j.bench.BenchRunOptions;
import org.den4j.bench.RemoteBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code bench-remote} command; the script {@code scripts/bench_remote.java} runs it. */
@Command(name = "bench-remote", version = "bench-remote 0.1.0",
        description = {"Measures an s3 den on a local S3 server (s3proxy over loopback) against the AWS SDK "
                + "downloading the same objects in the same run, and prints a table with the issue's targets: cold "
                + "fetch throughput of a 1 GiB model, warm fetch from the local cache, and the bytes a push of a "
                + "fine-tune sharing its base's files sends.",
                "Progress goes to stderr, the table to stdout."})
public final class BenchRemoteCommand extends BenchCommand {
    @Option(names = {"-s", "--size-mib"}, paramLabel = "MIB", description = "Model size in MiB, in 4 shards "
            + "(default: 1024; 128 with --quick).")
    Integer sizeMiB;

    @Mixin
    BenchRunOptions run;

    @Override
    BenchReport measure() {
        return run.applyTo(RemoteBenchmark.builder(), sizeMiB).build().run();
    }
}
