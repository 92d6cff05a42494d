package org.den4j.coder.lm;

import java.util.Map;
import java.util.Set;
import org.den4j.coder.CoderInputException;

/** The kind-specific settings of a training run, typed and checked; each error names the setting and the fix. */
final class Settings {
    private final String kind;
    private final Map<String, String> values;

    Settings(String kind, Map<String, String> values, Set<String> known) {
        this.kind = kind;
        this.values = values;
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new CoderInputException("Setting '" + key + "' is not one of " + kind + "'s; use some of "
                        + new java.util.TreeSet<>(known));
            }
        }
    }

    String string(String key, String defaultValue) {
        String v = values.get(key);
        return v == null || v.isBlank() ? defaultValue : v.strip();
    }

    int integer(String key, int defaultValue, int min) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min) {
                throw new CoderInputException(kind + " setting " + key + "=" + v + " must be at least " + min);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CoderInputException(kind + " setting " + key + "=" + v + " is not a whole number", e);
        }
    }

    double number(String key, double defaultValue) {
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (!(d > 0) || !Double.isFinite(d)) {
                throw new CoderInputException(kind + " setting " + key + "=" + v + " must be a positive number");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new CoderInputException(kind + " setting " + key + "=" + v + " is not a number", e);
        }
    }

    String choice(String key, String defaultValue, Set<String> allowed) {
        String v = string(key, defaultValue);
        if (!allowed.contains(v)) {
            throw new CoderInputException(kind + " setting " + key + "=" + v + " is not one of " + allowed);
        }
        return v;
    }
}
