package org.den4j.coder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * The coded notes of one split of a MIMIC database written by {@code prepare-mimic} (views {@code split_train},
 * {@code split_validation}, {@code split_test}: patient splits, so no patient is in two). Every coder trains on
 * train, tunes thresholds on validation, and is measured on test.
 */
public final class CodingData {
    /** The split names. */
    public static final Set<String> SPLITS = Set.of("train", "validation", "test");

    private CodingData() {
    }

    /**
     * Reads the notes of {@code split}, ordered by admission.
     *
     * @param limit at most this many notes (0: all)
     * @throws CoderInputException for an unknown split or a file that is not such a database
     */
    public static List<CodedNote> read(Path database, String split, int limit) {
        String s = split.toLowerCase(Locale.ROOT);
        if (!SPLITS.contains(s)) {
            throw new CoderInputException("Unknown split '" + split + "'; use train, validation or test");
        }
        if (!Files.isRegularFile(database)) {
            throw new CoderInputException("MIMIC database " + database + " does not exist; write one with "
                    + "./jbang prepare-mimic");
        }
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        List<CodedNote> notes = new ArrayList<>();
        String sql = "SELECT hadm_id, note_text, code_system, diagnosis_codes, procedure_codes FROM split_" + s
                + " ORDER BY hadm_id" + (limit > 0 ? " LIMIT " + limit : "");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath(), readOnly);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                IcdVersion version = IcdVersion.parse(rs.getString(3));
                List<Code> codes = new ArrayList<>();
                addCodes(codes, rs.getArray(4), CodeSystem.of(version, false));
                addCodes(codes, rs.getArray(5), CodeSystem.of(version, true));
                notes.add(new CodedNote(rs.getLong(1), rs.getString(2), version, codes));
            }
        } catch (SQLException e) {
            throw new CoderInputException("Cannot read split " + s + " of " + database + ": " + e.getMessage()
                    + "; it must be a database written by ./jbang prepare-mimic", e);
        }
        return notes;
    }

    private static void addCodes(List<Code> out, Array array, CodeSystem system) throws SQLException {
        if (array == null) {
            return;
        }
        for (Object o : (Object[]) array.getArray()) {
            if (o != null) {
                Code code = new Code(o.toString(), system);
                if (!out.contains(code)) {
                    out.add(code);
                }
            }
        }
    }
}
