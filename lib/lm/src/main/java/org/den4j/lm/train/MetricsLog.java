package org.den4j.lm.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.den4j.lm.LmException;
import org.den4j.lm.TrainingMetrics;

/**
 * The metrics file: one JSON line per step ({@link TrainingMetrics#toJson()}), appended as the run goes.
 *
 * <p>A run from step 0 starts the file afresh; a resumed run first drops the lines a killed run wrote after the
 * checkpoint it resumes from, so the file holds each step once.
 */
public final class MetricsLog implements TrainingListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    /** @param file the JSON-lines file */
    public MetricsLog(Path file) {
        this.file = file;
    }

    /** The JSON-lines file. */
    public Path file() {
        return file;
    }

    /**
     * Deletes the file (a fresh run), or keeps only the lines up to the step a resumed run continues after.
     *
     * @throws LmException when the file cannot be deleted or rewritten
     */
    @Override
    public void onTrainingBegin(TrainingRun run) {
        try {
            if (run.firstStep() == 0) {
                Files.deleteIfExists(file);
            } else if (Files.isRegularFile(file)) {
                List<String> kept = new ArrayList<>();
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank() && JSON.readTree(line).path("step").asInt() <= run.firstStep()) {
                        kept.add(line);
                    }
                }
                // Write aside and rename, so that a kill now leaves the old file rather than half a new one.
                Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
                Files.write(tmp, kept);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new LmException("Cannot rewrite metrics " + file + ": " + e, e);
        }
    }

    /**
     * Appends the step's line.
     *
     * @throws LmException when the file cannot be written
     */
    @Override
    public void onStep(TrainingRun run, TrainingMetrics metrics) {
        try {
            Files.writeString(file, metrics.toJson() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new LmException("Cannot write metrics to " + file + ": " + e, e);
        }
    }

    /**
     * One line of a metrics file back as metrics; missing or null numbers read as NaN (or 0 for counts).
     *
     * @throws LmException when {@code line} is not JSON
     */
    public static TrainingMetrics parse(String line) {
        try {
            return parse(JSON.readTree(line));
        } catch (IOException e) {
            throw new LmException("A metrics line is not JSON (" + e.getMessage() + "): " + line, e);
        }
    }

    /** As {@link #parse(String)}, from a parsed object. */
    public static TrainingMetrics parse(JsonNode m) {
        return new TrainingMetrics(m.path("step").asInt(), m.path("total_steps").asInt(), num(m, "epoch"),
                num(m, "loss"), num(m, "learning_rate"), num(m, "grad_norm"), m.path("tokens").asLong(),
                num(m, "tokens_per_second"), num(m, "elapsed_s"), num(m, "eval_loss"), m.path("heap_bytes").asLong(),
                m.path("rss_bytes").asLong(), m.path("device_bytes").asLong());
    }

    private static double num(JsonNode m, String key) {
        JsonNode n = m.get(key);
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }
}
