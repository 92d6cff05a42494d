package org.den4j.bench.cli;

import java.util.concurrent.Callable;
import org.den4j.bench.BenchReport;
import org.den4j.bench.FailOnMissOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * What every {@code bench-*} command shares: {@code --help} and {@code --version}, the exit codes its help lists,
 * and {@code --fail-on-miss} with the printing of the table ({@link FailOnMissOption}). A command's own
 * {@code @Command} adds its name, version and description, and may replace the exit codes; its
 * {@link #measure()} builds and runs the benchmark from its options.
 */
@Command(mixinStandardHelpOptions = true, exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options"})
abstract class BenchCommand implements Callable<Integer> {
    @Mixin
    FailOnMissOption report;

    /** Builds the benchmark from the command's options and runs it. */
    abstract BenchReport measure();

    /** Runs the benchmark and prints its table; 1 when {@code --fail-on-miss} and a target was missed, else 0. */
    @Override
    public final Integer call() {
        return report.print(measure());
    }
}
