package org.den4j.den;

import java.util.Comparator;

/**
 * An order of search results by a numeric metric; models without the metric come last, in name and
 * version order.
 *
 * @param metric the metric name as in {@link ModelMetadata#metrics()}, for example {@code inference_time_ms}
 * @param descending true for the highest value first
 */
public record MetricOrder(String metric, boolean descending) {
    public MetricOrder {
        if (metric == null || metric.isBlank() || metric.startsWith("-")) {
            throw new DenInputException("Sort by '" + metric + "': give a metric name, NAME for ascending or "
                    + "-NAME for descending (for example -f1 or inference_time_ms)");
        }
    }

    /**
     * Parses {@code NAME} (ascending) or {@code -NAME} (descending).
     *
     * @throws DenInputException when no name is given
     */
    public static MetricOrder parse(String text) {
        String t = text == null ? "" : text.trim();
        boolean descending = t.startsWith("-");
        String name = descending ? t.substring(1).trim() : t;
        if (name.isEmpty() || name.startsWith("-")) {
            throw new DenInputException("Sort by '" + text + "': give a metric name, NAME for ascending or "
                    + "-NAME for descending (for example -f1 or inference_time_ms)");
        }
        return new MetricOrder(name, descending);
    }

    /** Compares models by the metric; missing values sort last whichever the direction. */
    public Comparator<ModelInfo> comparator() {
        Comparator<Double> values = descending ? Comparator.reverseOrder() : Comparator.naturalOrder();
        return Comparator.comparing((ModelInfo m) -> m.metadata().metrics().get(metric),
                Comparator.nullsLast(values));
    }

    /** {@code NAME} or {@code -NAME}, as {@link #parse} reads it. */
    @Override
    public String toString() {
        return (descending ? "-" : "") + metric;
    }
}
