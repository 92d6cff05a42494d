package org.den4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.den4j.data.internal.IcdCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticMimicTest {
    @TempDir
    Path dir;

    private static String header(Path gz) throws Exception {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8))) {
            return r.readLine();
        }
    }

    @Test
    void mimicIiiReleaseHasTheExactFilesHeadersAndQuoting() throws Exception {
        Path out = dir.resolve("iii");
        SyntheticMimic.Summary s = SyntheticMimic.builder(MimicVersion.MIMIC_III).patients(50).seed(1).build()
                .write(out);
        assertEquals(List.of("PATIENTS.csv.gz", "ADMISSIONS.csv.gz", "DIAGNOSES_ICD.csv.gz", "PROCEDURES_ICD.csv.gz",
                "NOTEEVENTS.csv.gz", SyntheticMimic.NEGATED_MENTIONS_FILE, "D_ICD_DIAGNOSES.csv.gz", "D_ICD_PROCEDURES.csv.gz",
                "SHA256SUMS.txt"), s.files());
        assertEquals("\"ROW_ID\",\"SUBJECT_ID\",\"HADM_ID\",\"CHARTDATE\",\"CHARTTIME\",\"STORETIME\",\"CATEGORY\","
                + "\"DESCRIPTION\",\"CGID\",\"ISERROR\",\"TEXT\"", header(out.resolve("NOTEEVENTS.csv.gz")));
        assertEquals("\"ROW_ID\",\"SUBJECT_ID\",\"HADM_ID\",\"SEQ_NUM\",\"ICD9_CODE\"",
                header(out.resolve("DIAGNOSES_ICD.csv.gz")));
        assertEquals("\"ROW_ID\",\"ICD9_CODE\",\"SHORT_TITLE\",\"LONG_TITLE\"",
                header(out.resolve("D_ICD_DIAGNOSES.csv.gz")));
        assertEquals(50, s.patients());
        assertTrue(s.admissions() >= 50 && s.dischargeNotes() > 40, s.toString());
        // Codes are quoted text, as in the release, so that 0389 keeps its zero.
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(
                out.resolve("DIAGNOSES_ICD.csv.gz"))), StandardCharsets.UTF_8))) {
            r.readLine();
            assertTrue(r.readLine().matches("1,\\d+,\\d+,1,\"[0-9EV]\\d+\""));
        }
    }

    @Test
    void mimicIvReleaseHasHospAndNoteFilesWithTheirHeaders() throws Exception {
        Path out = dir.resolve("iv");
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(30).seed(1).build().write(out);
        assertEquals("subject_id,hadm_id,seq_num,icd_code,icd_version", header(out.resolve("hosp/diagnoses_icd.csv.gz")));
        assertEquals("subject_id,hadm_id,seq_num,chartdate,icd_code,icd_version",
                header(out.resolve("hosp/procedures_icd.csv.gz")));
        assertEquals("icd_code,icd_version,long_title", header(out.resolve("hosp/d_icd_diagnoses.csv.gz")));
        assertEquals("subject_id,gender,anchor_age,anchor_year,anchor_year_group,dod",
                header(out.resolve("hosp/patients.csv.gz")));
        assertEquals("note_id,subject_id,hadm_id,note_type,note_seq,charttime,storetime,text",
                header(out.resolve("note/discharge.csv.gz")));
        assertTrue(Files.isRegularFile(out.resolve("hosp/admissions.csv.gz")));
        assertTrue(Files.isRegularFile(out.resolve("hosp/d_icd_procedures.csv.gz")));
        assertTrue(Files.isRegularFile(out.resolve("note/discharge_detail.csv.gz")));
    }

    @Test
    void sameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
        for (String name : List.of("a", "b")) {
            SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(40).seed(7).build().write(dir.resolve(name));
        }
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(40).seed(8).build().write(dir.resolve("c"));
        String a = Files.readString(dir.resolve("a/SHA256SUMS.txt"));
        assertEquals(a, Files.readString(dir.resolve("b/SHA256SUMS.txt")));
        assertNotEquals(a, Files.readString(dir.resolve("c/SHA256SUMS.txt")));
    }

    @Test
    void refusesAFolderWithFilesUnlessOverwriting() throws Exception {
        Path out = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        DataException e = assertThrows(DataException.class,
                () -> SyntheticMimic.builder(MimicVersion.MIMIC_III).patients(5).build().write(out));
        assertEquals("Output folder " + out + " already has files; choose another folder, delete it, or pass --force "
                + "to replace it", e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
        SyntheticMimic.builder(MimicVersion.MIMIC_III).patients(5).overwrite(true).build().write(out);
        assertFalse(Files.exists(out.resolve("notes.txt")));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary folder is left beside the output");
        }
    }

    /** Loads a synthetic MIMIC-IV and checks what makes it a learning task: titles, long tail, mentions. */
    @Test
    void codesHaveRealTitlesFollowALongTailAndNotesNameEveryCodedCondition() throws Exception {
        Path out = dir.resolve("iv");
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(400).seed(3).build().write(out);
        ImportReport r = MimicImport.builder(out, MimicVersion.MIMIC_IV).outputDir(dir.resolve("db")).build().run();
        IcdCatalog catalog = IcdCatalog.load();
        Map<String, IcdCatalog.Condition> byCode = new HashMap<>();
        for (IcdCatalog.Condition c : catalog.diagnoses()) {
            byCode.put("9:" + c.icd9(), c);
            byCode.put("10:" + c.icd10(), c);
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + r.database());
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM diagnoses WHERE long_title IS NULL")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "every code used has its title in the dictionary");
            }
            try (ResultSet rs = s.executeQuery("SELECT long_title FROM mimiciv_hosp.d_icd_diagnoses "
                    + "WHERE icd_code = 'I10' AND icd_version = 10")) {
                assertTrue(rs.next());
                assertEquals("Essential (primary) hypertension", rs.getString(1));
            }
            List<Long> freq = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT count(*) n FROM diagnoses GROUP BY icd_code, icd_version "
                    + "ORDER BY n DESC")) {
                while (rs.next()) {
                    freq.add(rs.getLong(1));
                }
            }
            assertTrue(freq.size() > 100, "many distinct codes: " + freq.size());
            assertTrue(freq.get(0) > 20 * freq.get(freq.size() / 2), "long tail: top " + freq.get(0) + ", median "
                    + freq.get(freq.size() / 2));
            int checked = 0;
            try (ResultSet rs = s.executeQuery("SELECT d.icd_code, d.icd_version, n.note_text FROM diagnoses d "
                    + "JOIN discharge_notes n USING (hadm_id) LIMIT 2000")) {
                while (rs.next()) {
                    IcdCatalog.Condition cond = byCode.get(rs.getInt(2) + ":" + rs.getString(1));
                    String note = rs.getString(3).toLowerCase(Locale.ROOT);
                    assertTrue(cond.phrases().stream().anyMatch(p -> note.contains(p.toLowerCase(Locale.ROOT))),
                            () -> "the note names " + cond.name());
                    checked++;
                }
            }
            assertEquals(2000, checked);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM discharge_notes WHERE note_text LIKE "
                    + "'%No history of%' OR note_text LIKE '%ruled out%' OR note_text LIKE '%Mother with%'")) {
                rs.next();
                assertTrue(rs.getLong(1) > 50, "notes carry negations, rule-outs and family history");
            }
        }
    }
}
