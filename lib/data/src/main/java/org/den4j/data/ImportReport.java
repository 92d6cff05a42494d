package org.den4j.data;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@link MimicImport#run()} did.
 *
 * @param database the DuckDB file
 * @param version the release layout that was loaded
 * @param tableRows rows per loaded table (such as {@code mimiciii.noteevents}), in load order
 * @param keptTables tables that already existed and were kept (no {@code --drop})
 * @param malformed files with rows that could not be read, with examples; empty when every row was read
 * @param sampledPatients patients picked by {@code --num-samples}, or 0 when all were loaded
 * @param facts rows of {@code admission_facts}
 * @param splitSizes admissions per split: {@code train}, {@code validation}, {@code test}
 * @param elapsed how long the load took
 */
public record ImportReport(Path database, MimicVersion version, Map<String, Long> tableRows, List<String> keptTables,
        List<MalformedRows> malformed, long sampledPatients, long facts, Map<String, Long> splitSizes,
        Duration elapsed) {
    public ImportReport {
        tableRows = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tableRows));
        keptTables = List.copyOf(keptTables);
        malformed = List.copyOf(malformed);
        splitSizes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(splitSizes));
    }

    /** Malformed rows over all files. */
    public long malformedRows() {
        return malformed.stream().mapToLong(MalformedRows::count).sum();
    }
}
