package org.den4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.den4j.data.internal.DuckDbFiles;

/**
 * Reads the discharge notes of a MIMIC database ({@link MimicImport#DATABASE_FILE}): the {@code note_text} of the
 * view {@code admission_facts}, which {@link MimicImport} defines. It lives here, beside that view, so that other
 * modules (the model kit's corpus, the pipeline) read notes through this class and never by SQL of their own.
 *
 * <pre>{@code
 * List<String> notes = AdmissionNotes.read(Path.of("data/mimic-dataset.duckdb"), 20_000_000);
 * }</pre>
 */
public final class AdmissionNotes {
    private AdmissionNotes() {
    }

    /**
     * The non-empty notes in the view's order, until {@code maxCharacters} have been read (the note that crosses
     * the bound is kept whole). The database is opened read-only.
     *
     * @throws DataInputException when the file does not exist or has no {@code admission_facts.note_text}
     * @throws DataException when DuckDB cannot read it
     */
    public static List<String> read(Path database, long maxCharacters) {
        if (!Files.isRegularFile(database)) {
            throw new DataInputException("MIMIC database " + database + " does not exist; write it with "
                    + "./jbang prepare-mimic, or pass a text file of notes");
        }
        List<String> notes = new ArrayList<>();
        try (Connection c = DuckDbFiles.openForReading(database);
                Statement s = c.createStatement()) {
            try (ResultSet t = s.executeQuery("SELECT count(*) FROM information_schema.columns "
                    + "WHERE table_name = 'admission_facts' AND column_name = 'note_text'")) {
                t.next();
                if (t.getLong(1) == 0) {
                    throw new DataInputException("database " + database + " has no admission_facts.note_text; "
                            + "build it with den4j's data module (./jbang prepare-mimic), or pass a text file");
                }
            }
            long total = 0;
            try (ResultSet rs = s.executeQuery("SELECT note_text FROM admission_facts WHERE note_text IS NOT NULL "
                    + "AND length(note_text) > 0")) {
                while (total < maxCharacters && rs.next()) {
                    String note = rs.getString(1);
                    notes.add(note);
                    total += note.length();
                }
            }
        } catch (SQLException e) {
            throw new DataException("cannot read notes from DuckDB database " + database + ": " + e.getMessage(), e);
        }
        return notes;
    }
}
