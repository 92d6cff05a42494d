package org.den4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.den4j.data.internal.MimicTables;
import org.den4j.data.internal.MimicTables.Table;
import org.den4j.den.ProgressBar;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;

/**
 * Loads a MIMIC-III or MIMIC-IV release, exactly as PhysioNet distributes it, into a DuckDB database, and
 * builds the views and patient-level splits that training reads.
 *
 * <pre>{@code
 * ImportReport report = MimicImport.builder(Path.of("mimic-iv"), MimicVersion.MIMIC_IV)
 *     .outputDir(Path.of("data")).numSamples(1000).build().run();
 * }</pre>
 *
 * <p>The files are read by DuckDB's {@code read_csv} straight into tables (no row-by-row inserts), with the
 * release's column types; ICD codes stay text, so leading zeros are kept. Source tables go to schema
 * {@code mimiciii} or {@code mimiciv_hosp} / {@code mimiciv_note} with lower-case column names; MIMIC-III's
 * {@code noteevents} keeps only discharge summaries. The views in the main schema are:
 * <ul>
 *   <li>{@code discharge_notes(subject_id, hadm_id, note_text)}: one per admission; MIMIC-III's report
 *       followed by its addenda, notes marked {@code ISERROR} left out;</li>
 *   <li>{@code diagnoses} and {@code procedures(subject_id, hadm_id, seq_num, icd_code, icd_version, code,
 *       long_title)}: {@code code} in dotted form, titles joined on code (and version for MIMIC-IV);</li>
 *   <li>{@code admission_facts(subject_id BIGINT, hadm_id BIGINT, note_text VARCHAR, diagnosis_codes
 *       VARCHAR[], procedure_codes VARCHAR[], code_system VARCHAR)}: admissions with a discharge note and at
 *       least one diagnosis, codes in sequence order, {@code code_system} {@code icd9} or {@code icd10};</li>
 *   <li>{@code split_train}, {@code split_validation}, {@code split_test}: the facts of each split, 80/10/10
 *       by patient (table {@code patient_splits}), reproducible by seed.</li>
 * </ul>
 * Table {@code dataset_info} records what was loaded. A synthetic release's own
 * {@value SyntheticMimic#NEGATED_MENTIONS_FILE} becomes table {@code negated_mentions(subject_id, hadm_id, icd_code,
 * icd_version, is_procedure, code, kind, phrase)}: conditions a note names only negated, as family history or
 * ruled out ({@code kind} {@code negated}, {@code family}, {@code ruled_out}), {@code code} dotted as in the views. Everything runs in one transaction: a failed load
 * leaves the database as it was.
 */
public final class MimicImport {
    /** The database file name in the output folder. */
    public static final String DATABASE_FILE = "mimic-dataset.duckdb";
    /** The split names, in order. */
    public static final List<String> SPLITS = List.of("train", "validation", "test");

    private final Path mimicDir;
    private final MimicVersion version;
    private final Path outputDir;
    private final int numSamples;
    private final long seed;
    private final boolean drop;
    private final PrintStream progress;

    private MimicImport(Builder b) {
        this.mimicDir = b.mimicDir;
        this.version = b.version;
        this.outputDir = b.outputDir;
        this.numSamples = b.numSamples;
        this.seed = b.seed;
        this.drop = b.drop;
        this.progress = b.progress;
    }

    /** A builder for loading the release in {@code mimicDir} as {@code version}. */
    public static Builder builder(Path mimicDir, MimicVersion version) {
        return new Builder(Objects.requireNonNull(mimicDir, "mimicDir"), Objects.requireNonNull(version, "version"));
    }

    /** Settings of a load; the folder and version are required. */
    public static final class Builder {
        private final Path mimicDir;
        private final MimicVersion version;
        private Path outputDir = Path.of("data");
        private int numSamples;
        private long seed = 42;
        private boolean drop;
        private PrintStream progress;

        private Builder(Path mimicDir, MimicVersion version) {
            this.mimicDir = mimicDir;
            this.version = version;
        }

        /** Where {@value #DATABASE_FILE} goes (default {@code data}). */
        public Builder outputDir(Path outputDir) {
            this.outputDir = Objects.requireNonNull(outputDir, "outputDir");
            return this;
        }

