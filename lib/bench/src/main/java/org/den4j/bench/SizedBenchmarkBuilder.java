package org.den4j.bench;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What the builders of the sized benchmarks (den, Hub, remote den, den server) share: the model's size with a
 * quick size for CI, repeats, the work directory, keeping it, and the progress stream.
 *
 * @param <B> the builder itself, so that setters chain into its own options
 */
public abstract class SizedBenchmarkBuilder<B extends SizedBenchmarkBuilder<B>> {
    private final int quickSizeMiB;
    private final int minSizeMiB;
    int sizeMiB;
    int repeats = 3;
    Path workDir;
    boolean keep;
    PrintStream log = System.err;

    SizedBenchmarkBuilder(int defaultSizeMiB, int quickSizeMiB, int minSizeMiB) {
        this.sizeMiB = defaultSizeMiB;
        this.quickSizeMiB = quickSizeMiB;
        this.minSizeMiB = minSizeMiB;
    }

    /** The small size for tests and CI. */
    public B quick() {
        return sizeMiB(quickSizeMiB);
    }

    /** The test model's size in MiB. */
    public B sizeMiB(int sizeMiB) {
        this.sizeMiB = sizeMiB;
        return self();
    }

    /** Runs of each measurement and its reference; the report gives medians (default 3). */
    public B repeats(int repeats) {
        this.repeats = repeats;
        return self();
    }

    /** Where the run's temporary directory goes (default {@code java.io.tmpdir}). */
    public B workDir(Path workDir) {
        this.workDir = workDir;
        return self();
    }

    /** Keep the run's directory instead of deleting it (default false). */
    public B keep(boolean keep) {
        this.keep = keep;
        return self();
    }

    /** Where progress goes (default {@code System.err}). */
    public B log(PrintStream log) {
        this.log = log;
        return self();
    }

    /**
     * Checks the shared settings before a build.
     *
     * @throws IllegalArgumentException when the size or repeats is too small or the log stream is null
     */
    void validate() {
        if (sizeMiB < minSizeMiB) {
            throw new IllegalArgumentException("Size " + sizeMiB + " MiB is too small; use " + minSizeMiB
                    + " MiB or more");
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("Repeats " + repeats + " is too small; use 1 or more");
        }
        if (log == null) {
            throw new IllegalArgumentException("Log stream is null; pass System.err or a stream that discards");
        }
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
