package org.den4j.bench;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every sized {@code bench-*} script takes, as a picocli mixin ({@code @Mixin BenchRunOptions run;}):
 * {@code --quick}, {@code --repeats}, {@code --work-dir}, {@code --keep} and {@code --fail-on-miss}.
 */
public final class BenchRunOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--quick", description = "Small sizes for CI (the size options say which).")
    boolean quick;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "3",
            description = "Runs of each measurement and its reference; the table gives medians (default: "
                    + "${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = {"-w", "--work-dir"}, paramLabel = "DIR", description = "Where the temporary run directory goes "
            + "(default: java.io.tmpdir); everything measured and its reference share its file system.")
    Path workDir;

    @Option(names = "--keep", description = "Keep the run directory afterwards.")
    boolean keep;

    @Option(names = "--fail-on-miss", description = "Exit with 1 when a target is missed.")
    boolean failOnMiss;

    /** True with {@code --quick}. */
    public boolean quick() {
        return quick;
    }

    /** Runs of each measurement. */
    public int repeats() {
        return repeats;
    }

    /** Where the run directory goes, or null for the temporary directory. */
    public Path workDir() {
        return workDir;
    }

    /** True with {@code --keep}. */
    public boolean keep() {
        return keep;
    }

    /** Prints the report's table on the command's stdout; returns the exit code (see {@link BenchCli#print}). */
    public int print(BenchReport report) {
        return BenchCli.print(report, spec.commandLine().getOut(), failOnMiss);
    }
}
