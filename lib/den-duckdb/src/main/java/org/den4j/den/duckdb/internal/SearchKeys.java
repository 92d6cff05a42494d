package org.den4j.den.duckdb.internal;

import java.util.Locale;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;

/**
 * The derived values that let SQL compare exactly as the in-memory index does in Java.
 *
 * <p>DuckDB's {@code lower()} and ICU collations do not agree with {@link String#equalsIgnoreCase}
 * on every character (dotless i, title-case digraphs, supplementary letters), so the keys are
 * computed here, in Java, and SQL only tests plain equality and substring containment.
 */
final class SearchKeys {
    private SearchKeys() {
    }

    /**
     * A key that two strings share exactly when {@link String#equalsIgnoreCase} holds between them.
     *
     * <p>{@code equalsIgnoreCase} treats two code points as equal when they are equal, when their
     * upper cases are equal, or when the lower cases of their upper cases are equal; the third test
     * implies the other two, so the lower case of the upper case of each code point is the key.
     */
    static String fold(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            b.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp)));
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /** The key of a model type or architecture, or null when unset (SQL NULL matches no query). */
    static String foldOrNull(String value) {
        return value == null ? null : fold(value);
    }

    /** The lower-case text that a query's words must each occur in: name, description, tags, architecture and display name. */
    static String searchText(ModelInfo m) {
        ModelMetadata meta = m.metadata();
        return (m.name() + " " + m.description() + " " + String.join(" ", m.tags()) + " "
                + (meta.architecture() == null ? "" : meta.architecture()) + " "
                + (meta.displayName() == null ? "" : meta.displayName())).toLowerCase(Locale.ROOT);
    }
}
