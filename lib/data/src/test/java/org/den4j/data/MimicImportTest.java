package org.den4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MimicImportTest {
    @TempDir
    Path dir;

    private static List<Object> query(Path db, String sql) throws Exception {
        List<Object> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                Object v = rs.getObject(1);
                out.add(v instanceof Array a ? Arrays.asList((Object[]) a.getArray()) : v);
            }
        }
        return out;
    }

    /** A hand-written MIMIC-IV folder, uncompressed, with codes of every kind. */
    private Path tinyMimicIv() throws Exception {
        Path m = dir.resolve("tiny-iv");
        Files.createDirectories(m.resolve("hosp"));
        Files.createDirectories(m.resolve("note"));
        Files.writeString(m.resolve("hosp/patients.csv"), "subject_id,gender,anchor_age,anchor_year,anchor_year_group,dod\n"
                + "10000001,F,60,2150,2017 - 2019,\n10000002,M,70,2140,2008 - 2010,\n");
        Files.writeString(m.resolve("hosp/admissions.csv"), "subject_id,hadm_id,admittime,dischtime,deathtime,"
                + "admission_type,admit_provider_id,admission_location,discharge_location,insurance,language,"
                + "marital_status,race,edregtime,edouttime,hospital_expire_flag\n"
                + "10000001,20000001,2150-01-01 10:00:00,2150-01-05 12:00:00,,URGENT,P1,EMERGENCY ROOM,HOME,Other,"
                + "ENGLISH,MARRIED,WHITE,,,0\n"
                + "10000002,20000002,2140-01-01 10:00:00,2140-01-03 12:00:00,,URGENT,P2,EMERGENCY ROOM,HOME,Other,"
                + "ENGLISH,SINGLE,WHITE,,,0\n");
        Files.writeString(m.resolve("hosp/diagnoses_icd.csv"), "subject_id,hadm_id,seq_num,icd_code,icd_version\n"
                + "10000001,20000001,2,E119,10\n10000001,20000001,1,I10,10\n10000001,20000001,3,Z66,10\n"
                + "10000002,20000002,1,0389,9\n10000002,20000002,2,E8889,9\n10000002,20000002,3,V5861,9\n"
                + "10000002,20000002,4,486,9\n");
        Files.writeString(m.resolve("hosp/procedures_icd.csv"), "subject_id,hadm_id,seq_num,chartdate,icd_code,"
                + "icd_version\n10000001,20000001,1,2150-01-02,0BH17EZ,10\n10000002,20000002,1,2140-01-02,9604,9\n");
        Files.writeString(m.resolve("hosp/d_icd_diagnoses.csv"), "icd_code,icd_version,long_title\n"
                + "I10,10,Essential (primary) hypertension\nE119,10,Type 2 diabetes mellitus without complications\n"
                + "0389,9,Unspecified septicemia\n486,9,\"Pneumonia, organism unspecified\"\n");
        Files.writeString(m.resolve("hosp/d_icd_procedures.csv"), "icd_code,icd_version,long_title\n"
                + "9604,9,Insertion of endotracheal tube\n");
        Files.writeString(m.resolve("note/discharge.csv"), "note_id,subject_id,hadm_id,note_type,note_seq,charttime,"
                + "storetime,text\n10000001-DS-1,10000001,20000001,DS,1,2150-01-05 00:00:00,,\"HTN, DM2.\nDNR.\"\n"
                + "10000002-DS-1,10000002,20000002,DS,1,2140-01-03 00:00:00,,\"Sepsis from PNA; fall.\"\n");
        return m;
    }

    @Test
    void factsHaveDottedCodesInSequenceOrderAndTheirCodeSystem() throws Exception {
        ImportReport r = MimicImport.builder(tinyMimicIv(), MimicVersion.MIMIC_IV).outputDir(dir.resolve("db"))
                .build().run();
        Path db = r.database();
        assertEquals(dir.resolve("db").resolve("mimic-dataset.duckdb"), db);
        assertEquals(List.of(Arrays.asList("I10", "E11.9", "Z66")), query(db,
                "SELECT diagnosis_codes FROM admission_facts WHERE hadm_id = 20000001"));
        assertEquals(List.of(Arrays.asList("038.9", "E888.9", "V58.61", "486")), query(db,
                "SELECT diagnosis_codes FROM admission_facts WHERE hadm_id = 20000002"));
        assertEquals(List.of(List.of("0BH17EZ"), List.of("96.04")), query(db,
                "SELECT procedure_codes FROM admission_facts ORDER BY hadm_id"));
        assertEquals(List.of("icd10", "icd9"), query(db, "SELECT code_system FROM admission_facts ORDER BY hadm_id"));
        assertEquals(List.of("HTN, DM2.\nDNR."), query(db, "SELECT note_text FROM admission_facts WHERE subject_id = "
                + "10000001"));
        assertEquals(List.of("subject_id BIGINT", "hadm_id BIGINT", "note_text VARCHAR", "diagnosis_codes VARCHAR[]",
                "procedure_codes VARCHAR[]", "code_system VARCHAR"), query(db,
                "SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_name = "
                        + "'admission_facts' ORDER BY ordinal_position"));
        // MIMIC-IV dictionaries join on code and version.
        assertEquals(List.of("Pneumonia, organism unspecified"), query(db,
                "SELECT long_title FROM diagnoses WHERE icd_code = '486'"));
        assertEquals(2L, r.facts());
    }

    @Test
    void negatedMentionsOfASyntheticReleaseAreNamedInTheirNoteAndNeverCoded() throws Exception {
        Path mimic = dir.resolve("synthetic");
        SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(40).seed(3).build().write(mimic);
        ImportReport r = MimicImport.builder(mimic, MimicVersion.MIMIC_IV).outputDir(dir.resolve("db")).build().run();
        Path db = r.database();
        long rows = (Long) query(db, "SELECT count(*) FROM negated_mentions").get(0);
        assertEquals(rows, r.tableRows().get("negated_mentions"));
        // One to three distractors per note: negated first, then family history, then ruled out.
        long notes = (Long) query(db, "SELECT count(*) FROM admission_facts").get(0);
        assertTrue(rows >= notes && rows <= 3 * notes, rows + " mentions for " + notes + " notes");
        assertEquals(List.of("family", "negated", "ruled_out"), query(db,
                "SELECT DISTINCT kind FROM negated_mentions ORDER BY kind"));
        assertEquals(0L, query(db, "SELECT count(*) FROM negated_mentions m JOIN discharge_notes n USING (hadm_id) "
                + "WHERE strpos(n.note_text, m.phrase) = 0").get(0), "every phrase is in its note");
        assertEquals(0L, query(db, "SELECT count(*) FROM negated_mentions m JOIN diagnoses d ON d.hadm_id = m.hadm_id "
                + "AND d.code = m.code AND d.icd_version = m.icd_version").get(0), "no mention is a coded diagnosis");
        assertEquals(0L, query(db, "SELECT count(*) FROM negated_mentions m JOIN admission_facts f USING (hadm_id) "
                + "WHERE f.code_system <> 'icd' || m.icd_version").get(0), "the admission's ICD version");
        // Dotted as the views: an ICD-10-CM code longer than three characters has its dot after the third.
        assertEquals(0L, query(db, "SELECT count(*) FROM negated_mentions WHERE icd_version = 10 "
                + "AND length(icd_code) > 3 AND code <> icd_code[1:3] || '.' || icd_code[4:]").get(0));
        assertTrue(query(db, "SELECT DISTINCT is_procedure FROM negated_mentions").equals(List.of(false)));
    }

    @Test
    void aPhysioNetReleaseHasNoNegatedMentionsTable() throws Exception {
        Path db = MimicImport.builder(tinyMimicIv(), MimicVersion.MIMIC_IV).outputDir(dir.resolve("db")).build()
                .run().database();
        assertEquals(0L, query(db, "SELECT count(*) FROM information_schema.tables WHERE table_name = "
                + "'negated_mentions'").get(0));
    }

    /** A hand-written MIMIC-III folder: a report with an addendum, a note marked ISERROR, other categories. */
    private Path tinyMimicIii(String extraDiagnosisRow) throws Exception {
        Path m = Files.createDirectories(dir.resolve("tiny-iii"));
        Files.writeString(m.resolve("PATIENTS.csv"), "\"ROW_ID\",\"SUBJECT_ID\",\"GENDER\",\"DOB\",\"DOD\",\"DOD_HOSP\","
                + "\"DOD_SSN\",\"EXPIRE_FLAG\"\n1,11,\"F\",2100-01-01 00:00:00,,,,0\n");
        Files.writeString(m.resolve("ADMISSIONS.csv"), "\"ROW_ID\",\"SUBJECT_ID\",\"HADM_ID\",\"ADMITTIME\",\"DISCHTIME\","
                + "\"DEATHTIME\",\"ADMISSION_TYPE\",\"ADMISSION_LOCATION\",\"DISCHARGE_LOCATION\",\"INSURANCE\","
                + "\"LANGUAGE\",\"RELIGION\",\"MARITAL_STATUS\",\"ETHNICITY\",\"EDREGTIME\",\"EDOUTTIME\",\"DIAGNOSIS\","
                + "\"HOSPITAL_EXPIRE_FLAG\",\"HAS_CHARTEVENTS_DATA\"\n1,11,111,2160-01-01 00:00:00,2160-01-04 00:00:00,,"
                + "\"EMERGENCY\",\"EMERGENCY ROOM ADMIT\",\"HOME\",\"Medicare\",\"ENGL\",\"CATHOLIC\",\"MARRIED\","
                + "\"WHITE\",,,\"SEPSIS\",0,1\n");
        Files.writeString(m.resolve("DIAGNOSES_ICD.csv"), "\"ROW_ID\",\"SUBJECT_ID\",\"HADM_ID\",\"SEQ_NUM\","
                + "\"ICD9_CODE\"\n1,11,111,1,\"0389\"\n2,11,111,2,\"4019\"\n3,11,111,,\n" + extraDiagnosisRow);
        Files.writeString(m.resolve("PROCEDURES_ICD.csv"), "\"ROW_ID\",\"SUBJECT_ID\",\"HADM_ID\",\"SEQ_NUM\","
                + "\"ICD9_CODE\"\n1,11,111,1,\"3893\"\n");
        Files.writeString(m.resolve("D_ICD_DIAGNOSES.csv"), "\"ROW_ID\",\"ICD9_CODE\",\"SHORT_TITLE\",\"LONG_TITLE\"\n"
                + "1,\"0389\",\"Septicemia NOS\",\"Unspecified septicemia\"\n");
        Files.writeString(m.resolve("D_ICD_PROCEDURES.csv"), "\"ROW_ID\",\"ICD9_CODE\",\"SHORT_TITLE\",\"LONG_TITLE\"\n"
                + "1,\"3893\",\"Venous cath NEC\",\"Venous catheterization, not elsewhere classified\"\n");
        Files.writeString(m.resolve("NOTEEVENTS.csv"), "\"ROW_ID\",\"SUBJECT_ID\",\"HADM_ID\",\"CHARTDATE\",\"CHARTTIME\","
                + "\"STORETIME\",\"CATEGORY\",\"DESCRIPTION\",\"CGID\",\"ISERROR\",\"TEXT\"\n"
                + "1,11,111,2160-01-05,,,\"Discharge summary\",\"Addendum\",,,\"Addendum: \"\"meds\"\" fixed.\"\n"
                + "2,11,111,2160-01-04,,,\"Discharge summary\",\"Report\",,,\"Sepsis, HTN.\nPICC placed.\"\n"
                + "3,11,111,2160-01-04,,,\"Discharge summary\",\"Report\",,1,\"wrong patient\"\n"
                + "4,11,111,2160-01-02,2160-01-02 10:00:00,,\"Radiology\",\"CHEST\",15000,,\"No acute process.\"\n");
        return m;
    }

    @Test
    void mimicIiiNoteIsTheReportThenItsAddendaWithoutNotesInError() throws Exception {
        ImportReport r = MimicImport.builder(tinyMimicIii(""), MimicVersion.MIMIC_III).outputDir(dir.resolve("db"))
                .build().run();
        assertEquals(List.of("Sepsis, HTN.\nPICC placed.\n\nAddendum: \"meds\" fixed."),
                query(r.database(), "SELECT note_text FROM admission_facts"));
        assertEquals(List.of(Arrays.asList("038.9", "401.9")), query(r.database(),
                "SELECT diagnosis_codes FROM admission_facts"));
        assertEquals(List.of(List.of("38.93")), query(r.database(), "SELECT procedure_codes FROM admission_facts"));
        assertEquals(3L, r.tableRows().get("mimiciii.noteevents"), "only discharge summaries are kept");
        assertTrue(r.malformed().isEmpty());
    }

    @Test
    void malformedRowsAreCountedAndShownNotDroppedSilently() throws Exception {
        ImportReport r = MimicImport.builder(tinyMimicIii("4,11,abc,3,\"486\"\n5,11,111,x,\"4280\"\n"),
                MimicVersion.MIMIC_III).outputDir(dir.resolve("db")).build().run();
        assertEquals(1, r.malformed().size(), r.malformed().toString());
        MalformedRows m = r.malformed().get(0);
        assertEquals("DIAGNOSES_ICD.csv", m.file());
        assertEquals(2, m.count());
        assertTrue(m.examples().get(0).startsWith("line 5 (hadm_id): CAST"), m.examples().toString());
        assertTrue(m.examples().get(0).endsWith("4,11,abc,3,\"486\""), m.examples().toString());
        assertEquals(2L, r.malformedRows());
    }

    @Test
    void aRowWithABrokenQuoteIsReportedWithItsLineAndSkipped() throws Exception {
        // Line 5 opens a quote it never closes; the rows before and after it are fine.
        ImportReport r = MimicImport.builder(tinyMimicIii("4,11,111,3,\"486\n5,11,111,4,\"4280\"\n"),
                MimicVersion.MIMIC_III).outputDir(dir.resolve("db")).build().run();
        assertEquals(1, r.malformed().size(), r.malformed().toString());
        MalformedRows m = r.malformed().get(0);
        assertEquals("DIAGNOSES_ICD.csv", m.file());
        // The open quote runs on to the next quote, so the two lines are one rejected row, shown on one line.
        assertEquals(1, m.count(), m.toString());
        assertEquals(List.of("line 5 (icd9_code): UNQUOTED VALUE: 4,11,111,3,\"486\\n5,11,111,4,\"4280\""),
                m.examples());
        assertEquals(List.of(Arrays.asList("038.9", "401.9")), query(r.database(),
                "SELECT diagnosis_codes FROM admission_facts"), "the good rows were loaded");
    }

    @Test
    void duckDbsErrorReachesTheUserAsOneLineWithoutItsWrapper() {
        java.sql.SQLException e = new java.sql.SQLException("Invalid Input Error: Attempting to execute an "
                + "unsuccessful or closed pending query result\nError: Invalid Input Error: Error when sniffing file "
                + "\"/m/DIAGNOSES_ICD.csv\".\n* Set skip (skip=${n}) to skip ${n} lines at the top of the file\n"
                + "* Be sure that the maximum line size is set to an appropriate value\n");
        assertEquals("Invalid Input Error: Error when sniffing file \"/m/DIAGNOSES_ICD.csv\".",
                MimicImport.driverMessage(e));
    }

    @Test
    void missingFilesAreListedWithWhatTheVersionNeeds() throws Exception {
        Path m = tinyMimicIii("");
        Files.delete(m.resolve("NOTEEVENTS.csv"));
        Files.delete(m.resolve("D_ICD_PROCEDURES.csv"));
        MimicInputException e = assertThrows(MimicInputException.class,
                () -> MimicImport.builder(m, MimicVersion.MIMIC_III).outputDir(dir.resolve("db")).build().run());
        assertEquals(List.of("D_ICD_PROCEDURES.csv.gz", "NOTEEVENTS.csv.gz"), e.missing().stream().sorted().toList());
        assertEquals(m + " lacks 2 of the 7 files mimic-iii needs: missing NOTEEVENTS.csv.gz, D_ICD_PROCEDURES.csv.gz; "
                + "needed PATIENTS.csv.gz, ADMISSIONS.csv.gz, DIAGNOSES_ICD.csv.gz, PROCEDURES_ICD.csv.gz, "
                + "D_ICD_DIAGNOSES.csv.gz, D_ICD_PROCEDURES.csv.gz, NOTEEVENTS.csv.gz (.csv also works)", e.getMessage());
        assertFalse(Files.exists(dir.resolve("db").resolve("mimic-dataset.duckdb")), "nothing is written");
    }

    @Test
    void aFolderOfTheOtherVersionIsRecognizedAndNamed() throws Exception {
        Path iv = tinyMimicIv();
        MimicInputException e = assertThrows(MimicInputException.class,
                () -> MimicImport.builder(iv, MimicVersion.MIMIC_III).build().run());
        assertEquals(iv + " is a mimic-iv folder (it has hosp/admissions.csv), not mimic-iii; pass --dataset-version "
                + "mimic-iv", e.getMessage());
        Path iii = tinyMimicIii("");
        e = assertThrows(MimicInputException.class, () -> MimicImport.builder(iii, MimicVersion.MIMIC_IV).build().run());
        assertEquals(iii + " is a mimic-iii folder (it has ADMISSIONS.csv), not mimic-iv; pass --dataset-version "
                + "mimic-iii", e.getMessage());
        e = assertThrows(MimicInputException.class,
                () -> MimicImport.builder(iv.resolve("hosp"), MimicVersion.MIMIC_IV).build().run());
        assertTrue(e.getMessage().contains("looks like MIMIC-IV's hosp/ folder itself"), e.getMessage());
    }

    @Test
    void aHeaderThatIsNotTheReleasesIsNamed() throws Exception {
        Path m = tinyMimicIv();
        Files.writeString(m.resolve("hosp/diagnoses_icd.csv"), "subject_id,hadm_id,icd_code\n1,2,I10\n");
        MimicInputException e = assertThrows(MimicInputException.class,
                () -> MimicImport.builder(m, MimicVersion.MIMIC_IV).outputDir(dir.resolve("db")).build().run());
        assertEquals(m.resolve("hosp/diagnoses_icd.csv") + " has the columns [subject_id, hadm_id, icd_code], not "
                + "those of mimic-iv's hosp/diagnoses_icd: [subject_id, hadm_id, seq_num, icd_code, icd_version]; use "
                + "the file as the release ships it", e.getMessage());
    }

    @Test
    void samplesSplitByPatientReproduciblyAndKeepsTablesUnlessDropped() throws Exception {
        Path release = dir.resolve("synthetic");
        SyntheticMimic.builder(MimicVersion.MIMIC_III).patients(120).seed(5).build().write(release);
        ImportReport r = MimicImport.builder(release, MimicVersion.MIMIC_III).outputDir(dir.resolve("a"))
                .numSamples(60).seed(9).build().run();
        assertEquals(60, r.sampledPatients());
        Path db = r.database();
        assertEquals(List.of(60L), query(db, "SELECT count(*) FROM mimiciii.patients"));
        assertEquals(List.of(0L), query(db, "SELECT count(*) FROM mimiciii.diagnoses_icd WHERE subject_id NOT IN "
                + "(SELECT subject_id FROM mimiciii.patients)"));
        Map<String, Set<Object>> patients = new LinkedHashMap<>();
        long total = 0;
        for (String split : MimicImport.SPLITS) {
            patients.put(split, new HashSet<>(query(db, "SELECT DISTINCT subject_id FROM split_" + split)));
            assertEquals(List.of(r.splitSizes().get(split)), query(db, "SELECT count(*) FROM split_" + split), split);
            total += r.splitSizes().get(split);
        }
        assertEquals(r.facts(), total, "every admission is in one split");
        assertEquals(List.of(r.facts()), query(db, "SELECT count(*) FROM admission_facts"));
        assertEquals(48, patients.get("train").size(), "80% of 60 patients");
        assertEquals(6, patients.get("validation").size());
        assertEquals(6, patients.get("test").size());
        Set<Object> all = new HashSet<>();
        patients.values().forEach(all::addAll);
        assertEquals(60, all.size(), "no patient is in two splits");

        ImportReport again = MimicImport.builder(release, MimicVersion.MIMIC_III).outputDir(dir.resolve("b"))
                .numSamples(60).seed(9).build().run();
        assertEquals(query(db, "SELECT subject_id || split FROM patient_splits ORDER BY 1"),
                query(again.database(), "SELECT subject_id || split FROM patient_splits ORDER BY 1"), "same seed");

        ImportReport kept = MimicImport.builder(release, MimicVersion.MIMIC_III).outputDir(dir.resolve("a"))
                .numSamples(10).seed(9).build().run();
        assertEquals(7, kept.keptTables().size());
        assertEquals(List.of(60L), query(db, "SELECT count(*) FROM mimiciii.patients"), "kept without --drop");
        ImportReport dropped = MimicImport.builder(release, MimicVersion.MIMIC_III).outputDir(dir.resolve("a"))
                .numSamples(10).seed(9).drop(true).build().run();
        assertEquals(10, dropped.sampledPatients());
        assertEquals(List.of(10L), query(db, "SELECT count(*) FROM mimiciii.patients"));
    }
}
