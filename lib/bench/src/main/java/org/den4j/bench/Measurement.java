package org.den4j.bench;

import java.util.Locale;
import java.util.Objects;

/**
 * One row of a benchmark report: a measured value, the reference it is compared with in the same
 * run, and the target it should reach.
 *
 * @param id a stable key for the row, for example {@code push} or {@code list-warm}
 * @param name what was measured, for people
 * @param value the measured value, in {@code unit}
 * @param unit {@code ms}, {@code s}, {@code MB/s} (10<sup>6</sup> bytes per second) or {@code %}
 * @param referenceName what the value is compared with, for example {@code cp -r}, or null for none
 * @param referenceValue the reference's value in {@code unit}, or NaN without a reference
 * @param ratio {@code value / referenceValue}, or NaN without a reference
 * @param target the target in words, for example {@code < 50 ms}, or empty for none
 * @param verdict whether the target was reached
 * @param note more about the measurement (spread, what it includes), or empty
 */
public record Measurement(String id, String name, double value, String unit, String referenceName,
        double referenceValue, double ratio, String target, Verdict verdict, String note) {
    public Measurement {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(verdict, "verdict");
        target = target == null ? "" : target;
        note = note == null ? "" : note;
        if (referenceName == null) {
            referenceValue = Double.NaN;
            ratio = Double.NaN;
        }
    }

    /** Whether a target was reached. */
    public enum Verdict {
        /** The target was reached. */
        PASS,
        /** The target was missed. */
        MISS,
        /** There is no target: the row is for information. */
        INFO
    }

    /** True when the row has a reference measured in the same run. */
    public boolean hasReference() {
        return referenceName != null;
    }

    /** The value with its unit, as the report prints it. */
    public String formattedValue() {
        return format(value, unit);
    }

    /** The reference's name and value, or {@code -}. */
    public String formattedReference() {
        return hasReference() ? referenceName + ": " + format(referenceValue, unit) : "-";
    }

    /** The ratio to the reference, or {@code -}. */
    public String formattedRatio() {
        if (!hasReference()) {
            return "-";
        }
        return (Math.abs(ratio) >= 0.01 || ratio == 0 ? String.format(Locale.ROOT, "%.2f", ratio)
                : String.format(Locale.ROOT, "%.5f", ratio)) + "x";
    }

    static String format(double value, String unit) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        String number;
        double abs = Math.abs(value);
        if (abs >= 100) {
            number = String.format(Locale.ROOT, "%.0f", value);
        } else if (abs >= 10) {
            number = String.format(Locale.ROOT, "%.1f", value);
        } else if (abs >= 1 || value == 0) {
            number = String.format(Locale.ROOT, "%.2f", value);
        } else {
            // Three significant digits, so that sub-millisecond timings do not print as 0.00.
            number = new java.math.BigDecimal(value).round(new java.math.MathContext(3)).toPlainString();
        }
        return unit.equals("%") ? number + " %" : number + " " + unit;
    }
}
