package org.den4j.data.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The real ICD-9-CM and ICD-10-CM/PCS codes the synthetic MIMIC uses, with their official titles and the
 * phrases that name them in notes; read from {@code icd-conditions.txt} beside this class.
 */
public final class IcdCatalog {
    private static final String RESOURCE = "icd-conditions.txt";
    private final List<Condition> diagnoses;
    private final List<Condition> procedures;

    /**
     * A diagnosis or procedure with its code in each system, most frequent first.
     *
     * @param procedure true for a procedure, false for a diagnosis
     * @param icd9 the ICD-9-CM code without dots, or empty
     * @param icd9Short the ICD-9-CM short title (at most 24 characters)
     * @param icd9Long the ICD-9-CM long title
     * @param icd10 the ICD-10-CM (diagnoses) or ICD-10-PCS (procedures) code without dots, or empty
     * @param icd10Long the ICD-10 long title
     * @param phrases how a note names it; the first is the plain name
     * @param medications medications a note lists for it, possibly none
     * @param rank 1 for the most frequent
     */
    public record Condition(boolean procedure, String icd9, String icd9Short, String icd9Long, String icd10,
            String icd10Long, List<String> phrases, List<String> medications, int rank) {
        /** The code in the system, or empty when the condition has none there. */
        public String code(int icdVersion) {
            return icdVersion == 9 ? icd9 : icd10;
        }

        /** The plain name, as the first phrase. */
        public String name() {
            return phrases.get(0);
        }
    }

    private IcdCatalog(List<Condition> diagnoses, List<Condition> procedures) {
        this.diagnoses = List.copyOf(diagnoses);
        this.procedures = List.copyOf(procedures);
    }

    /** Reads the catalog shipped with the module. */
    public static IcdCatalog load() {
        List<Condition> dx = new ArrayList<>();
        List<Condition> px = new ArrayList<>();
        try (InputStream in = IcdCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the den4j-data jar; rebuild it");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\|", -1);
                if (f.length != 8) {
                    throw new IllegalStateException(RESOURCE + ": expected 8 fields in " + line);
                }
                boolean procedure = f[0].equals("px");
                List<Condition> target = procedure ? px : dx;
                target.add(new Condition(procedure, f[1], f[2], f[3], f[4], f[5], split(f[6]), split(f[7]),
                        target.size() + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new IcdCatalog(dx, px);
    }

    private static List<String> split(String field) {
        return field.isEmpty() ? List.of() : Arrays.stream(field.split(";")).map(String::strip).toList();
    }

    /** The diagnoses, most frequent first. */
    public List<Condition> diagnoses() {
        return diagnoses;
    }

    /** The procedures, most frequent first. */
    public List<Condition> procedures() {
        return procedures;
    }
}
