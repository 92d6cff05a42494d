package org.den4j.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a child process to its end, or kills it and its children at a timeout, capturing its output. */
final class Processes {

    private Processes() {
    }

    /**
     * Runs {@code command} in {@code dir} with the current environment plus {@code env} (a {@code null}
     * value removes that variable) and no standard input.
     *
     * <p>Output goes through temporary files rather than pipes, so a chatty process never blocks on a
     * full pipe while we wait for it.
     *
     * @throws AssertionError when the process is still running after {@code timeout}; it is killed first,
     *     with every process it started (a notebook's kernel, a script's JVM)
     */
    static Jbang.Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout) {
        Path stdout = null;
        Path stderr = null;
        Process process = null;
        try {
            stdout = Files.createTempFile("den4j-e2e-", ".stdout");
            stderr = Files.createTempFile("den4j-e2e-", ".stderr");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            env.forEach((name, value) -> {
                if (value == null) {
                    builder.environment().remove(name);
                } else {
                    builder.environment().put(name, value);
                }
            });
            process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyWithDescendants(process);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                        + " and was killed\n--- stdout (end) ---\n" + tail(read(stdout), 40)
                        + "\n--- stderr (end) ---\n" + tail(read(stderr), 40));
            }
            return new Jbang.Result(process.exitValue(), read(stdout), read(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", command) + " in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroyWithDescendants(process);
            throw new AssertionError("Interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /** Returns the last {@code lines} lines of {@code text}. */
    static String tail(String text, int lines) {
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", List.of(all).subList(from, all.length));
    }

    private static void destroyWithDescendants(Process process) {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the output of a child process from " + file, e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }
}
