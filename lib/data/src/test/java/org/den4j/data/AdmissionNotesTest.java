package org.den4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdmissionNotesTest {
    @TempDir
    Path dir;

    private Path database(List<String> notes) throws Exception {
        Path db = dir.resolve("mimic-dataset.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (hadm_id INTEGER, note_text VARCHAR)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO notes VALUES (?, ?)")) {
                int id = 0;
                for (String note : notes) {
                    insert.setInt(1, id++);
                    insert.setString(2, note);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            s.execute("CREATE VIEW admission_facts AS SELECT hadm_id, note_text FROM notes ORDER BY hadm_id");
        }
        return db;
    }

    @Test
    void readsTheNonEmptyNotesOfAdmissionFactsInOrder() throws Exception {
        Path db = database(List.of("Pt denies chest pain.", "", "Admitted with sepsis.", "AKI on CKD."));
        assertEquals(List.of("Pt denies chest pain.", "Admitted with sepsis.", "AKI on CKD."),
                AdmissionNotes.read(db, 1_000_000));
    }

    @Test
    void stopsOnceTheCharacterBoundIsReached() throws Exception {
        Path db = database(List.of("0123456789", "0123456789", "0123456789"));
        assertEquals(2, AdmissionNotes.read(db, 15).size(), "the note that crosses the bound is kept whole");
    }

    @Test
    void databaseWithoutTheViewIsBadInputNamingIt() throws Exception {
        Path db = dir.resolve("other.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db)) {
            c.createStatement().execute("CREATE TABLE other (x INTEGER)");
        }
        DataInputException e = assertThrows(DataInputException.class, () -> AdmissionNotes.read(db, 100));
        assertTrue(e.getMessage().contains(db + " has no admission_facts.note_text"), e.getMessage());
        DataInputException missing = assertThrows(DataInputException.class,
                () -> AdmissionNotes.read(dir.resolve("absent.duckdb"), 100));
        assertTrue(missing.getMessage().startsWith("MIMIC database " + dir.resolve("absent.duckdb")
                + " does not exist"), missing.getMessage());
    }
}
