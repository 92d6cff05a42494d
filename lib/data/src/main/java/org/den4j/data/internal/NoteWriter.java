package org.den4j.data.internal;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.den4j.data.internal.IcdCatalog.Condition;

/**
 * Writes a discharge summary in the style of MIMIC's: the usual sections, abbreviations, medications with
 * MIMIC's "Sig:" lines, de-identified spans ({@code [**...**]} in MIMIC-III, {@code ___} in MIMIC-IV).
 *
 * <p>Every coded diagnosis and procedure is named at least once, by one of its phrases (synonyms and
 * abbreviations vary). The distractors are named too, but only negated ("no history of"), as family history,
 * or as ruled out: they must not be coded.
 */
public final class NoteWriter {
    /** What one discharge summary is about. */
    public record Admission(boolean mimicIv, String sex, int age, LocalDate dateOfBirth, LocalDateTime admitTime,
            LocalDateTime dischargeTime, String service, List<Condition> diagnoses, List<Condition> procedures,
            List<Condition> distractors, String dischargeLocation) {
    }

    /**
     * A condition the note names but that must not be coded.
     *
     * @param condition the condition
     * @param kind {@code negated}, {@code family} (family history) or {@code ruled_out}
     * @param phrase the words the note uses for it
     */
    public record UncodedMention(Condition condition, String kind, String phrase) {
        public static final String NEGATED = "negated";
        public static final String FAMILY = "family";
        public static final String RULED_OUT = "ruled_out";
    }

    /**
     * A written discharge summary.
     *
     * @param text the note
     * @param uncoded the distractors it names, in the order it names them, with how each is named
     */
    public record Note(String text, List<UncodedMention> uncoded) {
        public Note {
            uncoded = List.copyOf(uncoded);
        }
    }

    private static final String[] ALLERGIES = {"No Known Allergies / Adverse Drug Reactions", "Penicillins",
        "Sulfa (Sulfonamide Antibiotics)", "Codeine", "lisinopril", "Iodine; Iodine Containing", "Morphine",
        "Patient recorded as having No Known Allergies to Drugs"};
    private static final String[] ARRIVALS = {"presents to the ED with", "was brought in by EMS with",
        "was transferred from an outside hospital with", "presented to clinic and was sent in for",
        "presents with several days of"};
    private static final String[] NEGATIONS = {"No history of %s.", "Denies any history of %s.",
        "Pt denies %s.", "Negative for %s.", "No known %s.", "There is no evidence of %s."};
    private static final String[] FAMILY = {"Mother with %s.", "Father had %s.", "Brother with %s.",
        "Family history notable for %s in her mother.", "FHx: sister with %s.", "Paternal grandfather with %s."};
    private static final String[] RULE_OUTS = {"Initial concern for %s; however, workup was negative and this "
        + "was ruled out.", "%s was considered but ruled out.", "r/o %s - negative.",
        "Evaluated for possible %s, which was excluded.", "Low suspicion for %s given the negative studies."};
    private static final String[] CONDITION_LINES = {"Pt was continued on home regimen for %s.",
        "%s: stable during this admission.", "Known %s, managed as below.", "Patient has a history of %s.",
        "Course c/b %s, which was treated.", "Noted to have %s on admission."};
    private static final String[] EXAM = {"GEN: NAD, A&Ox3", "GEN: Elderly appearing, in mild distress",
        "GEN: Alert, interactive, lying in bed"};
    private static final String[] LUNGS = {"LUNGS: CTAB, no wheezes, rales or rhonchi",
        "LUNGS: Bibasilar crackles", "LUNGS: Decreased breath sounds at the bases"};
    private static final String[] HEART = {"CV: RRR, normal S1 S2, no m/r/g", "CV: Irregularly irregular, no murmurs",
        "CV: Regular rate, II/VI systolic murmur at RUSB"};
    private static final String[] ABDOMEN = {"ABD: Soft, NT/ND, +BS", "ABD: Distended, mildly tender diffusely",
        "ABD: Soft, non-tender, no rebound or guarding"};
    private static final String[] CONDITIONS = {"Mental Status: Clear and coherent.\nLevel of Consciousness: Alert "
        + "and interactive.\nActivity Status: Ambulatory - Independent.", "Mental Status: Confused - sometimes.\n"
        + "Level of Consciousness: Alert and interactive.\nActivity Status: Ambulatory - requires assistance or aid "
        + "(walker or cane).", "Stable. Afebrile, tolerating a regular diet."};

