package org.den4j.coder;

import java.util.Locale;

/** The ICD revision of an admission or an answer: MIMIC-IV mixes both, an answer never does. */
public enum IcdVersion {
    ICD9("icd9", 9),
    ICD10("icd10", 10);

    private final String id;
    private final int number;

    IcdVersion(String id, int number) {
        this.id = id;
        this.number = number;
    }

    /** The name used in flags, JSON and the data ({@code icd9}, {@code icd10}). */
    public String id() {
        return id;
    }

    /** 9 or 10, as MIMIC's {@code icd_version} column. */
    public int number() {
        return number;
    }

    /** The version named {@code icd9}/{@code icd10} (also {@code 9}, {@code 10}, {@code ICD-10}); case-insensitive. */
    public static IcdVersion parse(String value) {
        if (value != null) {
            String v = value.strip().toLowerCase(Locale.ROOT).replace("-", "");
            for (IcdVersion version : values()) {
                if (v.equals(version.id) || v.equals(String.valueOf(version.number))) {
                    return version;
                }
            }
        }
        throw new CoderInputException("Unknown code system '" + value + "'; use icd10 or icd9");
    }

    /** The version of MIMIC's {@code icd_version} number. */
    public static IcdVersion of(int number) {
        return switch (number) {
            case 9 -> ICD9;
            case 10 -> ICD10;
            default -> throw new CoderInputException("Unknown ICD version " + number + "; MIMIC uses 9 or 10");
        };
    }
}
