package org.den4j.den;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A condition on a numeric performance metric, such as {@code f1>=0.5}; a model without the metric
 * does not meet it.
 *
 * <pre>{@code
 * RegistryQuery q = RegistryQuery.builder().metric(MetricCondition.parse("f1_micro>=0.5")).build();
 * }</pre>
 *
 * @param metric the metric name as in {@link ModelMetadata#metrics()}, for example {@code f1_micro}
 * @param comparison how the model's value compares to {@code value}
 * @param value the number to compare with
 */
public record MetricCondition(String metric, Comparison comparison, double value) {
    /** The accepted form, for error messages. */
    public static final String FORM = "NAME OP NUMBER with OP one of >=, <=, >, <, =, != (for example f1>=0.5)";

    // Longer operators first so that ">=" is not read as ">" followed by "=0.5".
    private static final Pattern CONDITION = Pattern.compile(
            "\\s*([A-Za-z0-9_.:/-]+?)\\s*(>=|<=|!=|==|=|>|<)\\s*(\\S+)\\s*");

    /** How a model's metric value compares to the condition's number. */
    public enum Comparison {
        GREATER_OR_EQUAL(">="), LESS_OR_EQUAL("<="), GREATER(">"), LESS("<"), EQUAL("="), NOT_EQUAL("!=");

        private final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        /** The operator as written, for example {@code >=}. */
        public String symbol() {
            return symbol;
        }

        /** True when {@code actual} compared to {@code bound} holds. */
        public boolean holds(double actual, double bound) {
            int c = Double.compare(actual, bound);
            return switch (this) {
                case GREATER_OR_EQUAL -> c >= 0;
                case LESS_OR_EQUAL -> c <= 0;
                case GREATER -> c > 0;
                case LESS -> c < 0;
                case EQUAL -> c == 0;
                case NOT_EQUAL -> c != 0;
            };
        }

        static Comparison of(String symbol) {
            for (Comparison c : values()) {
                if (c.symbol.equals(symbol)) {
                    return c;
                }
            }
            return EQUAL; // "=="
        }
    }

    public MetricCondition {
        if (metric == null || metric.isBlank()) {
            throw new DenInputException("A metric condition has no metric name; write " + FORM);
        }
        if (comparison == null) {
            throw new DenInputException("Metric condition on '" + metric + "' has no operator; write " + FORM);
        }
        if (!Double.isFinite(value)) {
            throw new DenInputException("Metric condition on '" + metric + "' compares with " + value
                    + "; give a finite number, as in " + FORM);
        }
    }

    /**
     * Parses {@code NAME OP NUMBER}, blanks allowed around the operator; {@code ==} is read as {@code =}.
     *
     * @throws DenInputException naming the text and the accepted form
     */
    public static MetricCondition parse(String text) {
        Matcher m = CONDITION.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new DenInputException("Metric condition '" + text + "' is not of the form " + FORM);
        }
        double value;
        try {
            value = Double.parseDouble(m.group(3));
        } catch (NumberFormatException e) {
            throw new DenInputException("Metric condition '" + text + "' compares with '" + m.group(3)
                    + "', which is not a number; write " + FORM, e);
        }
        if (!Double.isFinite(value)) {
            throw new DenInputException("Metric condition '" + text + "' compares with '" + m.group(3)
                    + "'; give a finite number, as in " + FORM);
        }
        return new MetricCondition(m.group(1), Comparison.of(m.group(2)), value);
    }

    /** True when the model has the metric and its value meets the condition. */
    public boolean test(ModelInfo model) {
        Double actual = model.metadata().metrics().get(metric);
        return actual != null && comparison.holds(actual, value);
    }

    /** The condition as {@link #parse} reads it, for example {@code f1>=0.5}. */
    @Override
    public String toString() {
        return metric + comparison.symbol + format(value);
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%.0f", v) : Double.toString(v);
    }
}
