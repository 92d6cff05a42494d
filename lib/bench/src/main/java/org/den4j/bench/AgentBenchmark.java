package org.den4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.tools.ToolProvider;
import org.den4j.bench.Measurement.Verdict;

/**
 * Measures what the den4j agent adds to JVM start-up: a program that loads nothing, launched
 * {@code launches} times with {@code -javaagent} and as many times without, alternately, in the same run
 * (target: under {@value #STARTUP_TARGET_MS} ms added, medians).
 *
 * <pre>{@code
 * BenchReport report = AgentBenchmark.builder(agentJar).build().run();
 * System.out.print(report.toTable());
 * }</pre>
 *
 * <p>It does not measure a redirected model load yet (the second target, under 20 ms added
 * to the load of a model already in the den). It is not a test: it asserts nothing and only reports.
 */
public final class AgentBenchmark {
    /** The target for start-up time added by the agent. */
    public static final int STARTUP_TARGET_MS = 150;
    public static final String STARTUP = "startup";
    public static final String STARTUP_ADDED = "startup-added";

    private final Path agentJar;
    private final String agentOptions;
    private final int launches;
    private final Path javaHome;

    private AgentBenchmark(Builder b) {
        this.agentJar = b.agentJar;
        this.agentOptions = b.agentOptions;
        this.launches = b.launches;
        this.javaHome = b.javaHome;
    }

    /** A builder for a benchmark of {@code agentJar}. */
    public static Builder builder(Path agentJar) {
        return new Builder(agentJar);
    }

    /**
     * Runs the launches and returns the report.
     *
     * @throws UncheckedIOException when the program cannot be compiled or a JVM cannot be started
     * @throws IllegalStateException when a launch fails
     */
    public BenchReport run() {
        long started = System.nanoTime();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("den4j-bench-agent-");
            Path src = Files.writeString(dir.resolve("Noop.java"),
                    "public class Noop { public static void main(String[] a) { } }\n");
            if (ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d", dir.toString(),
                    src.toString()) != 0) {
                throw new IllegalStateException("javac failed on " + src);
            }
            String java = javaHome.resolve("bin/java").toString();
            String agent = "-javaagent:" + agentJar.toAbsolutePath() + (agentOptions.isEmpty() ? "" : "=" + agentOptions);
            List<String> plain = List.of(java, "-cp", dir.toString(), "Noop");
            List<String> injected = List.of(java, agent, "-cp", dir.toString(), "Noop");
            // Warm the page cache for the JDK, the class and the agent jar.
            launch(plain);
            launch(injected);
            double[] without = new double[launches];
            double[] with = new double[launches];
            for (int i = 0; i < launches; i++) {
                without[i] = launch(plain);
                with[i] = launch(injected);
            }
            double medWith = median(with);
            double medWithout = median(without);
            double added = medWith - medWithout;
            List<Measurement> rows = new ArrayList<>();
            rows.add(new Measurement(STARTUP, "JVM start, program that loads nothing, with the agent", medWith, "ms",
                    "without the agent", medWithout, medWith / medWithout, "", Verdict.INFO,
                    String.format(Locale.ROOT, "medians of %d launches each, alternating; with: %.0f-%.0f ms, "
                            + "without: %.0f-%.0f ms", launches, min(with), max(with), min(without), max(without))));
            rows.add(new Measurement(STARTUP_ADDED, "start-up time the agent adds", added, "ms", null, Double.NaN,
                    Double.NaN, "< " + STARTUP_TARGET_MS + " ms", added < STARTUP_TARGET_MS ? Verdict.PASS : Verdict.MISS,
                    ""));
            List<String> header = List.of("den4j agent benchmark: " + agentJar.toAbsolutePath()
                            + (agentOptions.isEmpty() ? "" : "=" + agentOptions),
                    "java: " + java + " (" + System.getProperty("java.version") + "), "
                            + Runtime.getRuntime().availableProcessors() + " cpus");
            return new BenchReport(header, rows, Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run the agent benchmark: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                for (String f : List.of("Noop.class", "Noop.java")) {
                    dir.resolve(f).toFile().delete();
                }
                dir.toFile().delete();
            }
        }
    }

    /** Milliseconds from start to exit of {@code command}, which must succeed. */
    private static double launch(List<String> command) throws IOException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + ":\n" + output);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** Options of a run; only the agent jar is required. */
    public static final class Builder {
        private final Path agentJar;
        private String agentOptions = "prefix=den:";
        private int launches = 10;
        private Path javaHome = Path.of(System.getProperty("java.home"));

        private Builder(Path agentJar) {
            this.agentJar = Objects.requireNonNull(agentJar, "agentJar");
        }

        /** The agent's argument string (default: {@code prefix=den:}). */
        public Builder agentOptions(String options) {
            this.agentOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Launches with and without the agent, each (default: 10). */
        public Builder launches(int launches) {
            if (launches < 1) {
                throw new IllegalArgumentException("launches must be at least 1 but was " + launches);
            }
            this.launches = launches;
            return this;
        }

        /** The JDK that runs the program (default: the running one). */
        public Builder javaHome(Path javaHome) {
            this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
            return this;
        }

        public AgentBenchmark build() {
            if (!Files.isRegularFile(agentJar)) {
                throw new IllegalArgumentException("Agent jar " + agentJar.toAbsolutePath() + " does not exist; "
                        + "install it with mvn -DskipTests install at the repo root, or give its path");
            }
            return new AgentBenchmark(this);
        }
    }
}
