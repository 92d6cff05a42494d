///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS info.picocli:picocli:4.7.6

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.den4j.bench.BenchCli;
import org.den4j.bench.BenchReport;
import org.den4j.bench.DenServerBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-serve", mixinStandardHelpOptions = true, version = "bench-serve 0.1.0",
        description = {"Measures the http den type against curl run in the same session, on a den server over "
                + "loopback, and prints a table: cold fetch (direct and behind the local cache), warm fetch from "
                + "the cache, and push.",
                "Progress goes to stderr, the table to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options"})
class bench_serve implements Callable<Integer> {
    @Option(names = {"-s", "--size-mib"}, paramLabel = "MIB", description = "Model size in MiB, in 4 shards "
            + "(default: 1024; 64 with --quick).")
    Integer sizeMiB;

    @Option(names = "--quick", description = "Small size for CI: 64 MiB.")
    boolean quick;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "3",
            description = "Runs of each measurement; the table gives medians (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = {"-w", "--work-dir"}, paramLabel = "DIR", description = "Where the temporary run directory goes "
            + "(default: java.io.tmpdir).")
    Path workDir;

    @Option(names = "--keep", description = "Keep the run directory afterwards.")
    boolean keep;

    @Option(names = "--no-warmup", negatable = false, description = "Skip the small warm-up run.")
    boolean noWarmup;

    @Option(names = "--fail-on-miss", description = "Exit with 1 when a target is missed.")
    boolean failOnMiss;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        DenServerBenchmark.Builder builder = DenServerBenchmark.builder();
        if (quick) {
            builder.quick();
        }
        if (sizeMiB != null) {
            builder.sizeMiB(sizeMiB);
        }
        BenchReport report = builder.repeats(repeats).workDir(workDir).keep(keep).warmup(!noWarmup).build().run();
        return BenchCli.print(report, spec.commandLine().getOut(), failOnMiss);
    }

    public static void main(String... args) {
        System.exit(BenchCli.execute(new bench_serve(), "bench-serve", args));
    }
}