    private final SplittableRandom random;

    /** @param random the seeded source of every choice; the same sequence writes the same notes */
    public NoteWriter(SplittableRandom random) {
        this.random = random;
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** A phrase for the condition: the plain name more often than a synonym or abbreviation. */
    private String mention(Condition c) {
        return random.nextInt(3) == 0 ? c.name() : pick(c.phrases());
    }

    private String date(LocalDate d, boolean mimicIv) {
        return mimicIv ? "___" : "[**" + d.getYear() + "-" + d.getMonthValue() + "-" + d.getDayOfMonth() + "**]";
    }

    private String name(boolean mimicIv) {
        return mimicIv ? "___" : "[**Name (NI) " + (100 + random.nextInt(9900)) + "**]";
    }

    /** The text of the discharge summary. */
    public String write(Admission a) {
        return writeNote(a).text();
    }

    /**
     * The discharge summary with the distractors it names. Recording them draws nothing from the random stream:
     * the text is the same as {@link #write}'s.
     */
    public Note writeNote(Admission a) {
        List<UncodedMention> uncoded = new ArrayList<>();
        boolean iv = a.mimicIv();
        String pronoun = a.sex().equals("F") ? "She" : "He";
        String sexWord = a.sex().equals("F") ? "female" : "male";
        List<Condition> dx = a.diagnoses();
        Condition primary = dx.get(0);
        List<Condition> chronic = dx.subList(1, dx.size());
        StringBuilder t = new StringBuilder(4096);
        if (iv) {
            t.append(" \nName:  ___                     Unit No:   ___\n \n");
        }
        t.append("Admission Date:  ").append(date(a.admitTime().toLocalDate(), iv))
                .append("              Discharge Date:   ").append(date(a.dischargeTime().toLocalDate(), iv))
                .append(iv ? "\n \n" : "\n\n");
        t.append("Date of Birth:  ").append(date(a.dateOfBirth(), iv)).append("             Sex:   ")
                .append(a.sex()).append(iv ? "\n \n" : "\n\n");
        t.append("Service: ").append(a.service()).append(iv ? "\n \n" : "\n\n");
        t.append("Allergies: \n").append(pick(ALLERGIES)).append("\n\n");
        t.append("Attending: ").append(iv ? "___." : "[**First Name3 (LF) " + (1000 + random.nextInt(9000)) + "**]")
                .append("\n\n");
        t.append("Chief Complaint:\n").append(chiefComplaint(primary)).append("\n\n");

        t.append("Major Surgical or Invasive Procedure:\n");
        if (a.procedures().isEmpty()) {
            t.append("None\n\n");
        } else {
            for (Condition p : a.procedures()) {
                t.append(capitalize(mention(p))).append('\n');
            }
            t.append('\n');
        }

        t.append("History of Present Illness:\n");
        t.append(a.age()).append(random.nextBoolean() ? " y/o " : "yo ").append(a.sex()).append(" with ");
        if (chronic.isEmpty()) {
            t.append("no significant past medical history");
        } else {
            t.append("PMH of ").append(join(chronic.subList(0, Math.min(4, chronic.size())).stream()
                    .map(this::mention).toList()));
        }
        t.append(" who ").append(pick(ARRIVALS)).append(' ').append(mention(primary)).append(". ");
        t.append(pronoun).append(" reports ").append(random.nextInt(2, 8)).append(" days of worsening symptoms. ");
        List<Condition> distractors = a.distractors();
        int d = 0;
        if (d < distractors.size()) {
            t.append(String.format(Locale.ROOT, pick(NEGATIONS), uncoded(uncoded, distractors.get(d++),
                    UncodedMention.NEGATED))).append(' ');
        }
        t.append("In the ED, initial VS were T ").append(String.format(Locale.ROOT, "%.1f", 97.0 + random.nextDouble() * 4))
                .append(" HR ").append(random.nextInt(60, 130)).append(" BP ").append(random.nextInt(90, 180))
                .append('/').append(random.nextInt(50, 100)).append(" RR ").append(random.nextInt(12, 30))
                .append(" O2 sat ").append(random.nextInt(85, 100)).append("% ")
                .append(random.nextBoolean() ? "RA" : "on 2L NC").append(". Labs were notable for ")
                .append(labSummary()).append(".\n\n");

        t.append("Past Medical History:\n");
        if (chronic.isEmpty()) {
            t.append("None.\n");
        }
        for (Condition c : chronic) {
            t.append(random.nextBoolean() ? "- " : "")
                    .append(capitalize(mention(c))).append('\n');
        }
        t.append('\n');

        t.append("Social History:\n").append(socialHistory(dx)).append("\n\n");
        t.append("Family History:\n");
        if (d < distractors.size()) {
            t.append(String.format(Locale.ROOT, pick(FAMILY), uncoded(uncoded, distractors.get(d++),
                    UncodedMention.FAMILY)));
        } else {
            t.append("Non-contributory.");
        }
        t.append("\n\n");

        t.append("Physical Exam:\nADMISSION EXAM:\nVS: T ")
                .append(String.format(Locale.ROOT, "%.1f", 97.5 + random.nextDouble() * 2)).append(" BP ")
                .append(random.nextInt(95, 170)).append('/').append(random.nextInt(55, 95)).append(" HR ")
                .append(random.nextInt(55, 115)).append(" RR ").append(random.nextInt(12, 24)).append(" O2 ")
                .append(random.nextInt(90, 100)).append("%RA\n").append(pick(EXAM)).append("\nHEENT: NCAT, MMM, "
                        + "EOMI\n").append(pick(HEART)).append('\n').append(pick(LUNGS)).append('\n')
                .append(pick(ABDOMEN)).append("\nEXT: ").append(random.nextBoolean() ? "WWP, no edema"
                        : "1+ pitting edema bilaterally").append("\nNEURO: CNII-XII intact, moving all extremities\n\n");

        t.append("Pertinent Results:\n");
        String when = iv ? "___ " : date(a.admitTime().toLocalDate(), false) + " ";
        t.append(when).append(String.format(Locale.ROOT, "%02d:%02dPM", random.nextInt(1, 12), random.nextInt(60)))
                .append(" BLOOD WBC-").append(String.format(Locale.ROOT, "%.1f", 3 + random.nextDouble() * 15))
                .append(" RBC-").append(String.format(Locale.ROOT, "%.2f", 3 + random.nextDouble() * 2))
                .append(" Hgb-").append(String.format(Locale.ROOT, "%.1f", 7 + random.nextDouble() * 8))
                .append(" Hct-").append(String.format(Locale.ROOT, "%.1f", 22 + random.nextDouble() * 22))
                .append(" Plt Ct-").append(random.nextInt(40, 450)).append('\n');
        t.append(when).append("BLOOD Glucose-").append(random.nextInt(60, 400)).append(" UreaN-")
                .append(random.nextInt(5, 90)).append(" Creat-")
                .append(String.format(Locale.ROOT, "%.1f", 0.5 + random.nextDouble() * 5)).append(" Na-")
                .append(random.nextInt(124, 150)).append(" K-")
                .append(String.format(Locale.ROOT, "%.1f", 2.8 + random.nextDouble() * 3)).append(" Cl-")
                .append(random.nextInt(90, 112)).append(" HCO3-").append(random.nextInt(12, 32)).append("\n\n");

        t.append("Brief Hospital Course:\n");
        t.append(a.age()).append(" y/o ").append(sexWord).append(" admitted with ").append(mention(primary))
                .append(".\n\n# ").append(capitalize(mention(primary))).append(": ").append(treatment(primary))
                .append('\n');
        for (Condition p : a.procedures()) {
            t.append("# s/p ").append(mention(p)).append(": ").append(random.nextBoolean()
                    ? "tolerated the procedure well without complications." : "performed on hospital day "
                    + random.nextInt(1, 6) + ".").append('\n');
        }
        if (d < distractors.size()) {
            t.append("# ").append(String.format(Locale.ROOT, pick(RULE_OUTS), uncoded(uncoded, distractors.get(d++),
                    UncodedMention.RULED_OUT))).append('\n');
        }
        for (Condition c : chronic) {
            t.append("# ").append(String.format(Locale.ROOT, pick(CONDITION_LINES), mention(c))).append('\n');
        }
        while (d < distractors.size()) {
            t.append(String.format(Locale.ROOT, pick(NEGATIONS), uncoded(uncoded, distractors.get(d++),
                    UncodedMention.NEGATED))).append('\n');
        }
        t.append('\n');

        List<String> meds = medications(dx, a.procedures());
        t.append("Medications on Admission:\n");
        int n = 1;
        for (String m : meds.subList(0, Math.max(0, meds.size() - 1))) {
            t.append(n++).append(". ").append(m).append('\n');
        }
        t.append("\nDischarge Medications:\n");
        n = 1;
        for (String m : meds) {
            t.append(n++).append(". ").append(sig(m)).append('\n');
        }
        t.append("\nDischarge Disposition:\n").append(a.dischargeLocation()).append("\n\n");
        t.append("Discharge Diagnosis:\nPrimary:\n").append(mention(primary)).append("\n\nSecondary:\n");
        for (Condition c : chronic) {
            t.append(mention(c)).append('\n');
        }
        t.append("\nDischarge Condition:\n").append(pick(CONDITIONS)).append("\n\n");
        t.append("Discharge Instructions:\nDear ").append(a.sex().equals("F") ? "Ms. " : "Mr. ")
                .append(name(iv)).append(",\n\nYou were admitted to the hospital for ").append(primary.name())
                .append(". Please take your medications as prescribed and keep your follow-up appointments. "
                        + "Call your doctor or return to the ED for fever > 101, chest pain, shortness of breath, or "
                        + "any other concerning symptoms.\n\n");
        t.append("Followup Instructions:\n").append(iv ? "___" : "[**Name6 (MD) " + (100 + random.nextInt(900))
                + "**] [**Name8 (MD) " + (100 + random.nextInt(900)) + "**] MD Phone: [**Telephone/Fax (1) "
                + (1000 + random.nextInt(9000)) + "**]").append('\n');
        return new Note(t.toString(), uncoded);
    }

    /** Records a distractor's mention and returns the phrase to write: its plain name. */
    private static String uncoded(List<UncodedMention> out, Condition c, String kind) {
        out.add(new UncodedMention(c, kind, c.name()));
        return c.name();
    }

    private String chiefComplaint(Condition primary) {
        String[] symptoms = {"shortness of breath", "chest pain", "fever", "abdominal pain", "weakness",
            "altered mental status", "fall", "nausea/vomiting", "dyspnea on exertion", "hypotension"};
        return random.nextInt(3) == 0 ? mention(primary) : pick(symptoms);
    }

    private String labSummary() {
        String[] labs = {"WBC " + random.nextInt(3, 25), "Cr " + String.format(Locale.ROOT, "%.1f",
            0.6 + random.nextDouble() * 4), "lactate " + String.format(Locale.ROOT, "%.1f", 0.8 + random.nextDouble()
            * 5), "trop " + String.format(Locale.ROOT, "%.2f", random.nextDouble()), "Hgb " + String.format(
            Locale.ROOT, "%.1f", 6 + random.nextDouble() * 9), "BNP " + random.nextInt(50, 4000)};
        return pick(labs) + ", " + pick(labs);
    }

    private String socialHistory(List<Condition> dx) {
        Set<String> codes = new LinkedHashSet<>();
        for (Condition c : dx) {
            codes.add(c.icd9());
        }
        List<String> parts = new ArrayList<>();
        parts.add(random.nextBoolean() ? "Lives with " + (random.nextBoolean() ? "wife" : "husband") + "."
                : "Lives alone in an apartment.");
        if (!codes.contains("3051") && !codes.contains("V1582")) {
            parts.add(random.nextBoolean() ? "Tobacco: never." : "Never smoker.");
        }
        if (!codes.contains("30500") && !codes.contains("30390") && !codes.contains("29181")) {
            parts.add(random.nextBoolean() ? "EtOH: social." : "Denies EtOH or illicit drug use.");
        }
        return String.join("\n", parts);
    }

    private String treatment(Condition c) {
        if (!c.medications().isEmpty()) {
            return "treated with " + c.medications().get(0) + ", with improvement.";
        }
        String[] options = {"managed supportively with improvement.", "improved with IV fluids and close "
            + "monitoring.", "followed by the consulting team; resolved by discharge.", "treated and monitored on "
            + "telemetry; stable at discharge."};
        return pick(options);
    }

    private List<String> medications(List<Condition> dx, List<Condition> px) {
        Set<String> meds = new LinkedHashSet<>();
        for (Condition c : dx) {
            meds.addAll(c.medications());
        }
        for (Condition c : px) {
            meds.addAll(c.medications());
        }
        if (meds.isEmpty()) {
            meds.add("acetaminophen 650 mg PO Q6H PRN pain");
        }
        meds.add(random.nextBoolean() ? "docusate sodium 100 mg PO BID" : "senna 8.6 mg PO BID PRN constipation");
        return new ArrayList<>(meds);
    }

    private static String sig(String med) {
        // "metoprolol tartrate 25 mg PO BID" -> "Metoprolol Tartrate 25 mg Tablet Sig: One (1) Tablet PO BID."
        String[] w = med.split(" ");
        StringBuilder drug = new StringBuilder();
        int i = 0;
        while (i < w.length && !Character.isDigit(w[i].charAt(0))) {
            drug.append(drug.length() == 0 ? "" : " ").append(capitalize(w[i]));
            i++;
        }
        if (i + 1 >= w.length) {
            return capitalize(med);
        }
        String dose = w[i] + " " + w[i + 1];
        StringBuilder rest = new StringBuilder();
        for (int j = i + 2; j < w.length; j++) {
            rest.append(j == i + 2 ? "" : " ").append(w[j]);
        }
        String route = rest.toString();
        String form = route.startsWith("IV") ? "Recon Soln" : route.startsWith("SC") ? "Injection"
                : route.startsWith("SL") ? "Tablet, Sublingual" : route.startsWith("inhaled") ? "Inhaler"
                : route.startsWith("TD") ? "Patch" : "Tablet";
        String unit = form.equals("Tablet") || form.startsWith("Tablet") ? "One (1) Tablet" : form.equals("Inhaler")
                ? "Two (2) Puffs" : "One (1) dose";
        return drug + " " + dose + " " + form + " Sig: " + unit + " " + route + ".";
    }

    private static String join(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    private static String capitalize(String s) {
        return s.isEmpty() || !Character.isLowerCase(s.charAt(0)) ? s : Character.toUpperCase(s.charAt(0))
                + s.substring(1);
    }
}
