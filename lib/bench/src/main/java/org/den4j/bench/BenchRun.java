package org.den4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.den4j.den.io.FileTree;

/**
 * The set-up every benchmark run shares: a fresh work directory under the chosen parent, deleted when the run is
 * closed unless kept; the machine's line and the load average at the start and end of the measurements for the
 * report's header; and the report itself with the run's duration.
 *
 * <pre>{@code
 * try (BenchRun run = BenchRun.start(workParent, "den4j-bench-hub-", keep, this::log)) {
 *     warmUp(run.work());
 *     run.startMeasuring();
 *     List<Measurement> rows = measure(run.work());
 *     return run.report(header(run), rows);
 * }
 * }</pre>
 */
final class BenchRun implements AutoCloseable {
    private final long started = System.nanoTime();
    private final Path work;
    private final boolean keep;
    private final Consumer<String> log;
    private double loadBefore = Double.NaN;

    private BenchRun(Path work, boolean keep, Consumer<String> log) {
        this.work = work;
        this.keep = keep;
        this.log = log;
    }

    /**
     * Makes the run's directory, {@code prefix} and a random suffix, under {@code parent} (created if needed;
     * {@code java.io.tmpdir} when null). Where the directory was kept, or why it could not be deleted, goes to
     * {@code log}.
     */
    static BenchRun start(Path parent, String prefix, boolean keep, Consumer<String> log) throws IOException {
        Path dir = parent != null ? parent : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(dir);
        return new BenchRun(Files.createTempDirectory(dir, prefix), keep, log);
    }

    /** The run's directory; everything measured and its reference share its file system. */
    Path work() {
        return work;
    }

    /** Marks where the measurements start (after any warm-up): the load average is read now and at the report. */
    void startMeasuring() {
        loadBefore = loadAverage();
    }

    /** The header line that names the work directory's parent and file system, the cores, Java and the OS. */
    String machine() throws IOException {
        return String.format(Locale.ROOT, "work dir %s (%s), %d cores, Java %s, %s %s", work.getParent(),
                Files.getFileStore(work).type(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /**
     * The report: {@code header}, then the load average at the start and the end of the measurements when the
     * system reports one (other work on the machine slows both sides, but not evenly), the rows and the time since
     * {@link #start}.
     */
    BenchReport report(List<String> header, List<Measurement> rows) {
        List<String> lines = new ArrayList<>(header);
        double before = Double.isNaN(loadBefore) ? loadAverage() : loadBefore;
        if (before >= 0) {
            lines.add(String.format(Locale.ROOT, "load average %.1f at the start, %.1f at the end, on %d cores", before,
                    loadAverage(), Runtime.getRuntime().availableProcessors()));
        }
        return new BenchReport(lines, rows, elapsed());
    }

    /** The time since {@link #start}, for a report whose header says the load itself. */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The system load average over the last minute, or a negative value where the system does not say. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Deletes the work directory, or says where it was kept; a failed delete is reported, not thrown. */
    @Override
    public void close() {
        if (keep) {
            log.accept("kept the work directory " + work);
            return;
        }
        try {
            FileTree.delete(work);
        } catch (IOException | RuntimeException e) {
            log.accept("could not delete the work directory " + work + ": " + e);
        }
    }
}
