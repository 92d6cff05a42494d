package org.den4j.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Runs the reference tools ({@code cp}, {@code sha256sum}, {@code sync}) as real processes. */
final class Commands {
    private Commands() {
    }

    /** The program's path when it is an executable on {@code PATH}. */
    static Optional<Path> which(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs a command to its end, discarding its standard output, and returns its wall time in
     * nanoseconds, process start included.
     *
     * @throws IOException when it cannot start or exits with a status other than 0
     */
    static long timed(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.PIPE);
        long start = System.nanoTime();
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        int status;
        try {
            status = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + String.join(" ", command), e);
        }
        long elapsed = System.nanoTime() - start;
        if (status != 0) {
            throw new IOException(String.join(" ", command) + " exited with status " + status + ": "
                    + new String(err, StandardCharsets.UTF_8).strip());
        }
        return elapsed;
    }

    /**
     * Flushes dirty pages to disk with {@code sync}, so that the write-back of one measurement does
     * not slow the next; does nothing where there is no {@code sync}.
     */
    static void sync() {
        if (which("sync").isEmpty()) {
            return;
        }
        try {
            timed(List.of("sync"));
        } catch (IOException e) {
            // Only a leveller between measurements; without it the numbers are noisier, not wrong.
        }
    }
}
