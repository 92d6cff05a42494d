package org.den4j.bench;

import static org.den4j.bench.Samples.max;
import static org.den4j.bench.Samples.median;
import static org.den4j.bench.Samples.min;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.tools.ToolProvider;
import org.den4j.bench.Measurement.Verdict;
import org.den4j.den.io.FileTree;

/**
 * Measures what the den4j agent adds, against the same work without it in the same run:
 *
 * <ul>
 *   <li>JVM start-up: a program that loads nothing, launched {@code launches} times with {@code -javaagent}
 *       and as many times without, alternately (target: under {@value #STARTUP_TARGET_MS} ms added, medians);
 *   <li>when DJL's Hugging Face tokenizers are on this JVM's class path (the bench-agent script adds them):
 *       a tokenizer already in the den and fetched, loaded by plain DJL as {@code den:bench/tokenizer} against
 *       the same folder loaded by its path, each in {@code launches} fresh JVMs with the agent, after a warm-up
 *       load of another tokenizer (target: under {@value #LOAD_TARGET_MS} ms added to the first load; the
 *       first redirected load also opens the den). The medians of later loads in the same JVM are reported too.
 * </ul>
 *
 * <pre>{@code
 * BenchReport report = AgentBenchmark.builder(agentJar).build().run();
 * System.out.print(report.toTable());
 * }</pre>
 *
 * <p>It is not a test: it asserts nothing and only reports.
 */
public final class AgentBenchmark {
    /** The target for start-up time added by the agent. */
    public static final int STARTUP_TARGET_MS = 150;
    public static final String STARTUP = "startup";
    public static final String STARTUP_ADDED = "startup-added";
    /** The target for time a redirected load of a model already in the den adds to the load. */
    public static final int LOAD_TARGET_MS = 20;
    public static final String LOAD_FIRST = "load-first";
    public static final String LOAD_ADDED = "load-added";
    public static final String LOAD_WARM = "load-warm";
    static final String TOKENIZER_CLASS = "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer";
    static final String TOKENIZER_JSON = """
            {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
             "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "Whitespace"},
             "post_processor": null, "decoder": null,
             "model": {"type": "WordLevel", "unk_token": "[UNK]",
                       "vocab": {"[UNK]": 0, "chest": 1, "pain": 2, "and": 3, "fever": 4}}}
            """;

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
            if (tokenizersOnClassPath()) {
                rows.addAll(measureLoads(dir, java, agent));
            } else {
                rows.add(new Measurement(LOAD_FIRST, "redirected tokenizer load", Double.NaN, "ms", null, Double.NaN,
                        Double.NaN, "", Verdict.INFO, "skipped: " + TOKENIZER_CLASS + " is not on the class path "
                        + "(./jbang bench-agent adds it)"));
            }
            List<String> header = List.of("den4j agent benchmark: " + agentJar.toAbsolutePath()
                            + (agentOptions.isEmpty() ? "" : "=" + agentOptions),
                    "java: " + java + " (" + System.getProperty("java.version") + "), "
                            + Runtime.getRuntime().availableProcessors() + " cpus");
            return new BenchReport(header, rows, Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run the agent benchmark: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                try {
                    FileTree.delete(dir);
                } catch (IOException e) {
                    System.err.println("bench-agent: could not delete " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    private List<Measurement> measureLoads(Path dir, String java, String agent) throws IOException {
        Path warmup = Files.createDirectories(dir.resolve("warmup-tokenizer"));
        Files.writeString(warmup.resolve("tokenizer.json"), TOKENIZER_JSON.replace("fever", "cough"));
        Path folder = Files.createDirectories(dir.resolve("tokenizer"));
        Files.writeString(folder.resolve("tokenizer.json"), TOKENIZER_JSON);
        Path denDir = dir.resolve("den");
        try (org.den4j.den.Den den = org.den4j.den.Den.at(denDir)) {
            den.push(org.den4j.den.PushRequest.builder(folder, "bench/tokenizer").build());
            // "already present": the den's local copy exists before any timed load
            den.fetch("bench/tokenizer");
        }
        String classPath = System.getProperty("java.class.path");
        String probe = org.den4j.bench.internal.TokenizerLoadProbe.class.getName();
        int repeats = 9;
        double[] diskFirst = new double[launches];
        double[] denFirst = new double[launches];
        double[] diskWarm = new double[launches];
        double[] denWarm = new double[launches];
        for (int i = 0; i < launches; i++) {
            double[] disk = probe(List.of(java, agent, "-cp", classPath, probe, warmup.toString(), folder.toString(),
                    String.valueOf(repeats)), denDir);
            double[] den = probe(List.of(java, agent, "-cp", classPath, probe, warmup.toString(), "den:bench/tokenizer",
                    String.valueOf(repeats)), denDir);
            diskFirst[i] = disk[0];
            diskWarm[i] = disk[1];
            denFirst[i] = den[0];
            denWarm[i] = den[1];
        }
        double added = median(denFirst) - median(diskFirst);
        List<Measurement> rows = new ArrayList<>();
        rows.add(new Measurement(LOAD_FIRST, "first tokenizer load in a JVM, den:bench/tokenizer (already fetched)",
                median(denFirst), "ms", "its folder by path", median(diskFirst), median(denFirst) / median(diskFirst),
                "", Verdict.INFO, String.format(Locale.ROOT, "HuggingFaceTokenizer.newInstance(Path), medians of %d "
                        + "JVMs each, all with the agent, after a warm-up load of another tokenizer; the redirected "
                        + "load includes opening the den; den: %.1f-%.1f ms, path: %.1f-%.1f ms", launches,
                        min(denFirst), max(denFirst), min(diskFirst), max(diskFirst))));
        rows.add(new Measurement(LOAD_ADDED, "time the redirect adds to the first load", added, "ms", null, Double.NaN,
                Double.NaN, "< " + LOAD_TARGET_MS + " ms", added < LOAD_TARGET_MS ? Verdict.PASS : Verdict.MISS, ""));
        rows.add(new Measurement(LOAD_WARM, "later loads in the same JVM, den:bench/tokenizer", median(denWarm), "ms",
                "its folder by path", median(diskWarm), median(denWarm) / median(diskWarm), "", Verdict.INFO,
                "median over JVMs of the median of " + repeats + " loads after the first"));
        return rows;
    }

    /** Runs the load probe with {@code denDir} as the den and returns its first and warm milliseconds. */
    private static double[] probe(List<String> command, Path denDir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DEN4J_PATH", denDir.toString());
        builder.environment().remove("DEN4J_TYPE");
        String output = run(builder, command);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("first_ms=([0-9.]+) warm_ms=([0-9.]+)")
                .matcher(output);
        if (!m.find()) {
            throw new IllegalStateException(String.join(" ", command) + " printed no timings:\n" + output);
        }
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    private static boolean tokenizersOnClassPath() {
        try {
            Class.forName(TOKENIZER_CLASS, false, AgentBenchmark.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Milliseconds from start to exit of {@code command}, which must succeed. */
    private static double launch(List<String> command) throws IOException {
        long t0 = System.nanoTime();
        run(new ProcessBuilder(command).redirectErrorStream(true), command);
        return (System.nanoTime() - t0) / 1e6;
    }

    /** Runs {@code builder} to its end and returns its output; it must succeed. */
    private static String run(ProcessBuilder builder, List<String> command) throws IOException {
        Process p = builder.start();
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
        return output;
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
