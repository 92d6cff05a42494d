package org.den4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.den4j.data.internal.CsvWriter;
import org.den4j.data.internal.IcdCatalog;
import org.den4j.data.internal.IcdCatalog.Condition;
import org.den4j.data.internal.NoteWriter;
import org.den4j.den.ProgressBar;
import org.den4j.den.ProgressListener;
import org.den4j.den.io.FileTree;

/**
 * Writes a synthetic MIMIC release: the file names, columns, quoting and gzip compression of MIMIC-III v1.4
 * or of MIMIC-IV (hosp) with MIMIC-IV-Note, for made-up patients.
 *
 * <pre>{@code
 * SyntheticMimic.Summary s = SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(1000).seed(42).build()
 *     .write(Path.of("data/synthetic-mimic-iv"));
 * }</pre>
 *
 * <p>Admissions carry real ICD-9-CM / ICD-10 codes with their official titles in the dictionaries; code
 * frequencies follow a long tail (rank r has weight 1/r<sup>1.1</sup>). Discharge summaries have the sections
 * of real ones and name every coded condition by a phrase (synonyms and abbreviations vary); they also name
 * conditions that must not be coded: negated, in the family history, or ruled out. MIMIC-III also gets
 * addenda, notes marked {@code ISERROR}, other note categories, and a few diagnosis rows without a code, as
 * the real release has. Beside MIMIC's files, {@value #NEGATED_MENTIONS_FILE} records which conditions each note
 * names only negated, as family history or ruled out (the truth a negation report needs; recording it draws
 * nothing from the random stream). The same version, patient count and seed give the same bytes.
 *
 * <p>It does not write the other MIMIC tables (lab events, chart events, ICU stays).
 */
public final class SyntheticMimic {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final double ZIPF = 1.1;

    /**
     * The release's own table (not a PhysioNet file) of conditions that discharge notes name but that must not be
     * coded: {@code subject_id, hadm_id, icd_code, icd_version, is_procedure, kind, phrase}, with {@code kind}
     * {@code negated}, {@code family} (family history) or {@code ruled_out}, codes undotted as in MIMIC's tables.
     * {@link MimicImport} loads it, when present, as table {@code negated_mentions}.
     */
    public static final String NEGATED_MENTIONS_FILE = "den4j/negated_mentions.csv.gz";

    private final MimicVersion version;
    private final int patients;
    private final long seed;
    private final boolean overwrite;
    private final PrintStream progress;

    private SyntheticMimic(Builder b) {
        this.version = b.version;
        this.patients = b.patients;
        this.seed = b.seed;
        this.overwrite = b.overwrite;
        this.progress = b.progress;
    }

    /** A builder for a release of {@code version}. */
    public static Builder builder(MimicVersion version) {
        return new Builder(Objects.requireNonNull(version, "version"));
    }

    /** Settings of a synthetic release; only the version is required. */
    public static final class Builder {
        private final MimicVersion version;
        private int patients = 1000;
        private long seed = 42;
        private boolean overwrite;
        private PrintStream progress;

        private Builder(MimicVersion version) {
            this.version = version;
        }

        /** How many patients (default 1000); each has one to four admissions. */
        public Builder patients(int patients) {
            if (patients < 1) {
                throw new IllegalArgumentException("patients must be at least 1, was " + patients);
            }
            this.patients = patients;
            return this;
        }

        /** The seed (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Replace an output folder that already has files (default false: refuse). */
        public Builder overwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        /** Where to draw a progress line, such as {@code System.err}; null (the default) for none. */
        public Builder progress(PrintStream progress) {
            this.progress = progress;
            return this;
        }

        public SyntheticMimic build() {
            return new SyntheticMimic(this);
        }
    }

    /**
     * What a synthetic release holds.
     *
     * @param version the release layout
     * @param folder the release folder
     * @param patients patients written
     * @param admissions admissions written
     * @param dischargeNotes discharge summaries written (reports, without addenda)
     * @param diagnosisRows rows of the diagnoses table
     * @param procedureRows rows of the procedures table
     * @param files the files, relative to the folder
     */
    public record Summary(MimicVersion version, Path folder, int patients, int admissions, int dischargeNotes,
            long diagnosisRows, long procedureRows, List<String> files) {
        public Summary {
            files = List.copyOf(files);
        }
    }

