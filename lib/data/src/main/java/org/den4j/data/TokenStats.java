package org.den4j.data;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Token length statistics of the training sets {@link TokenSetWriter} wrote; also stored in table
 * {@code token_stats} of {@code tokens.duckdb}.
 *
 * @param database the {@code tokens.duckdb} written
 * @param tokenizer the {@code tokenizer.json} used
 * @param maxLength the longest example allowed, in tokens
 * @param threads tokenizer threads
 * @param splits one entry per split, in the order train, validation, test
 * @param tokenizeTime time spent tokenizing (summed over the run, wall clock)
 * @param elapsed the whole run, reading and writing included
 */
public record TokenStats(Path database, Path tokenizer, int maxLength, int threads, List<Split> splits,
        Duration tokenizeTime, Duration elapsed) {
    public TokenStats {
        splits = List.copyOf(splits);
    }

    /**
     * One split's figures.
     *
     * @param split {@code train}, {@code validation} or {@code test}
     * @param examples examples written
     * @param truncated examples whose note was cut to fit {@code maxLength}
     * @param skipped admissions left out because their completion alone is longer than {@code maxLength}
     * @param minTokens the shortest example
     * @param meanTokens mean tokens per example
     * @param medianTokens median tokens per example
     * @param p95Tokens 95th percentile
     * @param maxTokens the longest example
     * @param meanCompletionTokens mean completion (label) tokens per example
     * @param promptTokensBeforeCutMean mean tokens of the whole prompt before any cut, to show how much was cut
     */
    public record Split(String split, long examples, long truncated, long skipped, int minTokens, double meanTokens,
            int medianTokens, int p95Tokens, int maxTokens, double meanCompletionTokens, double promptTokensBeforeCutMean) {
    }

    /** The figures of one split. */
    public Split split(String name) {
        return splits.stream().filter(s -> s.split().equals(name)).findFirst()
                .orElseThrow(() -> new DataInputException("no split " + name + " in these statistics"));
    }

    /** A plain-text table of the statistics, one row per split. */
    public String toTable() {
        StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT,
                "%-10s %9s %9s %7s %6s %8s %6s %6s %6s %10s%n", "split", "examples", "truncated", "skipped", "min",
                "mean", "median", "p95", "max", "completion"));
        for (Split s : splits) {
            b.append(String.format(java.util.Locale.ROOT, "%-10s %9d %9d %7d %6d %8.1f %6d %6d %6d %10.1f%n", s.split(),
                    s.examples(), s.truncated(), s.skipped(), s.minTokens(), s.meanTokens(), s.medianTokens(), s.p95Tokens(),
                    s.maxTokens(), s.meanCompletionTokens()));
        }
        return b.toString();
    }
}
