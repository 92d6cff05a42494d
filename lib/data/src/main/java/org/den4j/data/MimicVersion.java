package org.den4j.data;

import java.util.List;
import java.util.Locale;

/** A MIMIC release layout: MIMIC-III v1.4, or MIMIC-IV (hosp module) with MIMIC-IV-Note. */
public enum MimicVersion {
    /** MIMIC-III v1.4: upper-case {@code NOTEEVENTS.csv.gz} and friends in one folder, ICD-9 only. */
    MIMIC_III("mimic-iii", List.of("PATIENTS", "ADMISSIONS", "DIAGNOSES_ICD", "PROCEDURES_ICD", "D_ICD_DIAGNOSES",
            "D_ICD_PROCEDURES", "NOTEEVENTS")),
    /** MIMIC-IV: lower-case {@code hosp/*.csv.gz} and {@code note/discharge.csv.gz}, ICD-9 and ICD-10. */
    MIMIC_IV("mimic-iv", List.of("hosp/patients", "hosp/admissions", "hosp/diagnoses_icd", "hosp/procedures_icd",
            "hosp/d_icd_diagnoses", "hosp/d_icd_procedures", "note/discharge"));

    private final String id;
    private final List<String> tables;

    MimicVersion(String id, List<String> tables) {
        this.id = id;
        this.tables = tables;
    }

    /** The name used on command lines: {@code mimic-iii} or {@code mimic-iv}. */
    public String id() {
        return id;
    }

    /** The files a load needs, relative to the release folder and without {@code .csv} or {@code .csv.gz}. */
    public List<String> files() {
        return tables;
    }

    /**
     * The version named {@code mimic-iii} or {@code mimic-iv} (also {@code iii}, {@code iv}, {@code 3},
     * {@code 4}, any case).
     *
     * @throws DataException naming the value and the accepted ones
     */
    public static MimicVersion parse(String text) {
        String v = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace("_", "-");
        switch (v) {
            case "mimic-iii", "mimiciii", "iii", "3":
                return MIMIC_III;
            case "mimic-iv", "mimiciv", "iv", "4":
                return MIMIC_IV;
            default:
                throw new DataInputException("'" + text + "' is not a MIMIC version; use mimic-iii or mimic-iv");
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
