///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//JAVA_OPTIONS -Dai.djl.offline=true

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.den4j.bench.ApiBenchmark;
import org.den4j.bench.BenchReport;
import org.den4j.bench.BenchRunOptions;
import org.den4j.bench.FailOnMissOption;
import org.den4j.command.Commands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench-api", mixinStandardHelpOptions = true, version = "bench-api 0.1.0",
        description = {"Measures the coder API over loopback against the same linear coder called in-process, in one "
                + "run: POST /predict at each concurrency (requests/s, p50/p99, ratio), requests failed during model "
                + "swaps under load, and lm-generate through /v1/chat/completions when --lm-coder is given.",
                "Progress goes to stderr, the table to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options"})
class bench_api implements Callable<Integer> {
    @Option(names = "--patients", paramLabel = "N", description = "Synthetic patients the linear coder is trained on "
            + "(default: 300; 100 with --quick).")
    Integer patients;

    @Option(names = "--seconds", paramLabel = "S", description = "Seconds per concurrency level (default: 5; 2 with "
            + "--quick).")
    Integer seconds;

    @Option(names = "--concurrency", split = ",", paramLabel = "N", description = "Concurrency levels (default: "
            + "1,8,32).")
    List<Integer> concurrency;

    @Option(names = "--swaps", paramLabel = "N", description = "Model swaps under load (default: 10).")
    Integer swaps;

    @Option(names = "--lm-coder", paramLabel = "FOLDER", description = "An lm-generate coder folder to measure "
            + "through /v1/chat/completions next to in-process generation.")
    String lmCoder;

    @Mixin
    BenchRunOptions run;

    @Mixin
    FailOnMissOption report;

    @Override
    public Integer call() {
        ApiBenchmark.Builder b = ApiBenchmark.builder().log(System.err).workDir(run.workDir());
        b.patients(patients != null ? patients : run.quick() ? 100 : 300);
        b.duration(Duration.ofSeconds(seconds != null ? seconds : run.quick() ? 2 : 5));
        if (concurrency != null) {
            b.concurrency(concurrency);
        }
        if (swaps != null) {
            b.swaps(swaps);
        }
        BenchReport result = b.lmCoder(lmCoder).build().run();
        return report.print(result);
    }

    public static void main(String... args) {
        System.exit(Commands.line(new bench_api()).execute(args));
    }
}
