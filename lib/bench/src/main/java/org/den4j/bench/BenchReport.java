package org.den4j.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The outcome of a benchmark run: its settings and one {@link Measurement} per row.
 *
 * @param header lines that say what ran where (sizes, machine, file system)
 * @param rows the measurements, in the order they ran
 * @param elapsed how long the whole run took, set-up and warm-up included
 */
public record BenchReport(List<String> header, List<Measurement> rows, Duration elapsed) {
    public BenchReport {
        header = List.copyOf(header);
        rows = List.copyOf(rows);
    }

    /** The row with this id, if the run produced it. */
    public Optional<Measurement> row(String id) {
        return rows.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** The rows that missed their target. */
    public List<Measurement> misses() {
        return rows.stream().filter(m -> m.verdict() == Measurement.Verdict.MISS).toList();
    }

    /** The report as a plain-text table, with the notes of the rows below it. */
    public String toTable() {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"measurement", "value", "reference", "ratio", "target", "result"});
        for (Measurement m : rows) {
            cells.add(new String[] {m.name(), m.formattedValue(), m.formattedReference(), m.formattedRatio(),
                    m.target().isEmpty() ? "-" : m.target(), m.verdict().name()});
        }
        int[] width = new int[6];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : header) {
            out.append(line).append('\n');
        }
        out.append('\n');
        for (int r = 0; r < cells.size(); r++) {
            String[] row = cells.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                // Text columns align left, numbers right.
                boolean right = i == 1 || i == 3;
                String cell = right ? pad(row[i], width[i], true) : pad(row[i], width[i], false);
                line.append(cell).append(i < row.length - 1 ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                out.append("-".repeat(total - 2)).append('\n');
            }
        }
        List<String> notes = new ArrayList<>();
        for (Measurement m : rows) {
            if (!m.note().isEmpty()) {
                notes.add(m.name() + ": " + m.note());
            }
        }
        if (!notes.isEmpty()) {
            out.append('\n').append("notes:").append('\n');
            for (String n : notes) {
                out.append("  ").append(n).append('\n');
            }
        }
        long misses = misses().size();
        long targets = rows.stream().filter(m -> m.verdict() != Measurement.Verdict.INFO).count();
        out.append('\n').append(String.format(Locale.ROOT, "%d of %d targets reached; run took %.1f s%n",
                targets - misses, targets, elapsed.toMillis() / 1000.0));
        return out.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
