package org.den4j.coder;

import java.util.Objects;

/**
 * One code of one system, in dotted form ({@code E11.9}, {@code 250.00}, {@code 36.1}; ICD-10-PCS has no dot).
 * The key of a label: the same string can name different things in two systems.
 */
public record Code(String code, CodeSystem system) implements Comparable<Code> {
    public Code {
        Objects.requireNonNull(system, "system");
        if (code == null || code.isBlank()) {
            throw new CoderInputException("A code of " + system.label() + " is empty");
        }
        code = code.strip();
    }

    /** A stable text key, {@code ICD-10-CM|E11.9}, for files and maps. */
    public String key() {
        return system.label() + "|" + code;
    }

    /** The code of a {@link #key()}. */
    public static Code ofKey(String key) {
        int bar = key.indexOf('|');
        if (bar < 0) {
            throw new CoderInputException("'" + key + "' is not a code key of the form SYSTEM|CODE");
        }
        return new Code(key.substring(bar + 1), CodeSystem.parse(key.substring(0, bar)));
    }

    @Override
    public int compareTo(Code o) {
        int c = system.compareTo(o.system);
        return c != 0 ? c : code.compareTo(o.code);
    }

    @Override
    public String toString() {
        return code;
    }
}
