package org.den4j.loop;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Short synthetic clinical notes with ICD-10 codes, for the notebook, the benchmark and tests: each code has a
 * handful of words that signal it; a note mixes its codes' words with common words and, now and then, a word of
 * another code, so a classifier has something to learn and something to get wrong.
 */
public final class SyntheticNotes {
    private static final String[][] CODES = {
        {"I10", "hypertension", "elevated", "blood", "pressure", "amlodipine", "lisinopril"},
        {"E11", "diabetes", "glucose", "metformin", "insulin", "hba1c", "hyperglycemia"},
        {"J18", "pneumonia", "cough", "infiltrate", "fever", "sputum", "consolidation"},
        {"N18", "kidney", "creatinine", "ckd", "egfr", "renal", "dialysis"},
        {"I50", "heart", "failure", "edema", "furosemide", "ejection", "bnp"},
        {"J44", "copd", "wheezing", "emphysema", "inhaler", "spirometry", "tiotropium"},
        {"F32", "depression", "mood", "sertraline", "anhedonia", "phq9", "insomnia"},
        {"K21", "reflux", "heartburn", "omeprazole", "gerd", "esophagitis", "dyspepsia"},
    };
    private static final String[] COMMON = ("patient presents with history of the and was seen today for follow up "
            + "reports denies noted exam unremarkable plan continue current medication return clinic weeks vitals "
            + "stable afebrile alert oriented review systems negative otherwise labs pending discussed with family "
            + "admitted discharged home improved condition appointment scheduled nurse physician assessment").split(" ");

    private SyntheticNotes() {
    }

    /**
     * A note and its codes.
     *
     * @param text the note
     * @param codes its ICD-10 codes
     */
    public record Note(String text, Set<String> codes) {
    }

    /** The codes notes may carry. */
    public static List<String> codes() {
        List<String> out = new ArrayList<>();
        for (String[] c : CODES) {
            out.add(c[0]);
        }
        return out;
    }

    /**
     * {@code n} notes from {@code seed}; with {@code multiLabel} a note has one to three codes, else one.
     */
    public static List<Note> generate(int n, long seed, boolean multiLabel) {
        Random random = new Random(seed);
        List<Note> notes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = multiLabel ? 1 + (random.nextDouble() < 0.5 ? 0 : random.nextDouble() < 0.6 ? 1 : 2) : 1;
            Set<String> codes = new LinkedHashSet<>();
            List<String> words = new ArrayList<>();
            while (codes.size() < k) {
                // a skewed choice: the first codes are more frequent, as in real coding
                int c = Math.min(CODES.length - 1, (int) Math.floor(Math.abs(random.nextGaussian()) * 3));
                if (codes.add(CODES[c][0])) {
                    for (int w = 0; w < 2; w++) {
                        words.add(CODES[c][1 + random.nextInt(CODES[c].length - 1)]);
                    }
                }
            }
            if (random.nextDouble() < 0.35) {
                String[] other = CODES[random.nextInt(CODES.length)];
                words.add(other[1 + random.nextInt(other.length - 1)]);
            }
            for (int w = 0; w < 8; w++) {
                words.add(COMMON[random.nextInt(COMMON.length)]);
            }
            java.util.Collections.shuffle(words, random);
            notes.add(new Note("Note " + seed + "-" + i + ": " + String.join(" ", words) + ".", codes));
        }
        return notes;
    }
}
