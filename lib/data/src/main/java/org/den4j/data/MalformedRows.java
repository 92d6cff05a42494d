package org.den4j.data;

import java.util.List;

/**
 * Rows of one source file that DuckDB could not read as the release's columns and types, so they were left
 * out of the table; reported, never dropped silently.
 *
 * @param file the source file, relative to the MIMIC folder
 * @param count how many rows were left out
 * @param examples up to three, as {@code line N (column): error: text of the line}
 */
public record MalformedRows(String file, long count, List<String> examples) {
    public MalformedRows {
        examples = List.copyOf(examples);
    }
}
