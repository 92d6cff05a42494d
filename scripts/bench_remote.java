///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS info.picocli:picocli:4.7.6

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.den4j.bench.BenchCli;
import org.den4j.bench.BenchReport;
import org.den4j.bench.RemoteBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-remote", mixinStandardHelpOptions = true, version = "bench-remote 0.1.0",
        description = {"Measures an s3 den on a local S3 server (s3proxy over loopback) against the AWS SDK "
                + "downloading the same objects in the same run, and prints a table with the issue's targets: cold "
                + "fetch throughput of a 1 GiB model, warm fetch from the local cache, and the bytes a push of a "
                + "fine-tune sharing its base's files sends.",
                "Progress goes to stderr, the table to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options"})
class bench_remote implements Callable<Integer> {
    @Option(names = {"-s", "--size-mib"}, paramLabel = "MIB", description = "Model size in MiB, in 4 shards "
            + "(default: 1024; 128 with --quick).")
    Integer sizeMiB;

    @Option(names = "--quick", description = "Small model for CI: 128 MiB.")
    boolean quick;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "3",
            description = "Runs of the cold fetch and its reference; the table gives medians (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = {"-w", "--work-dir"}, paramLabel = "DIR", description = "Where the temporary run directory goes "
            + "(default: java.io.tmpdir); the server's files and the caches share its file system.")
    Path workDir;

    @Option(names = "--keep", description = "Keep the run directory afterwards.")
    boolean keep;

    @Option(names = "--fail-on-miss", description = "Exit with 1 when a target is missed.")
    boolean failOnMiss;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RemoteBenchmark.Builder builder = RemoteBenchmark.builder();
        if (quick) {
            builder.quick();
        }
        if (sizeMiB != null) {
            builder.sizeMiB(sizeMiB);
        }
        BenchReport report = builder.repeats(repeats).workDir(workDir).keep(keep).build().run();
        return BenchCli.print(report, spec.commandLine().getOut(), failOnMiss);
    }

    public static void main(String... args) {
        System.exit(BenchCli.execute(new bench_remote(), "bench-remote", args));
    }
}
