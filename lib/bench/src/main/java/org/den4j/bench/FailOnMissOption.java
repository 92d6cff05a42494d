package org.den4j.bench;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --fail-on-miss} option every {@code bench-*} command takes, as a picocli mixin
 * ({@code @Mixin FailOnMissOption report;}), and the printing of the report's table.
 */
public final class FailOnMissOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--fail-on-miss", description = "Exit with 1 when a target is missed.")
    boolean failOnMiss;

    /** True with {@code --fail-on-miss}. */
    public boolean failOnMiss() {
        return failOnMiss;
    }

    /**
     * Prints the report's table on the command's stdout and returns the exit code: 1 when {@code --fail-on-miss}
     * was given and a target was missed, else 0.
     */
    public int print(BenchReport report) {
        return print(report, spec.commandLine().getOut(), failOnMiss);
    }

    /** Prints the report's table on {@code out}; returns 1 when {@code failOnMiss} and a target was missed, else 0. */
    public static int print(BenchReport report, PrintWriter out, boolean failOnMiss) {
        out.print(report.toTable());
        out.flush();
        return failOnMiss && !report.misses().isEmpty() ? 1 : 0;
    }
}