    /**
     * Writes the release into {@code folder}: first into a temporary folder beside it, then moved into place,
     * so a failed run leaves nothing half-written.
     *
     * @throws DataException when the folder already has files (unless {@link Builder#overwrite}) or cannot be
     *     written
     */
    public Summary write(Path folder) {
        Path target = folder.toAbsolutePath().normalize();
        try {
            if (Files.isDirectory(target) && !isEmpty(target) && !overwrite) {
                throw new DataInputException("Output folder " + folder + " already has files; choose another folder, "
                        + "delete it, or pass --force to replace it");
            }
            if (Files.exists(target) && !Files.isDirectory(target)) {
                throw new DataInputException("Output " + folder + " is a file, not a folder; choose a folder path");
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".tmp-");
            try {
                Summary s = new Generator(tmp).run();
                writeChecksums(tmp, s.files());
                if (Files.exists(target)) {
                    FileTree.delete(target);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                }
                List<String> files = new ArrayList<>(s.files());
                files.add("SHA256SUMS.txt");
                return new Summary(version, folder, s.patients(), s.admissions(), s.dischargeNotes(),
                        s.diagnosisRows(), s.procedureRows(), files);
            } finally {
                if (Files.exists(tmp)) {
                    FileTree.delete(tmp);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DataException("Cannot write the synthetic " + version + " release to " + folder + ": "
                    + e.getMessage() + "; check that the folder is writable and the disk has space", e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void writeChecksums(Path dir, List<String> files) throws IOException {
        StringBuilder sums = new StringBuilder();
        for (String f : files) {
            MessageDigest md;
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (InputStream in = Files.newInputStream(dir.resolve(f))) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            sums.append(HexFormat.of().formatHex(md.digest())).append(' ').append(f).append('\n');
        }
        Files.writeString(dir.resolve("SHA256SUMS.txt"), sums);
    }

    /** One run: the random stream, the open files and the counters. */
    private final class Generator {
        private final Path dir;
        private final SplittableRandom random = new SplittableRandom(seed);
        private final NoteWriter notes = new NoteWriter(random);
        private final IcdCatalog catalog = IcdCatalog.load();
        private final boolean iv = version == MimicVersion.MIMIC_IV;
        private final Set<Condition> usedDx = new LinkedHashSet<>();
        private final Set<Condition> usedPx = new LinkedHashSet<>();
        private final List<String> files = new ArrayList<>();
        private long rowDiagnoses;
        private long rowProcedures;
        private long rowNotes;
        private long rowAdmissions;
        private int admissions;
        private int dischargeNotes;

        Generator(Path dir) {
            this.dir = dir;
        }

        private CsvWriter open(String name, String... header) throws IOException {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            files.add(name);
            return new CsvWriter(file, !iv, header);
        }

        Summary run() throws IOException {
            ProgressListener bar = progress == null ? ProgressListener.NONE
                    : new ProgressBar(progress, 0, "patients");
            bar.start("synth-mimic " + version, patients);
            if (iv) {
                try (CsvWriter pat = open("hosp/patients.csv.gz", "subject_id", "gender", "anchor_age",
                        "anchor_year", "anchor_year_group", "dod");
                        CsvWriter adm = open("hosp/admissions.csv.gz", "subject_id", "hadm_id", "admittime",
                                "dischtime", "deathtime", "admission_type", "admit_provider_id",
                                "admission_location", "discharge_location", "insurance", "language",
                                "marital_status", "race", "edregtime", "edouttime", "hospital_expire_flag");
                        CsvWriter dx = open("hosp/diagnoses_icd.csv.gz", "subject_id", "hadm_id", "seq_num",
                                "icd_code", "icd_version");
                        CsvWriter px = open("hosp/procedures_icd.csv.gz", "subject_id", "hadm_id", "seq_num",
                                "chartdate", "icd_code", "icd_version");
                        CsvWriter ds = open("note/discharge.csv.gz", "note_id", "subject_id", "hadm_id",
                                "note_type", "note_seq", "charttime", "storetime", "text");
                        CsvWriter detail = open("note/discharge_detail.csv.gz", "note_id", "subject_id",
                                "field_name", "field_value", "field_ordinal");
                        CsvWriter uncoded = openUncoded()) {
                    for (int p = 0; p < patients; p++) {
                        patientIv(p, pat, adm, dx, px, ds, detail, uncoded);
                        bar.advance(1);
                    }
                }
                try (CsvWriter d = open("hosp/d_icd_diagnoses.csv.gz", "icd_code", "icd_version", "long_title")) {
                    for (Condition c : sortedByCode(usedDx)) {
                        for (int v : new int[] {9, 10}) {
                            if (!c.code(v).isEmpty()) {
                                d.text(c.code(v)).plain(v).text(v == 9 ? c.icd9Long() : c.icd10Long()).endRow();
                            }
                        }
                    }
                }
                try (CsvWriter d = open("hosp/d_icd_procedures.csv.gz", "icd_code", "icd_version", "long_title")) {
                    for (Condition c : sortedByCode(usedPx)) {
                        for (int v : new int[] {9, 10}) {
                            if (!c.code(v).isEmpty()) {
                                d.text(c.code(v)).plain(v).text(v == 9 ? c.icd9Long() : c.icd10Long()).endRow();
                            }
                        }
                    }
                }
            } else {
                try (CsvWriter pat = open("PATIENTS.csv.gz", "ROW_ID", "SUBJECT_ID", "GENDER", "DOB", "DOD",
                        "DOD_HOSP", "DOD_SSN", "EXPIRE_FLAG");
                        CsvWriter adm = open("ADMISSIONS.csv.gz", "ROW_ID", "SUBJECT_ID", "HADM_ID", "ADMITTIME",
                                "DISCHTIME", "DEATHTIME", "ADMISSION_TYPE", "ADMISSION_LOCATION",
                                "DISCHARGE_LOCATION", "INSURANCE", "LANGUAGE", "RELIGION", "MARITAL_STATUS",
                                "ETHNICITY", "EDREGTIME", "EDOUTTIME", "DIAGNOSIS", "HOSPITAL_EXPIRE_FLAG",
                                "HAS_CHARTEVENTS_DATA");
                        CsvWriter dx = open("DIAGNOSES_ICD.csv.gz", "ROW_ID", "SUBJECT_ID", "HADM_ID", "SEQ_NUM",
                                "ICD9_CODE");
                        CsvWriter px = open("PROCEDURES_ICD.csv.gz", "ROW_ID", "SUBJECT_ID", "HADM_ID", "SEQ_NUM",
                                "ICD9_CODE");
                        CsvWriter ne = open("NOTEEVENTS.csv.gz", "ROW_ID", "SUBJECT_ID", "HADM_ID", "CHARTDATE",
                                "CHARTTIME", "STORETIME", "CATEGORY", "DESCRIPTION", "CGID", "ISERROR", "TEXT");
                        CsvWriter uncoded = openUncoded()) {
                    for (int p = 0; p < patients; p++) {
                        patientIii(p, pat, adm, dx, px, ne, uncoded);
                        bar.advance(1);
                    }
                }
                try (CsvWriter d = open("D_ICD_DIAGNOSES.csv.gz", "ROW_ID", "ICD9_CODE", "SHORT_TITLE",
                        "LONG_TITLE")) {
                    int row = 1;
                    for (Condition c : sortedByCode(usedDx)) {
                        d.plain(row++).text(c.icd9()).text(c.icd9Short()).text(c.icd9Long()).endRow();
                    }
                }
                try (CsvWriter d = open("D_ICD_PROCEDURES.csv.gz", "ROW_ID", "ICD9_CODE", "SHORT_TITLE",
                        "LONG_TITLE")) {
                    int row = 1;
                    for (Condition c : sortedByCode(usedPx)) {
                        d.plain(row++).text(c.icd9()).text(c.icd9Short()).text(c.icd9Long()).endRow();
                    }
                }
            }
            bar.finish();
            return new Summary(version, dir, patients, admissions, dischargeNotes, rowDiagnoses, rowProcedures,
                    files);
        }

        /** The release's own table of what notes name but must not be coded (not a PhysioNet file). */
        private CsvWriter openUncoded() throws IOException {
            return open(NEGATED_MENTIONS_FILE, "subject_id", "hadm_id", "icd_code", "icd_version", "is_procedure",
                    "kind", "phrase");
        }

        /** One row per distractor the note names; draws nothing from the random stream. */
        private void recordUncoded(CsvWriter out, long subject, long hadm, int icd, NoteWriter.Note note) {
            for (NoteWriter.UncodedMention m : note.uncoded()) {
                out.plain(subject).plain(hadm).text(m.condition().code(icd)).plain(icd)
                        .plain(m.condition().procedure() ? 1 : 0).text(m.kind()).text(m.phrase()).endRow();
            }
        }

        private List<Condition> sortedByCode(Set<Condition> used) {
            List<Condition> list = new ArrayList<>(used);
            list.sort(Comparator.comparing(c -> iv ? (c.icd9().isEmpty() ? c.icd10() : c.icd9()) : c.icd9()));
            return list;
        }

        private int admissionCount() {
            int r = random.nextInt(100);
            return r < 70 ? 1 : r < 90 ? 2 : r < 97 ? 3 : 4;
        }

        private final java.util.Map<String, List<Condition>> eligibleCache = new java.util.HashMap<>();
        private final java.util.Map<String, double[]> weightCache = new java.util.HashMap<>();

        /** A Zipf-weighted draw of {@code n} distinct conditions that have a code in {@code icdVersion}. */
        private List<Condition> draw(List<Condition> from, int n, int icdVersion) {
            String key = (from == catalog.diagnoses() ? "dx" : "px") + icdVersion;
            List<Condition> eligible = eligibleCache.computeIfAbsent(key,
                    k -> from.stream().filter(c -> !c.code(icdVersion).isEmpty()).toList());
            double[] cumulative = weightCache.computeIfAbsent(key, k -> {
                double[] w = new double[eligible.size()];
                double sum = 0;
                for (int i = 0; i < eligible.size(); i++) {
                    sum += 1 / Math.pow(eligible.get(i).rank(), ZIPF);
                    w[i] = sum;
                }
                return w;
            });
            double sum = cumulative[cumulative.length - 1];
            Set<Condition> out = new LinkedHashSet<>();
            int tries = 0;
            while (out.size() < Math.min(n, eligible.size()) && tries++ < n * 50) {
                double x = random.nextDouble() * sum;
                int i = java.util.Arrays.binarySearch(cumulative, x);
                out.add(eligible.get(i < 0 ? -i - 1 : i));
            }
            return new ArrayList<>(out);
        }

        private List<Condition> distractors(List<Condition> coded, int icdVersion) {
            int n = 1 + random.nextInt(3);
            List<Condition> pool = catalog.diagnoses().subList(0, Math.min(90, catalog.diagnoses().size()));
            Set<String> codedNames = new LinkedHashSet<>();
            for (Condition c : coded) {
                codedNames.addAll(c.phrases());
            }
            List<Condition> out = new ArrayList<>();
            while (out.size() < n) {
                Condition c = pool.get(random.nextInt(pool.size()));
                // Never a coded one, nor one whose name a coded condition also uses.
                if (!coded.contains(c) && !out.contains(c) && !c.code(icdVersion).isEmpty()
                        && c.phrases().stream().noneMatch(codedNames::contains)) {
                    out.add(c);
                }
            }
            return out;
        }

        private int procedureCount() {
            int r = random.nextInt(100);
            return r < 30 ? 0 : r < 60 ? 1 : r < 80 ? 2 : r < 92 ? 3 : 4;
        }

        private String service(Condition primary) {
            String[] services = iv ? new String[] {"MEDICINE", "SURGERY", "CARDIOTHORACIC", "NEUROLOGY", "ORTHOPAEDICS"}
                    : new String[] {"MEDICINE", "SURGERY", "CARDIOTHORACIC", "NEUROLOGY", "ORTHOPAEDICS", "CSURG"};
            return random.nextInt(3) == 0 ? services[random.nextInt(services.length)] : "MEDICINE";
        }

        private void patientIii(int p, CsvWriter pat, CsvWriter adm, CsvWriter dx, CsvWriter px, CsvWriter ne,
                CsvWriter uncoded) {
            long subject = 100 + p * 7L + random.nextInt(7);
            String sex = random.nextInt(100) < 56 ? "M" : "F";
            LocalDate dob = LocalDate.of(2050 + random.nextInt(110), 1 + random.nextInt(12), 1 + random.nextInt(28));
            int firstAge = 18 + random.nextInt(72);
            LocalDateTime admit = dob.plusYears(firstAge).plusDays(random.nextInt(300)).atTime(random.nextInt(24),
                    random.nextInt(60));
            int count = admissionCount();
            boolean dies = random.nextInt(100) < 8;
            LocalDateTime death = null;
            for (int a = 0; a < count; a++) {
                long hadm = 100000 + admissions * 3L + random.nextInt(3);
                admissions++;
                LocalDateTime disch = admit.plusDays(1 + random.nextInt(14)).plusHours(random.nextInt(12));
                boolean expired = dies && a == count - 1;
                if (expired) {
                    death = disch;
                }
                List<Condition> dxs = draw(catalog.diagnoses(), 3 + random.nextInt(12), 9);
                List<Condition> pxs = draw(catalog.procedures(), procedureCount(), 9);
                usedDx.addAll(dxs);
                usedPx.addAll(pxs);
                String location = expired ? "DEAD/EXPIRED" : pickOf("HOME", "HOME HEALTH CARE", "SNF",
                        "REHAB/DISTINCT PART HOSP", "HOME");
                String type = random.nextInt(100) < 75 ? "EMERGENCY" : random.nextBoolean() ? "ELECTIVE" : "URGENT";
                adm.plain(++rowAdmissions).plain(subject).plain(hadm).plain(TS.format(admit)).plain(TS.format(disch))
                        .plain(expired ? TS.format(disch) : null).text(type)
                        .text(type.equals("EMERGENCY") ? "EMERGENCY ROOM ADMIT" : pickOf("PHYS REFERRAL/NORMAL DELI",
                                "TRANSFER FROM HOSP/EXTRAM", "CLINIC REFERRAL/PREMATURE"))
                        .text(location).text(pickOf("Medicare", "Private", "Medicaid", "Government", "Medicare"))
                        .text(random.nextInt(10) < 8 ? "ENGL" : null)
                        .text(pickOf("CATHOLIC", "PROTESTANT QUAKER", "NOT SPECIFIED", "JEWISH", "UNOBTAINABLE"))
                        .text(pickOf("MARRIED", "SINGLE", "WIDOWED", "DIVORCED", "MARRIED"))
                        .text(pickOf("WHITE", "WHITE", "WHITE", "BLACK/AFRICAN AMERICAN", "HISPANIC OR LATINO",
                                "ASIAN", "UNKNOWN/NOT SPECIFIED"))
                        .plain(type.equals("EMERGENCY") ? TS.format(admit.minusHours(3)) : null)
                        .plain(type.equals("EMERGENCY") ? TS.format(admit.minusMinutes(20)) : null)
                        .text(dxs.get(0).name().toUpperCase(Locale.ROOT)).plain(expired ? 1 : 0).plain(1).endRow();
                int seq = 1;
                for (Condition c : dxs) {
                    dx.plain(++rowDiagnoses).plain(subject).plain(hadm).plain(seq++).text(c.icd9()).endRow();
                }
                if (random.nextInt(500) == 0) {
                    // The real DIAGNOSES_ICD has a few rows with neither sequence number nor code.
                    dx.plain(++rowDiagnoses).plain(subject).plain(hadm).plain(null).text(null).endRow();
                }
                seq = 1;
                for (Condition c : pxs) {
                    px.plain(++rowProcedures).plain(subject).plain(hadm).plain(seq++).text(c.icd9()).endRow();
                }
                if (random.nextInt(100) < 96) {
                    NoteWriter.Admission note = new NoteWriter.Admission(false, sex, firstAge + a, dob, admit, disch,
                            service(dxs.get(0)), dxs, pxs, distractors(dxs, 9), location.equals("DEAD/EXPIRED")
                                    ? "Expired" : location.startsWith("HOME") ? "Home" : "Extended Care");
                    NoteWriter.Note written = notes.writeNote(note);
                    String text = written.text();
                    recordUncoded(uncoded, subject, hadm, 9, written);
                    LocalDate chart = disch.toLocalDate();
                    ne.plain(++rowNotes).plain(subject).plain(hadm).plain(chart.toString()).plain(null).plain(null)
                            .text("Discharge summary").text("Report").plain(null).plain(null).text(text).endRow();
                    dischargeNotes++;
                    if (random.nextInt(100) < 7) {
                        ne.plain(++rowNotes).plain(subject).plain(hadm).plain(chart.plusDays(1).toString())
                                .plain(null).plain(null).text("Discharge summary").text("Addendum").plain(null)
                                .plain(null).text("Name:  [**Known lastname **],[**Known firstname **]   Unit No:  "
                                        + "[**Numeric Identifier " + (1000 + random.nextInt(9000)) + "**]\n\n"
                                        + "Admission Date:  [**" + admit.toLocalDate() + "**]\n\nAddendum:\n"
                                        + "Please note the discharge medications were reconciled; patient to "
                                        + "follow up with PCP within one week.\n")
                                .endRow();
                    }
                    if (random.nextInt(100) < 2) {
                        // A note withdrawn by its author: ISERROR = 1, to be ignored by every reader.
                        ne.plain(++rowNotes).plain(subject).plain(hadm).plain(chart.toString()).plain(null)
                                .plain(null).text("Discharge summary").text("Report").plain(null).plain(1)
                                .text("Patient with " + catalog.diagnoses().get(random.nextInt(60)).name()
                                        + ". (note entered in error)\n").endRow();
                    }
                }
                if (random.nextBoolean()) {
                    LocalDateTime t = admit.plusHours(2 + random.nextInt(20));
                    boolean ecg = random.nextBoolean();
                    ne.plain(++rowNotes).plain(subject).plain(hadm).plain(t.toLocalDate().toString())
                            .plain(TS.format(t)).plain(ecg ? null : TS.format(t.plusHours(1))).text(ecg ? "ECG"
                                    : "Radiology").text(ecg ? "Report" : "CHEST (PORTABLE AP)")
                            .plain(ecg ? null : 14000 + random.nextInt(8000)).plain(null)
                            .text(ecg ? "Sinus rhythm. Normal ECG. No previous tracing available for comparison.\n"
                                    : "FINAL REPORT\nINDICATION: Shortness of breath.\nIMPRESSION: No acute "
                                    + "cardiopulmonary process.\n").endRow();
                }
                admit = disch.plusDays(20 + random.nextInt(700)).withHour(random.nextInt(24));
            }
            pat.plain(p + 1).plain(subject).text(sex).plain(TS.format(dob.atStartOfDay()))
                    .plain(death == null ? null : TS.format(death.toLocalDate().atStartOfDay()))
                    .plain(death == null ? null : TS.format(death.toLocalDate().atStartOfDay()))
                    .plain(null).plain(death == null ? 0 : 1).endRow();
        }

        private void patientIv(int p, CsvWriter pat, CsvWriter adm, CsvWriter dx, CsvWriter px, CsvWriter ds,
                CsvWriter detail, CsvWriter uncoded) {
            long subject = 10000000 + p * 9L + random.nextInt(9);
            String sex = random.nextInt(100) < 52 ? "F" : "M";
            int anchorAge = 18 + random.nextInt(73);
            int anchorYear = 2110 + random.nextInt(77);
            String[] groups = {"2008 - 2010", "2011 - 2013", "2014 - 2016", "2017 - 2019"};
            int group = random.nextInt(groups.length);
            LocalDate dob = LocalDate.of(anchorYear - anchorAge, 1 + random.nextInt(12), 1 + random.nextInt(28));
            LocalDateTime admit = LocalDate.of(anchorYear, 1 + random.nextInt(12), 1 + random.nextInt(28))
                    .atTime(random.nextInt(24), random.nextInt(60));
            int count = admissionCount();
            boolean dies = random.nextInt(100) < 6;
            LocalDate dod = null;
            int noteSeq = 10 + random.nextInt(15);
            for (int a = 0; a < count; a++) {
                long hadm = 20000000 + admissions * 7L + random.nextInt(7);
                admissions++;
                // Before October 2015 hospitals coded in ICD-9; the anchor year group says roughly when.
                int icd = group <= 1 ? 9 : group == 3 ? 10 : random.nextBoolean() ? 9 : 10;
                LocalDateTime disch = admit.plusDays(1 + random.nextInt(14)).plusHours(random.nextInt(12));
                boolean expired = dies && a == count - 1;
                if (expired) {
                    dod = disch.toLocalDate();
                }
                List<Condition> dxs = draw(catalog.diagnoses(), 3 + random.nextInt(14), icd);
                List<Condition> pxs = draw(catalog.procedures(), procedureCount(), icd);
                usedDx.addAll(dxs);
                usedPx.addAll(pxs);
                String location = expired ? "DIED" : pickOf("HOME", "HOME HEALTH CARE", "SKILLED NURSING FACILITY",
                        "REHAB", "HOME");
                String type = pickOf("EW EMER.", "EW EMER.", "EW EMER.", "URGENT", "OBSERVATION ADMIT", "ELECTIVE",
                        "DIRECT EMER.");
                boolean ed = type.startsWith("EW") || type.equals("OBSERVATION ADMIT");
                adm.plain(subject).plain(hadm).plain(TS.format(admit)).plain(TS.format(disch))
                        .plain(expired ? TS.format(disch) : null).text(type)
                        .text("P" + String.format(Locale.ROOT, "%05d", random.nextInt(100000)))
                        .text(ed ? "EMERGENCY ROOM" : pickOf("PHYSICIAN REFERRAL", "TRANSFER FROM HOSPITAL",
                                "WALK-IN/SELF REFERRAL")).text(location)
                        .text(pickOf("Medicare", "Medicaid", "Other", "Other")).text(random.nextInt(10) < 9
                                ? "ENGLISH" : "?")
                        .text(pickOf("MARRIED", "SINGLE", "WIDOWED", "DIVORCED", "MARRIED"))
                        .text(pickOf("WHITE", "WHITE", "WHITE", "BLACK/AFRICAN AMERICAN",
                                "HISPANIC/LATINO - PUERTO RICAN", "ASIAN", "OTHER", "UNKNOWN"))
                        .plain(ed ? TS.format(admit.minusHours(4)) : null)
                        .plain(ed ? TS.format(admit.minusMinutes(30)) : null).plain(expired ? 1 : 0).endRow();
                int seq = 1;
                for (Condition c : dxs) {
                    dx.plain(subject).plain(hadm).plain(seq++).text(c.code(icd)).plain(icd).endRow();
                    rowDiagnoses++;
                }
                seq = 1;
                for (Condition c : pxs) {
                    px.plain(subject).plain(hadm).plain(seq++)
                            .plain(admit.toLocalDate().plusDays(random.nextInt(2)).toString())
                            .text(c.code(icd)).plain(icd).endRow();
                    rowProcedures++;
                }
                if (random.nextInt(100) < 96) {
                    NoteWriter.Admission note = new NoteWriter.Admission(true, sex, anchorAge + a, dob, admit, disch,
                            service(dxs.get(0)), dxs, pxs, distractors(dxs, icd), expired ? "Expired"
                                    : location.startsWith("HOME") ? "Home" : "Extended Care");
                    NoteWriter.Note written = notes.writeNote(note);
                    String text = written.text();
                    recordUncoded(uncoded, subject, hadm, icd, written);
                    String noteId = subject + "-DS-" + noteSeq;
                    ds.text(noteId).plain(subject).plain(hadm).text("DS").plain(noteSeq)
                            .plain(TS.format(disch.toLocalDate().atStartOfDay()))
                            .plain(TS.format(disch.plusHours(2 + random.nextInt(40)))).text(text).endRow();
                    detail.text(noteId).plain(subject).text("author").text("___").plain(1).endRow();
                    noteSeq++;
                    dischargeNotes++;
                }
                admit = disch.plusDays(20 + random.nextInt(700)).withHour(random.nextInt(24));
            }
            pat.plain(subject).text(sex).plain(anchorAge).plain(anchorYear).text(groups[group])
                    .plain(dod == null ? null : dod.toString()).endRow();
        }

        private String pickOf(String... options) {
            return options[random.nextInt(options.length)];
        }
    }
}
