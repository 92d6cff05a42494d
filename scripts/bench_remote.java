///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS info.picocli:picocli:4.7.6

import java.util.concurrent.Callable;
import org.den4j.bench.BenchCli;
import org.den4j.bench.BenchRunOptions;
import org.den4j.bench.BenchReport;
import org.den4j.bench.RemoteBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    BenchRunOptions run;

    @Override
    public Integer call() {
        RemoteBenchmark.Builder builder = RemoteBenchmark.builder();
        if (run.quick()) {
            builder.quick();
        }
        if (sizeMiB != null) {
            builder.sizeMiB(sizeMiB);
        }
        BenchReport report = builder.repeats(run.repeats()).workDir(run.workDir()).keep(run.keep()).build().run();
        return run.print(report);
    }

    public static void main(String... args) {
        System.exit(BenchCli.execute(new bench_remote(), "bench-remote", args));
    }
}
