package org.den4j.bench.cli;

import java.util.concurrent.Callable;
import org.den4j.bench.BenchReport;
import org.den4j.bench.BenchRunOptions;
import org.den4j.bench.FailOnMissOption;
import org.den4j.bench.RemoteBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code bench-remote} command; the script {@code scripts/bench_remote.java} runs it. */
@Command(name = "bench-remote", mixinStandardHelpOptions = true, version = "bench-remote 0.1.0",
        description = {"Measures an s3 den on a local S3 server (s3proxy over loopback) against the AWS SDK "
                + "downloading the same objects in the same run, and prints a table with the issue's targets: cold "
                + "fetch throughput of a 1 GiB model, warm fetch from the local cache, and the bytes a push of a "
                + "fine-tune sharing its base's files sends.",
                "Progress goes to stderr, the table to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options"})
public final class BenchRemoteCommand implements Callable<Integer> {
    @Option(names = {"-s", "--size-mib"}, paramLabel = "MIB", description = "Model size in MiB, in 4 shards "
            + "(default: 1024; 128 with --quick).")
    Integer sizeMiB;

    @Mixin
    BenchRunOptions run;

    @Mixin
    FailOnMissOption report;

    @Override
    public Integer call() {
        RemoteBenchmark.Builder builder = RemoteBenchmark.builder();
        if (run.quick()) {
            builder.quick();
        }
        if (sizeMiB != null) {
            builder.sizeMiB(sizeMiB);
        }
        BenchReport result = builder.repeats(run.repeats()).workDir(run.workDir()).keep(run.keep()).build().run();
        return report.print(result);
    }
}