        /** Load only this many patients who have discharge notes, picked by seed; 0 (default) loads all. */
        public Builder numSamples(int numSamples) {
            if (numSamples < 0) {
                throw new IllegalArgumentException("num-samples must be 0 (all) or more, was " + numSamples);
            }
            this.numSamples = numSamples;
            return this;
        }

        /** The seed of the sample and the splits (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Replace the version's tables when they exist (default false: keep them). */
        public Builder drop(boolean drop) {
            this.drop = drop;
            return this;
        }

        /** Where to print progress, such as {@code System.err}; null (the default) for none. */
        public Builder progress(PrintStream progress) {
            this.progress = progress;
            return this;
        }

        public MimicImport build() {
            return new MimicImport(this);
        }
    }

    /** The database file this load writes. */
    public Path database() {
        return outputDir.resolve(DATABASE_FILE);
    }

    /**
     * Checks the folder, loads the files and builds the views and splits.
     *
     * @throws MimicInputException when files are missing, the folder is of the other version, or a header is
     *     not the release's
     * @throws DataException when DuckDB fails, naming the file or step
     */
    public ImportReport run() {
        long start = System.nanoTime();
        List<Table> tables = MimicTables.of(version);
        Map<Table, Path> files = locate(tables);
        for (Table t : tables) {
            checkHeader(t, files.get(t));
        }
        Path db = database();
        boolean existed = Files.exists(db);
        try {
            Files.createDirectories(db.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new DataException("Cannot create output folder " + outputDir + ": " + e.getMessage()
                    + "; choose a writable --output-dir", e);
        }
        // What the load is doing, for a failure's message: the file being read, or the views.
        java.util.concurrent.atomic.AtomicReference<String> step = new java.util.concurrent.atomic.AtomicReference<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db.toAbsolutePath());
                Statement s = c.createStatement()) {
            s.execute("BEGIN TRANSACTION");
            ImportReport report = load(c, s, tables, files, db, start, step);
            s.execute("COMMIT");
            return report;
        } catch (SQLException e) {
            if (!existed) {
                deleteQuietly(db);
            }
            throw new DataException("Loading " + version + " from " + mimicDir + " into " + db + " failed"
                    + (step.get() == null ? "" : " while " + step.get()) + ": " + driverMessage(e), e);
        } catch (RuntimeException e) {
            if (!existed) {
                deleteQuietly(db);
            }
            throw e;
        }
    }

    /**
     * DuckDB's own words, on one line, without its wrapper ("Attempting to execute an unsuccessful or closed
     * pending query result") and hint lines: the last "Error: ..." it gives, which names the cause.
     */
    static String driverMessage(SQLException e) {
        String raw = e.getMessage() == null ? e.toString() : e.getMessage();
        String best = null;
        for (String line : raw.split("\\R")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("*") || l.contains("unsuccessful or closed pending query result")) {
                continue;
            }
            if (best == null || l.startsWith("Error:")) {
                best = l.startsWith("Error:") ? l.substring("Error:".length()).strip() : l;
            }
        }
        String one = best == null ? raw.strip().replaceAll("\\s+", " ") : best;
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    private static void deleteQuietly(Path db) {
        try {
            Files.deleteIfExists(db);
            Files.deleteIfExists(Path.of(db + ".wal"));
        } catch (IOException e) {
            // The load's own error is the one to report; a leftover empty file is harmless.
        }
    }

    private void say(String line) {
        if (progress != null) {
            progress.println(line);
            progress.flush();
        }
    }

    /** Finds each file as .csv.gz or .csv; recognizes the other version's layout. */
    private Map<Table, Path> locate(List<Table> tables) {
        if (!Files.isDirectory(mimicDir)) {
            throw new MimicInputException(mimicDir, version, List.of(), "MIMIC folder " + mimicDir + " does not "
                    + "exist or is not a folder; pass --mimic-dir with the folder of the " + version + " release"
                    + " (or make one with ./jbang synth-mimic --version " + version + " --out DIR)");
        }
        Map<Table, Path> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Table t : tables) {
            Path gz = mimicDir.resolve(t.file() + ".csv.gz");
            Path csv = mimicDir.resolve(t.file() + ".csv");
            if (Files.isRegularFile(gz)) {
                found.put(t, gz);
            } else if (Files.isRegularFile(csv)) {
                found.put(t, csv);
            } else {
                missing.add(t.file() + ".csv.gz");
            }
        }
        if (missing.isEmpty()) {
            return found;
        }
        MimicVersion other = version == MimicVersion.MIMIC_III ? MimicVersion.MIMIC_IV : MimicVersion.MIMIC_III;
        String otherMarker = version == MimicVersion.MIMIC_III ? "hosp/admissions" : "ADMISSIONS";
        for (String ext : List.of(".csv.gz", ".csv")) {
            if (Files.isRegularFile(mimicDir.resolve(otherMarker + ext))) {
                throw new MimicInputException(mimicDir, version, missing, mimicDir + " is a " + other + " folder "
                        + "(it has " + otherMarker + ext + "), not " + version + "; pass --dataset-version " + other);
            }
        }
        if (version == MimicVersion.MIMIC_IV && (Files.isRegularFile(mimicDir.resolve("admissions.csv.gz"))
                || Files.isRegularFile(mimicDir.resolve("admissions.csv")))) {
            throw new MimicInputException(mimicDir, version, missing, mimicDir + " looks like MIMIC-IV's hosp/ "
                    + "folder itself; pass the folder that holds hosp/ and note/ (MIMIC-IV-Note's discharge.csv.gz "
                    + "goes in note/)");
        }
        List<String> needed = version.files().stream().map(f -> f + ".csv.gz").toList();
        throw new MimicInputException(mimicDir, version, missing, mimicDir + " lacks " + missing.size() + " of the "
                + needed.size() + " files " + version + " needs: missing " + String.join(", ", missing)
                + "; needed " + String.join(", ", needed) + " (.csv also works)");
    }

    private void checkHeader(Table t, Path file) {
        String first;
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            first = r.readLine();
        } catch (IOException e) {
            throw new MimicInputException(mimicDir, version, List.of(), "Cannot read " + file + ": " + e.getMessage()
                    + "; check that it is a complete " + (file.toString().endsWith(".gz") ? "gzip " : "") + "CSV file");
        }
        List<String> header = first == null ? List.of() : Arrays.stream(first.split(",", -1))
                .map(h -> h.strip().replace("\"", "")).toList();
        List<String> expected = t.headers();
        // MIMIC-IV before v2.2 named the race column ethnicity.
        List<String> alternative = expected.stream().map(h -> h.equals("race") ? "ethnicity" : h).toList();
        if (!header.equals(expected) && !header.equals(alternative)) {
            throw new MimicInputException(mimicDir, version, List.of(), file + " has the columns " + header
                    + ", not those of " + version + "'s " + t.file() + ": " + expected
                    + "; use the file as the release ships it");
        }
    }

    private boolean exists(Statement s, Table t) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                + t.schema() + "' AND table_name = '" + t.table() + "'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * The read_csv call for a file, with the release's columns and types, storing rejected rows. Nothing is
     * sniffed ({@code auto_detect = false}): the release's dialect is known, and DuckDB's sniffer fails the whole
     * file on one broken quote, where the reader itself rejects just that row.
     */
    private static String readCsv(Table t, Path file, String rejects) {
        StringBuilder cols = new StringBuilder("{");
        for (MimicTables.Column c : t.columns()) {
            cols.append(cols.length() > 1 ? ", " : "").append(quote(c.name())).append(": ").append(quote(c.type()));
        }
        cols.append('}');
        return "read_csv(" + quote(file.toAbsolutePath().toString()) + ", header = true, delim = ',', quote = '\"', "
                + "escape = '\"', columns = " + cols + ", auto_detect = false, "
                + "timestampformat = '%Y-%m-%d %H:%M:%S', "
                + "dateformat = '%Y-%m-%d', store_rejects = true, "
                + "rejects_table = '" + rejects + "_errors', rejects_scan = '" + rejects + "_scans')";
    }

    private ImportReport load(Connection c, Statement s, List<Table> tables, Map<Table, Path> files, Path db,
            long start, java.util.concurrent.atomic.AtomicReference<String> step) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        List<MalformedRows> malformed = new ArrayList<>();
        for (String schema : tables.stream().map(Table::schema).distinct().toList()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
        long sampled = 0;
        boolean sampleTableReady = false;
        for (Table t : tables) {
            Path file = files.get(t);
            String name = mimicDir.relativize(file).toString();
            if (exists(s, t)) {
                if (!drop) {
                    kept.add(t.qualified());
                    say("kept " + t.qualified() + " (already loaded; --drop reloads it)");
                    continue;
                }
                s.execute("DROP TABLE " + t.qualified() + " CASCADE");
            }
            long t0 = System.nanoTime();
            String rejects = "rejects_" + t.table();
            String where = "";
            if (t.table().equals("noteevents")) {
                where = " WHERE category = 'Discharge summary'";
            }
            if (t.perPatient() && sampleTableReady) {
                where = (where.isEmpty() ? " WHERE " : where + " AND ")
                        + "subject_id IN (SELECT subject_id FROM sample_subjects)";
            }
            step.set("loading " + name);
            executeWithProgress(s, "CREATE TABLE " + t.qualified() + " AS SELECT * FROM " + readCsv(t, file, rejects)
                    + where, "loading " + name + " (" + String.format(Locale.ROOT, "%.1f MiB", size(file) / 1048576.0)
                    + ")");
            malformed.addAll(rejected(s, rejects, name));
            if (numSamples > 0 && !sampleTableReady && t.perPatient()) {
                // The notes table comes first: draw the sample from patients who have discharge notes.
                sampled = sample(c, s, t);
                s.execute("DELETE FROM " + t.qualified() + " WHERE subject_id NOT IN (SELECT subject_id FROM "
                        + "sample_subjects)");
                sampleTableReady = true;
            }
            long n = count(s, t.qualified());
            rows.put(t.qualified(), n);
            say(String.format(Locale.ROOT, "  %s: %,d rows in %.1f s", t.qualified(), n,
                    (System.nanoTime() - t0) / 1e9));
        }
        for (MalformedRows m : malformed) {
            say("WARNING " + m.file() + ": " + m.count() + " malformed rows left out, for example:");
            for (String e : m.examples()) {
                say("  " + e);
            }
        }
        step.set("building the views and splits");
        s.execute("DROP TABLE IF EXISTS main.sample_subjects");
        createViews(s);
        loadNegatedMentions(s, rows);
        Map<String, Long> splits = createSplits(c, s);
        long facts = splits.values().stream().mapToLong(Long::longValue).sum();
        s.execute("CREATE OR REPLACE TABLE dataset_info AS SELECT * FROM (VALUES "
                + "('version', " + quote(version.id()) + "), ('source', " + quote(mimicDir.toAbsolutePath().toString())
                + "), ('num_samples', " + quote(Integer.toString(numSamples)) + "), ('seed', "
                + quote(Long.toString(seed)) + "), ('loaded_at', CAST(current_timestamp AS VARCHAR))) AS t(key, value)");
        say(String.format(Locale.ROOT, "%,d admissions in admission_facts; splits %s", facts, splits));
        return new ImportReport(db, version, rows, kept, malformed, sampled, facts, splits,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Runs a long statement; with a progress stream, a second thread draws DuckDB's own estimate of how far
     * the statement is (in percent) until it ends.
     */
    private void executeWithProgress(Statement s, String sql, String task) throws SQLException {
        if (progress == null) {
            s.execute(sql);
            return;
        }
        ProgressBar bar = new ProgressBar(progress, 0, "%");
        bar.start(task, 100);
        DuckDBPreparedStatement statement = s.unwrap(DuckDBPreparedStatement.class);
        java.util.concurrent.atomic.AtomicLong shown = new java.util.concurrent.atomic.AtomicLong();
        Thread poller = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(250);
                    long pct = (long) statement.getQueryProgress().getPercentage();
                    long before = shown.get();
                    if (pct > before && pct < 100 && shown.compareAndSet(before, pct)) {
                        bar.advance(pct - before);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SQLException | RuntimeException e) {
                // Progress is only a display; the statement's own outcome is what counts.
            }
        }, "prepare-mimic-progress");
        poller.setDaemon(true);
        poller.start();
        try {
            s.execute(sql);
        } finally {
            poller.interrupt();
            try {
                poller.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        bar.advance(100 - shown.getAndSet(100));
        bar.finish();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long count(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<MalformedRows> rejected(Statement s, String rejects, String name) throws SQLException {
        long n;
        try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT line) FROM " + rejects + "_errors")) {
            rs.next();
            n = rs.getLong(1);
        }
        if (n == 0) {
            return List.of();
        }
        List<String> examples = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT line, column_name, error_type, csv_line FROM " + rejects
                + "_errors ORDER BY line LIMIT 3")) {
            while (rs.next()) {
                // One line per example: a broken quote's row spans lines of the file.
                String line = rs.getString(4) == null ? "" : rs.getString(4).strip().replace("\r", "\\r")
                        .replace("\n", "\\n");
                examples.add("line " + rs.getLong(1) + " (" + rs.getString(2) + "): " + rs.getString(3) + ": "
                        + (line.length() > 120 ? line.substring(0, 120) + "..." : line));
            }
        }
        return List.of(new MalformedRows(name, n, examples));
    }

    /** A fixed, seed-dependent order of ids: SplitMix64 of the id and the seed. */
    static long rank(long id, long seed) {
        long z = id * 0x9E3779B97F4A7C15L + seed;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long[] sortedByRank(List<Long> ids, long seed) {
        return ids.stream().sorted((a, b) -> {
            int r = Long.compare(rank(a, seed), rank(b, seed));
            return r != 0 ? r : Long.compare(a, b);
        }).mapToLong(Long::longValue).toArray();
    }

    private long sample(Connection c, Statement s, Table notes) throws SQLException {
        List<Long> subjects = new ArrayList<>();
        String valid = notes.table().equals("noteevents")
                ? " WHERE hadm_id IS NOT NULL AND (iserror IS NULL OR iserror <> '1')" : " WHERE hadm_id IS NOT NULL";
        try (ResultSet rs = s.executeQuery("SELECT DISTINCT subject_id FROM " + notes.qualified() + valid)) {
            while (rs.next()) {
                subjects.add(rs.getLong(1));
            }
        }
        long[] order = sortedByRank(subjects, seed);
        int n = Math.min(numSamples, order.length);
        if (n < numSamples) {
            say("only " + order.length + " patients have discharge notes; loading all of them");
        }
        s.execute("CREATE OR REPLACE TABLE main.sample_subjects (subject_id BIGINT PRIMARY KEY)");
        try (DuckDBAppender a = c.unwrap(DuckDBConnection.class).createAppender("main", "sample_subjects")) {
            for (int i = 0; i < n; i++) {
                a.beginRow().append(order[i]).endRow();
            }
        }
        return n;
    }

    private void createViews(Statement s) throws SQLException {
        String sep = "chr(10) || chr(10)";
        if (version == MimicVersion.MIMIC_III) {
            s.execute("CREATE OR REPLACE VIEW discharge_notes AS SELECT subject_id, hadm_id, string_agg(text, " + sep
                    + " ORDER BY CASE WHEN description = 'Report' THEN 0 ELSE 1 END, chartdate, row_id) AS note_text "
                    + "FROM mimiciii.noteevents WHERE category = 'Discharge summary' AND hadm_id IS NOT NULL "
                    + "AND (iserror IS NULL OR iserror <> '1') GROUP BY subject_id, hadm_id");
            for (String kind : List.of("diagnoses", "procedures")) {
                boolean px = kind.equals("procedures");
                s.execute("CREATE OR REPLACE VIEW " + kind + " AS SELECT d.subject_id, d.hadm_id, d.seq_num, "
                        + "d.icd9_code AS icd_code, 9 AS icd_version, "
                        + MimicTables.dotted("d.icd9_code", "9", px) + " AS code, t.long_title FROM mimiciii."
                        + kind + "_icd d LEFT JOIN mimiciii.d_icd_" + kind + " t ON t.icd9_code = d.icd9_code "
                        + "WHERE d.icd9_code IS NOT NULL AND d.hadm_id IS NOT NULL");
            }
        } else {
            s.execute("CREATE OR REPLACE VIEW discharge_notes AS SELECT subject_id, hadm_id, string_agg(text, " + sep
                    + " ORDER BY note_seq, note_id) AS note_text FROM mimiciv_note.discharge "
                    + "WHERE hadm_id IS NOT NULL GROUP BY subject_id, hadm_id");
            for (String kind : List.of("diagnoses", "procedures")) {
                boolean px = kind.equals("procedures");
                s.execute("CREATE OR REPLACE VIEW " + kind + " AS SELECT d.subject_id, d.hadm_id, d.seq_num, "
                        + "d.icd_code, d.icd_version, " + MimicTables.dotted("d.icd_code", "d.icd_version", px)
                        + " AS code, t.long_title FROM mimiciv_hosp." + kind + "_icd d LEFT JOIN mimiciv_hosp.d_icd_"
                        + kind + " t ON t.icd_code = d.icd_code AND t.icd_version = d.icd_version "
                        + "WHERE d.icd_code IS NOT NULL AND d.hadm_id IS NOT NULL");
            }
        }
        // Every code of the dictionaries, dotted as in the views above, with its system: what a coder can assign.
        StringBuilder dictionary = new StringBuilder("CREATE OR REPLACE VIEW code_dictionary AS ");
        for (String kind : List.of("diagnoses", "procedures")) {
            boolean px = kind.equals("procedures");
            if (px) {
                dictionary.append(" UNION ALL ");
            }
            if (version == MimicVersion.MIMIC_III) {
                dictionary.append("SELECT ").append(MimicTables.dotted("icd9_code", "9", px))
                        .append(" AS code, 9 AS icd_version, ").append(px).append(" AS is_procedure, long_title ")
                        .append("FROM mimiciii.d_icd_").append(kind).append(" WHERE icd9_code IS NOT NULL");
            } else {
                dictionary.append("SELECT ").append(MimicTables.dotted("icd_code", "icd_version", px))
                        .append(" AS code, CAST(icd_version AS INTEGER) AS icd_version, ").append(px)
                        .append(" AS is_procedure, long_title FROM mimiciv_hosp.d_icd_").append(kind)
                        .append(" WHERE icd_code IS NOT NULL");
            }
        }
        s.execute(dictionary.toString());
        s.execute("CREATE OR REPLACE VIEW admission_facts AS "
                + "WITH dx AS (SELECT hadm_id, list(code ORDER BY seq_num) AS codes, "
                + "arg_min(icd_version, seq_num) AS icd_version FROM diagnoses GROUP BY hadm_id), "
                + "px AS (SELECT hadm_id, list(code ORDER BY seq_num) AS codes FROM procedures GROUP BY hadm_id) "
                + "SELECT n.subject_id, n.hadm_id, n.note_text, dx.codes AS diagnosis_codes, "
                + "coalesce(px.codes, CAST([] AS VARCHAR[])) AS procedure_codes, "
                + "CASE WHEN dx.icd_version = 10 THEN 'icd10' ELSE 'icd9' END AS code_system "
                + "FROM discharge_notes n JOIN dx ON dx.hadm_id = n.hadm_id LEFT JOIN px ON px.hadm_id = n.hadm_id");
    }

    /**
     * Loads a synthetic release's {@value SyntheticMimic#NEGATED_MENTIONS_FILE} as table {@code negated_mentions},
     * for the admissions that were loaded, codes dotted as in the views; without the file (a PhysioNet release)
     * there is no such table, so that a database never describes another release's notes.
     */
    private void loadNegatedMentions(Statement s, Map<String, Long> rows) throws SQLException {
        s.execute("DROP TABLE IF EXISTS negated_mentions");
        String base = SyntheticMimic.NEGATED_MENTIONS_FILE.substring(0, SyntheticMimic.NEGATED_MENTIONS_FILE
                .length() - ".csv.gz".length());
        Path file = null;
        for (String ext : List.of(".csv.gz", ".csv")) {
            if (Files.isRegularFile(mimicDir.resolve(base + ext))) {
                file = mimicDir.resolve(base + ext);
                break;
            }
        }
        if (file == null) {
            return;
        }
        Table t = new Table(base, "main", "negated_mentions", List.of(
                new MimicTables.Column("subject_id", "subject_id", "BIGINT"),
                new MimicTables.Column("hadm_id", "hadm_id", "BIGINT"),
                new MimicTables.Column("icd_code", "icd_code", "VARCHAR"),
                new MimicTables.Column("icd_version", "icd_version", "INTEGER"),
                new MimicTables.Column("is_procedure", "is_procedure", "INTEGER"),
                new MimicTables.Column("kind", "kind", "VARCHAR"),
                new MimicTables.Column("phrase", "phrase", "VARCHAR")), true);
        checkHeader(t, file);
        s.execute("CREATE TABLE negated_mentions AS SELECT m.subject_id, m.hadm_id, m.icd_code, m.icd_version, "
                + "m.is_procedure = 1 AS is_procedure, CASE WHEN m.is_procedure = 1 THEN "
                + MimicTables.dotted("m.icd_code", "m.icd_version", true) + " ELSE "
                + MimicTables.dotted("m.icd_code", "m.icd_version", false) + " END AS code, m.kind, m.phrase FROM "
                + readCsv(t, file, "rejects_negated_mentions") + " m "
                + "WHERE m.icd_code IS NOT NULL AND m.icd_code <> '' AND m.hadm_id IN (SELECT hadm_id FROM ("
                + noteAdmissions() + "))");
        rows.put("negated_mentions", count(s, "negated_mentions"));
    }

    /** The admissions with a discharge note, from the source table (cheaper than the aggregating view). */
    private String noteAdmissions() {
        return version == MimicVersion.MIMIC_III
                ? "SELECT DISTINCT subject_id, hadm_id FROM mimiciii.noteevents WHERE category = 'Discharge summary' "
                        + "AND hadm_id IS NOT NULL AND (iserror IS NULL OR iserror <> '1')"
                : "SELECT DISTINCT subject_id, hadm_id FROM mimiciv_note.discharge WHERE hadm_id IS NOT NULL";
    }

    /** The admissions with at least one diagnosis code. */
    private String codedAdmissions() {
        return version == MimicVersion.MIMIC_III
                ? "SELECT DISTINCT hadm_id FROM mimiciii.diagnoses_icd WHERE icd9_code IS NOT NULL AND hadm_id IS NOT NULL"
                : "SELECT DISTINCT hadm_id FROM mimiciv_hosp.diagnoses_icd WHERE icd_code IS NOT NULL "
                        + "AND hadm_id IS NOT NULL";
    }

    private Map<String, Long> createSplits(Connection c, Statement s) throws SQLException {
        List<Long> subjects = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT DISTINCT subject_id FROM (" + noteAdmissions() + ")")) {
            while (rs.next()) {
                subjects.add(rs.getLong(1));
            }
        }
        // Another stream than the sample's, so that a sample is not split in the order it was drawn.
        long[] order = sortedByRank(subjects, seed ^ 0x5EED5EED5EEDL);
        int train = (int) Math.round(order.length * 0.8);
        int validation = (int) Math.round(order.length * 0.1);
        s.execute("CREATE OR REPLACE TABLE patient_splits (subject_id BIGINT PRIMARY KEY, split VARCHAR NOT NULL)");
        try (DuckDBAppender a = c.unwrap(DuckDBConnection.class).createAppender("main", "patient_splits")) {
            for (int i = 0; i < order.length; i++) {
                a.beginRow().append(order[i]).append(i < train ? "train" : i < train + validation ? "validation"
                        : "test").endRow();
            }
        }
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String split : SPLITS) {
            s.execute("CREATE OR REPLACE VIEW split_" + split + " AS SELECT f.* FROM admission_facts f "
                    + "JOIN patient_splits p ON p.subject_id = f.subject_id WHERE p.split = '" + split + "'");
            sizes.put(split, 0L);
        }
        // Counted on the source tables: the same rows as the views, without building notes and code lists.
        try (ResultSet rs = s.executeQuery("SELECT p.split, count(*) FROM (" + noteAdmissions() + ") n JOIN ("
                + codedAdmissions() + ") d ON d.hadm_id = n.hadm_id JOIN patient_splits p ON p.subject_id = "
                + "n.subject_id GROUP BY p.split")) {
            while (rs.next()) {
                sizes.put(rs.getString(1), rs.getLong(2));
            }
        }
        return sizes;
    }
}
