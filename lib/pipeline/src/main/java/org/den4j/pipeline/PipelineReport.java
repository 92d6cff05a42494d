package org.den4j.pipeline;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a pipeline run produced.
 *
 * @param workDir the run's work folder
 * @param steps each step with its time and result
 * @param baseScores the base model's codes on the held-out notes
 * @param tunedScores the fine-tuned model's codes on the same notes
 * @param pushed the den references pushed (base, then fine-tune), empty without a den
 * @param lineage the base model's lineage tree as the den renders it, empty without a den
 * @param elapsed the whole run
 * @param coderTable the coders side by side on the test split (micro-F1 with its interval against linear,
 *     macro-F1, P@8, negation false-positive rate, training time, notes/s); empty when no coder was trained
 */
public record PipelineReport(Path workDir, List<Step> steps, CodeScores baseScores, CodeScores tunedScores,
        List<String> pushed, String lineage, Duration elapsed, String coderTable) {
    public PipelineReport {
        steps = List.copyOf(steps);
        pushed = List.copyOf(pushed);
        coderTable = coderTable == null ? "" : coderTable;
    }

    /** A report without coders. */
    public PipelineReport(Path workDir, List<Step> steps, CodeScores baseScores, CodeScores tunedScores,
            List<String> pushed, String lineage, Duration elapsed) {
        this(workDir, steps, baseScores, tunedScores, pushed, lineage, elapsed, "");
    }

    /**
     * One step.
     *
     * @param name what the step does
     * @param elapsed how long it took
     * @param result what it produced
     */
    public record Step(String name, Duration elapsed, String result) {
        /** {@code name (seconds): result}. */
        public String toText() {
            return String.format(Locale.ROOT, "%-26s %6.1f s  %s", name, elapsed.toMillis() / 1000.0, result);
        }
    }

    /** The report as lines of text: one per step, then the lineage. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        for (Step step : steps) {
            text.append(step.toText()).append('\n');
        }
        text.append(String.format(Locale.ROOT, "%-26s %6.1f s  work folder %s%n", "total", elapsed.toMillis() / 1000.0,
                workDir));
        if (!coderTable.isEmpty()) {
            text.append("coders:\n").append(coderTable);
        }
        if (!lineage.isEmpty()) {
            text.append("lineage:\n").append(lineage.endsWith("\n") ? lineage : lineage + "\n");
        }
        return text.toString();
    }
}
