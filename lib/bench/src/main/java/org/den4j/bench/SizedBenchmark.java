package org.den4j.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What the sized benchmarks (den, Hub, remote den, den server) share once built: the settings their
 * {@link SizedBenchmarkBuilder} holds, and the progress lines.
 */
abstract class SizedBenchmark {
    static final long MIB = 1L << 20;

    /** The test model's size in MiB. */
    final int sizeMiB;
    /** Runs of each measurement and its reference. */
    final int repeats;
    /** Where the run's directory goes, or null for {@code java.io.tmpdir}. */
    final Path workParent;
    /** Keep the run's directory afterwards. */
    final boolean keep;
    /** Where progress goes. */
    final PrintStream log;

    SizedBenchmark(SizedBenchmarkBuilder<?> b) {
        this.sizeMiB = b.sizeMiB;
        this.repeats = b.repeats;
        this.workParent = b.workDir;
        this.keep = b.keep;
        this.log = b.log;
    }

    /** Sets these shared settings on {@code builder}, for a {@code toBuilder()} that adds its own. */
    <B extends SizedBenchmarkBuilder<B>> B copyTo(B builder) {
        return builder.sizeMiB(sizeMiB).repeats(repeats).workDir(workParent).keep(keep).log(log);
    }

    /** Writes a progress line, {@code [bench] message}. */
    void log(String message) {
        log.println("[bench] " + message);
    }

    /** A stream that discards, for the log of a warm-up run. */
    static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
