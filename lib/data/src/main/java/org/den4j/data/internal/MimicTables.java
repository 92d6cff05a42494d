package org.den4j.data.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.den4j.data.MimicVersion;

/** The source tables of each MIMIC release: file, DuckDB table, and the columns with their types. */
public final class MimicTables {
    private MimicTables() {
    }

    /**
     * One column.
     *
     * @param header the name in the file's header, such as {@code SUBJECT_ID}
     * @param name the name in DuckDB, lower case
     * @param type the DuckDB type; codes are VARCHAR so leading zeros stay
     */
    public record Column(String header, String name, String type) {
    }

    /**
     * One source table.
     *
     * @param file the file without {@code .csv} / {@code .csv.gz}, relative to the release folder
     * @param schema the DuckDB schema, such as {@code mimiciii} or {@code mimiciv_hosp}
     * @param table the DuckDB table, lower case
     * @param columns the columns in file order
     * @param perPatient true when rows belong to a patient (filtered by {@code --num-samples})
     */
    public record Table(String file, String schema, String table, List<Column> columns, boolean perPatient) {
        /** {@code schema.table}. */
        public String qualified() {
            return schema + "." + table;
        }

        /** The header names, in order. */
        public List<String> headers() {
            return columns.stream().map(Column::header).toList();
        }
    }

    private static Table table(String file, String schema, boolean perPatient, String spec) {
        List<Column> cols = new ArrayList<>();
        for (String c : spec.split(",")) {
            String[] p = c.strip().split(" ");
            cols.add(new Column(p[0], p[0].toLowerCase(Locale.ROOT), p[1]));
        }
        String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return new Table(file, schema, name, List.copyOf(cols), perPatient);
    }

    /** The notes table first (a sample is drawn from it), then the others. */
    public static List<Table> of(MimicVersion version) {
        if (version == MimicVersion.MIMIC_III) {
            String s = "mimiciii";
            return List.of(
                    table("NOTEEVENTS", s, true, "ROW_ID INTEGER, SUBJECT_ID BIGINT, HADM_ID BIGINT, CHARTDATE DATE, "
                            + "CHARTTIME TIMESTAMP, STORETIME TIMESTAMP, CATEGORY VARCHAR, DESCRIPTION VARCHAR, "
                            + "CGID INTEGER, ISERROR VARCHAR, TEXT VARCHAR"),
                    table("PATIENTS", s, true, "ROW_ID INTEGER, SUBJECT_ID BIGINT, GENDER VARCHAR, DOB TIMESTAMP, "
                            + "DOD TIMESTAMP, DOD_HOSP TIMESTAMP, DOD_SSN TIMESTAMP, EXPIRE_FLAG SMALLINT"),
                    table("ADMISSIONS", s, true, "ROW_ID INTEGER, SUBJECT_ID BIGINT, HADM_ID BIGINT, "
                            + "ADMITTIME TIMESTAMP, DISCHTIME TIMESTAMP, DEATHTIME TIMESTAMP, ADMISSION_TYPE VARCHAR, "
                            + "ADMISSION_LOCATION VARCHAR, DISCHARGE_LOCATION VARCHAR, INSURANCE VARCHAR, "
                            + "LANGUAGE VARCHAR, RELIGION VARCHAR, MARITAL_STATUS VARCHAR, ETHNICITY VARCHAR, "
                            + "EDREGTIME TIMESTAMP, EDOUTTIME TIMESTAMP, DIAGNOSIS VARCHAR, "
                            + "HOSPITAL_EXPIRE_FLAG SMALLINT, HAS_CHARTEVENTS_DATA SMALLINT"),
                    table("DIAGNOSES_ICD", s, true, "ROW_ID INTEGER, SUBJECT_ID BIGINT, HADM_ID BIGINT, "
                            + "SEQ_NUM INTEGER, ICD9_CODE VARCHAR"),
                    table("PROCEDURES_ICD", s, true, "ROW_ID INTEGER, SUBJECT_ID BIGINT, HADM_ID BIGINT, "
                            + "SEQ_NUM INTEGER, ICD9_CODE VARCHAR"),
                    table("D_ICD_DIAGNOSES", s, false, "ROW_ID INTEGER, ICD9_CODE VARCHAR, SHORT_TITLE VARCHAR, "
                            + "LONG_TITLE VARCHAR"),
                    table("D_ICD_PROCEDURES", s, false, "ROW_ID INTEGER, ICD9_CODE VARCHAR, SHORT_TITLE VARCHAR, "
                            + "LONG_TITLE VARCHAR"));
        }
        String h = "mimiciv_hosp";
        return List.of(
                table("note/discharge", "mimiciv_note", true, "note_id VARCHAR, subject_id BIGINT, hadm_id BIGINT, "
                        + "note_type VARCHAR, note_seq INTEGER, charttime TIMESTAMP, storetime TIMESTAMP, "
                        + "text VARCHAR"),
                table("hosp/patients", h, true, "subject_id BIGINT, gender VARCHAR, anchor_age INTEGER, "
                        + "anchor_year INTEGER, anchor_year_group VARCHAR, dod DATE"),
                table("hosp/admissions", h, true, "subject_id BIGINT, hadm_id BIGINT, admittime TIMESTAMP, "
                        + "dischtime TIMESTAMP, deathtime TIMESTAMP, admission_type VARCHAR, admit_provider_id VARCHAR, "
                        + "admission_location VARCHAR, discharge_location VARCHAR, insurance VARCHAR, language VARCHAR, "
                        + "marital_status VARCHAR, race VARCHAR, edregtime TIMESTAMP, edouttime TIMESTAMP, "
                        + "hospital_expire_flag SMALLINT"),
                table("hosp/diagnoses_icd", h, true, "subject_id BIGINT, hadm_id BIGINT, seq_num INTEGER, "
                        + "icd_code VARCHAR, icd_version INTEGER"),
                table("hosp/procedures_icd", h, true, "subject_id BIGINT, hadm_id BIGINT, seq_num INTEGER, "
                        + "chartdate DATE, icd_code VARCHAR, icd_version INTEGER"),
                table("hosp/d_icd_diagnoses", h, false, "icd_code VARCHAR, icd_version INTEGER, long_title VARCHAR"),
                table("hosp/d_icd_procedures", h, false, "icd_code VARCHAR, icd_version INTEGER, long_title VARCHAR"));
    }

    /**
     * SQL for the dotted form of a code: ICD-9 diagnoses after 3 characters (4 for E-codes), ICD-9
     * procedures after 2, ICD-10-CM after 3, ICD-10-PCS never.
     */
    public static String dotted(String code, String version, boolean procedure) {
        String split = procedure
                ? "CASE WHEN " + version + " = 9 THEN 2 ELSE 0 END"
                : "CASE WHEN " + version + " = 9 AND " + code + " LIKE 'E%' THEN 4 ELSE 3 END";
        return "CASE WHEN (" + split + ") > 0 AND length(" + code + ") > (" + split + ") THEN " + code + "[1:("
                + split + ")] || '.' || " + code + "[(" + split + ") + 1:] ELSE " + code + " END";
    }
}
