package org.den4j.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The run options of the sized {@code bench-*} commands, as a picocli mixin ({@code @Mixin BenchRunOptions run;}):
 * {@code --quick}, {@code --repeats}, {@code --work-dir} and {@code --keep}. {@code --fail-on-miss} is
 * {@link FailOnMissOption}, which every benchmark takes.
 */
public final class BenchRunOptions {
    private static final int DEFAULT_REPEATS = 3;

    @Option(names = "--quick", description = "Small sizes for CI (the size options say which).")
    boolean quick;

    @Option(names = "--repeats", paramLabel = "N",
            description = "Runs of each measurement and its reference; the table gives medians (default: 3, or the benchmark's quick default with --quick where it says so).")
    Integer repeats;

    @Option(names = {"-w", "--work-dir"}, paramLabel = "DIR", description = "Where the temporary run directory goes "
            + "(default: java.io.tmpdir); everything measured and its reference share its file system.")
    Path workDir;

    @Option(names = "--keep", description = "Keep the run directory afterwards.")
    boolean keep;

    /** True with {@code --quick}. */
    public boolean quick() {
        return quick;
    }

    /** Runs of each measurement: {@code --repeats}, else 3. */
    public int repeats() {
        return repeats != null ? repeats : DEFAULT_REPEATS;
    }

    /** True when {@code --repeats} was given (a benchmark with its own quick default keeps it otherwise). */
    public boolean hasRepeats() {
        return repeats != null;
    }

    /** Where the run directory goes, or null for the temporary directory. */
    public Path workDir() {
        return workDir;
    }

    /** True with {@code --keep}. */
    public boolean keep() {
        return keep;
    }

    /**
     * Sets these options on a sized benchmark's builder: its quick size with {@code --quick}, then {@code sizeMiB}
     * where the command's size option was given (null: not given), the repeats, the work directory and keep.
     *
     * @return {@code builder}, for the command's own options
     */
    public <B extends SizedBenchmarkBuilder<B>> B applyTo(B builder, Integer sizeMiB) {
        if (quick) {
            builder.quick();
        }
        if (sizeMiB != null) {
            builder.sizeMiB(sizeMiB);
        }
        return builder.repeats(repeats()).workDir(workDir).keep(keep);
    }
}
