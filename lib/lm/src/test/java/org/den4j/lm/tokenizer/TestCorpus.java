package org.den4j.lm.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small deterministic clinical-style notes for tokenizer and model tests. */
public final class TestCorpus {
    private static final String[] SUBJECTS = {"Patient", "The patient", "Pt", "She", "He", "This 67-year-old man",
        "This 45 yo woman"};
    private static final String[] VERBS = {"was admitted with", "presented with", "denies", "reports", "was treated for",
        "has a history of", "was discharged after"};
    private static final String[] FINDINGS = {"chest pain", "shortness of breath", "acute kidney injury",
        "pneumonia", "atrial fibrillation", "hypertension", "type 2 diabetes mellitus", "sepsis", "COPD exacerbation",
        "congestive heart failure", "urinary tract infection", "fever of 38.5 C", "BP 142/91", "HR 110"};
    private static final String[] PLANS = {"Started on ceftriaxone 1 g IV daily.", "Continue metoprolol 25 mg PO BID.",
        "Follow up with cardiology in 2 weeks.", "Labs: Na 138, K 4.1, Cr 1.9.", "CXR: bilateral infiltrates.",
        "No acute distress.", "Discharged home in stable condition."};

    private TestCorpus() {
    }

    /** {@code count} notes from a fixed seed. */
    public static List<String> notes(int count) {
        Random random = new Random(42);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder b = new StringBuilder();
            int sentences = 2 + random.nextInt(4);
            for (int s = 0; s < sentences; s++) {
                b.append(pick(random, SUBJECTS)).append(' ').append(pick(random, VERBS)).append(' ')
                        .append(pick(random, FINDINGS)).append(". ").append(pick(random, PLANS));
                b.append(random.nextInt(5) == 0 ? "\n\n" : " ");
            }
            notes.add(b.toString().strip());
        }
        return notes;
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }
}
