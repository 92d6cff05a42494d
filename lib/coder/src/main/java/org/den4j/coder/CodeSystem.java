package org.den4j.coder;

import java.util.Locale;

/** The four code systems of MIMIC: diagnoses and procedures in ICD-9 and ICD-10. */
public enum CodeSystem {
    ICD9_CM("ICD-9-CM", IcdVersion.ICD9, false),
    ICD9_PROC("ICD-9-PROC", IcdVersion.ICD9, true),
    ICD10_CM("ICD-10-CM", IcdVersion.ICD10, false),
    ICD10_PCS("ICD-10-PCS", IcdVersion.ICD10, true);

    private final String label;
    private final IcdVersion version;
    private final boolean procedure;

    CodeSystem(String label, IcdVersion version, boolean procedure) {
        this.label = label;
        this.version = version;
        this.procedure = procedure;
    }

    /** The name written in JSON ({@code "system"}) and in dictionaries, e.g. {@code ICD-10-CM}. */
    public String label() {
        return label;
    }

    public IcdVersion version() {
        return version;
    }

    /** Whether codes of this system are procedures (else diagnoses). */
    public boolean isProcedure() {
        return procedure;
    }

    /** The system of a version's diagnoses or procedures. */
    public static CodeSystem of(IcdVersion version, boolean procedure) {
        return version == IcdVersion.ICD9 ? (procedure ? ICD9_PROC : ICD9_CM) : (procedure ? ICD10_PCS : ICD10_CM);
    }

    /** The system with this label (as {@link #label()}, case-insensitive). */
    public static CodeSystem parse(String label) {
        for (CodeSystem s : values()) {
            if (s.label.equalsIgnoreCase(label.strip()) || s.name().equalsIgnoreCase(label.strip())) {
                return s;
            }
        }
        throw new CoderInputException("Unknown code system label '" + label + "'; expected one of ICD-9-CM, "
                + "ICD-9-PROC, ICD-10-CM, ICD-10-PCS");
    }

    @Override
    public String toString() {
        return label.toUpperCase(Locale.ROOT);
    }
}
