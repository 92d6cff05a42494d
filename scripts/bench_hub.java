///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS info.picocli:picocli:4.7.6

import java.util.concurrent.Callable;
import org.den4j.bench.BenchCli;
import org.den4j.bench.BenchRunOptions;
import org.den4j.bench.BenchReport;
import org.den4j.bench.HubBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench-hub", mixinStandardHelpOptions = true, version = "bench-hub 0.1.0",
        description = {"Measures the Hub client against curl and sha256sum run in the same session, on a local "
                + "Hub serving 8 LFS files over loopback, and prints a table with the issue's targets: snapshot "
                + "download throughput, SHA-256 verification of the cache, and a download of a cached revision.",
                "Progress goes to stderr, the table to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options"})
class bench_hub implements Callable<Integer> {
    @Option(names = {"-s", "--size-mib"}, paramLabel = "MIB", description = "Repository size in MiB, in 8 files "
            + "(default: 1024; 64 with --quick).")
    Integer sizeMiB;

    @Option(names = "--no-warmup", negatable = false, description = "Skip the small warm-up run.")
    boolean noWarmup;

    @Mixin
    BenchRunOptions run;

    @Override
    public Integer call() {
        HubBenchmark.Builder builder = HubBenchmark.builder();
        if (run.quick()) {
            builder.quick();
        }
        if (sizeMiB != null) {
            builder.sizeMiB(sizeMiB);
        }
        BenchReport report = builder.repeats(run.repeats()).workDir(run.workDir()).keep(run.keep()).warmup(!noWarmup)
                .build().run();
        return run.print(report);
    }

    public static void main(String... args) {
        System.exit(BenchCli.execute(new bench_hub(), "bench-hub", args));
    }
}
