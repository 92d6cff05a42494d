package org.den4j.tests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs {@code ./jbang <alias|script> args...} from the repo root as a child process, as a user
 * would, and captures its exit code, stdout and stderr.
 *
 * <pre>
 * Jbang.Result result = Jbang.inRepo()
 *         .withEnv("DEN4J_PATH", den.toString())
 *         .run("den", "fetch", "acme/icd-coder@prod");
 * assertEquals(0, result.exitCode(), result::toString);
 * </pre>
 *
 * <p>Runs with {@code DEN4J_SKIP_BUILD=1} unless the environment sets it: this module builds
 * after the lib modules, so {@code mvn install} (and tests/run-all) has installed them into the
 * local Maven repository already, and a nested install would rewrite jars that the running build
 * uses. Under {@code mvn test}, which installs nothing, scripts run against the den4j jars of the
 * last install.
 *
 * @param repoRoot the folder holding {@code jbang} and {@code jbang-catalog.json}
 * @param env variables to set for the child; a {@code null} value removes the variable
 * @param timeout how long a run may take before it is killed and the test fails
 */
public record Jbang(Path repoRoot, Map<String, String> env, Duration timeout) {

    /** How long a run may take unless {@link #withTimeout(Duration)} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public Jbang {
        Objects.requireNonNull(repoRoot, "repoRoot");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive but was " + timeout);
        }
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** Returns a runner for the repo that holds the working directory, with the default timeout. */
    public static Jbang inRepo() {
        Map<String, String> env = new LinkedHashMap<>();
        if (System.getenv("DEN4J_SKIP_BUILD") == null) {
            env.put("DEN4J_SKIP_BUILD", "1");
        }
        return new Jbang(RepoRoot.find(), env, DEFAULT_TIMEOUT);
    }

    /** Returns a copy that also sets {@code name} to {@code value} ({@code null} removes it) for the child. */
    public Jbang withEnv(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(env);
        copy.put(Objects.requireNonNull(name, "name"), value);
        return new Jbang(repoRoot, copy, timeout);
    }

    /** Returns a copy whose runs may take up to {@code timeout}. */
    public Jbang withTimeout(Duration timeout) {
        return new Jbang(repoRoot, env, timeout);
    }

    /**
     * Runs {@code ./jbang args...} in the repo root and waits for it.
     *
     * @throws AssertionError when it runs past the timeout (it is killed, with its children)
     */
    public Result run(String... args) {
        return run(List.of(args));
    }

    /** Same as {@link #run(String...)}. */
    public Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(repoRoot.resolve("jbang").toString());
        command.addAll(args);
        return Processes.run(command, repoRoot, env, timeout);
    }

    /**
     * What a finished run left: its exit code and everything it printed.
     *
     * <p>{@link #toString()} shows all three, for assertion messages.
     */
    public record Result(int exitCode, String stdout, String stderr) {

        public Result {
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
        }

        public boolean isSuccess() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }
}
