package org.den4j.bench;

import static org.den4j.bench.Samples.list;
import static org.den4j.bench.Samples.median;
import static org.den4j.bench.Samples.verdict;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.den4j.bench.Measurement.Verdict;
import org.den4j.data.ImportReport;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.PromptEncoder;
import org.den4j.data.SyntheticMimic;
import org.den4j.data.TokenSetWriter;
import org.den4j.data.TokenStats;
import org.den4j.data.TrainingConfig;
import org.den4j.data.WordLevelTokenizer;
import org.den4j.den.io.FileTree;

/**
 * Measures the data pipeline on a synthetic MIMIC: loading it into DuckDB ({@code prepare-mimic}) against
 * DuckDB's own {@code read_csv} of the same files in the same run (target within 1.5x), and tokenization on two
 * threads against one (target at least 1.6x faster), plus synthesis and {@code prepare-tokens} for
 * information.
 *
 * <pre>{@code
 * BenchReport report = DataBenchmark.builder().quick().build().run();
 * System.out.print(report.toTable());
 * }</pre>
 */
public final class DataBenchmark {
    /** The size. */
    public static final int DEFAULT_ADMISSIONS = 100_000;
    /** The size of {@code --quick}. */
    public static final int QUICK_ADMISSIONS = 5_000;
    public static final String SYNTH = "synth-mimic";
    public static final String LOAD = "load-vs-read-csv";
    public static final String TOKENIZE = "tokenize-2-vs-1-threads";
    public static final String PREPARE_TOKENS = "prepare-tokens";
    /** The row ids, in report order. */
    public static final List<String> ROWS = List.of(SYNTH, LOAD, TOKENIZE, PREPARE_TOKENS);
    /** Examples of the tokenization rows unless told otherwise. */
    public static final int DEFAULT_TOKENIZE_EXAMPLES = 10_000;
    /** Admissions per patient of the synthetic MIMIC, on average (1 to 4, mostly 1). */
    static final double ADMISSIONS_PER_PATIENT = 1.43;

    private final int admissions;
    private final int repeats;
    private final Path workDir;
    private final boolean keep;
    private final Path tokenizer;
    private final int tokenizeExamples;
    private final PrintStream log;

    private DataBenchmark(Builder b) {
        this.tokenizeExamples = b.tokenizeExamples;
        this.admissions = b.admissions;
        this.repeats = b.repeats;
        this.workDir = b.workDir;
        this.keep = b.keep;
        this.tokenizer = b.tokenizer;
        this.log = b.log;
    }

    /** A builder with the size: 100,000 admissions, 3 repeats. */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a run. */
    public static final class Builder {
        private int admissions = DEFAULT_ADMISSIONS;
        private int repeats = 3;
        private Path workDir;
        private boolean keep;
        private Path tokenizer;
        private int tokenizeExamples = DEFAULT_TOKENIZE_EXAMPLES;
        private PrintStream log = System.err;

        private Builder() {
        }

        /** {@value #QUICK_ADMISSIONS} admissions and one repeat, for CI. */
        public Builder quick() {
            admissions = QUICK_ADMISSIONS;
            repeats = 1;
            return this;
        }

        /** About this many admissions (patients are drawn until the count is near it). */
        public Builder admissions(int admissions) {
            if (admissions < 100) {
                throw new IllegalArgumentException("Admissions " + admissions + " are too few to measure; use 100 or "
                        + "more");
            }
            this.admissions = admissions;
            return this;
        }

        /** Runs of each timed side; the table gives medians. */
        public Builder repeats(int repeats) {
            if (repeats < 1) {
                throw new IllegalArgumentException("Repeats " + repeats + " must be at least 1");
            }
            this.repeats = repeats;
            return this;
        }

        /** Where the run directory goes (default: java.io.tmpdir). */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** Keep the run directory afterwards. */
        public Builder keep(boolean keep) {
            this.keep = keep;
            return this;
        }

        /** A tokenizer.json (or model folder) to measure; default: a word-level one built from the notes. */
        public Builder tokenizer(Path tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /**
         * How many examples the tokenization rows use (default {@value #DEFAULT_TOKENIZE_EXAMPLES}): the first
         * ones of {@code admission_facts} for the thread comparison, and a sample of about as many admissions
         * for {@code prepare-tokens}. The thread ratio does not need all admissions, and one thread on all of
         * them takes many minutes on a loaded machine.
         */
        public Builder tokenizeExamples(int tokenizeExamples) {
            if (tokenizeExamples < 10) {
                throw new IllegalArgumentException("Tokenize examples " + tokenizeExamples + " are too few; use 10 "
                        + "or more");
            }
            this.tokenizeExamples = tokenizeExamples;
            return this;
        }

        /** Where progress lines go (default System.err). */
        public Builder log(PrintStream log) {
            this.log = log;
            return this;
        }

        public DataBenchmark build() {
            return new DataBenchmark(this);
        }
    }

    private void log(String line) {
        log.println(line);
        log.flush();
    }

    /** Runs the benchmark and returns its report; the run directory is deleted unless kept. */
    public BenchReport run() {
        try (BenchRun run = BenchRun.start(workDir, "den4j-bench-data-", keep, this::log)) {
            run.startMeasuring();
            List<Measurement> rows = new ArrayList<>();
            List<String> header = new ArrayList<>();
            measure(run.work(), rows, header);
            return run.report(header, rows);
        } catch (IOException e) {
            throw new UncheckedIOException("Data benchmark failed: " + e, e);
        } catch (SQLException e) {
            throw new IllegalStateException("Data benchmark failed in DuckDB: " + e.getMessage(), e);
        }
    }

    private void measure(Path work, List<Measurement> rows, List<String> header) throws IOException, SQLException {
        int patients = (int) Math.ceil(admissions / ADMISSIONS_PER_PATIENT);
        Path release = work.resolve("mimic-iv");
        log(String.format(Locale.ROOT, "synth-mimic: %,d patients (about %,d admissions)", patients, admissions));
        long t0 = System.nanoTime();
        SyntheticMimic.Summary synth = SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(patients).seed(42)
                .progress(log).build().write(release);
        double synthMs = (System.nanoTime() - t0) / 1e6;
        long releaseBytes = FileTree.size(release);
        rows.add(new Measurement(SYNTH, "synth-mimic", synthMs / 1000, "s", null, 0, 0, "", Verdict.INFO,
                String.format(Locale.ROOT, "%,d patients, %,d admissions, %,d discharge notes, %,d diagnosis rows; "
                        + "%.1f MiB of .csv.gz", synth.patients(), synth.admissions(), synth.dischargeNotes(),
                        synth.diagnosisRows(), releaseBytes / 1048576.0)));
        header.add(String.format(Locale.ROOT, "den4j data benchmark: synthetic MIMIC-IV, %,d admissions (%,d patients), "
                + "medians of %d runs", synth.admissions(), synth.patients(), repeats));
        header.add(String.format(Locale.ROOT, "work dir %s (%s), %d cores, Java %s, max heap %d MiB", work,
                Files.getFileStore(work).type(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / 1048576));
        if (admissions != DEFAULT_ADMISSIONS) {
            header.add(String.format(Locale.ROOT, "targets are the issue's, set for %,d admissions", DEFAULT_ADMISSIONS));
        }

        // Loading: den4j's prepare-mimic against DuckDB's read_csv of the same files, alternating the order.
        List<Path> files = FileTree.files(release).stream().filter(p -> p.toString().endsWith(".csv.gz"))
                .filter(p -> !p.getFileName().toString().startsWith("discharge_detail")).sorted().toList();
        double[] oursMs = new double[repeats];
        double[] refMs = new double[repeats];
        ImportReport report = null;
        for (int r = 0; r < repeats; r++) {
            for (int side = 0; side < 2; side++) {
                boolean ours = (side == 0) == (r % 2 == 0);
                Path dir = work.resolve(ours ? "ours-" + r : "ref-" + r);
                if (ours) {
                    log(String.format(Locale.ROOT, "prepare-mimic %d/%d", r + 1, repeats));
                    long s = System.nanoTime();
                    report = MimicImport.builder(release, MimicVersion.MIMIC_IV).outputDir(dir).build().run();
                    oursMs[r] = (System.nanoTime() - s) / 1e6;
                } else {
                    log(String.format(Locale.ROOT, "DuckDB read_csv of the same %d files %d/%d", files.size(), r + 1,
                            repeats));
                    refMs[r] = readCsv(files, dir);
                }
                if (r < repeats - 1 || !ours) {
                    FileTree.delete(dir);
                }
            }
        }
        double ratio = median(oursMs) / median(refMs);
        rows.add(new Measurement(LOAD, "prepare-mimic (load, views, splits)", median(oursMs) / 1000, "s",
                "DuckDB read_csv", median(refMs) / 1000, ratio, "<= 1.5x ref", verdict(ratio <= 1.5),
                String.format(Locale.ROOT, "%.1f MiB of .csv.gz in %d files, %,d admission_facts (runs: den4j %s; "
                        + "read_csv %s); read_csv is CREATE TABLE AS SELECT * FROM read_csv(file) with detection",
                        releaseBytes / 1048576.0, files.size(), report.facts(), list(oursMs), list(refMs))));

        // Tokenization: the same examples encoded on one thread and on two.
        Path db = report.database();
        List<String[]> all = readExamples(db);
        List<String[]> examples = all.subList(0, Math.min(all.size(), tokenizeExamples));
        Path tok = tokenizer != null ? tokenizer : WordLevelTokenizer.write(work.resolve("tokenizer"),
                () -> examples.stream().limit(5000).map(e -> e[0]).iterator(), 30_000);
        TrainingConfig.Data data = TrainingConfig.defaults().data();
        double[] oneMs = new double[repeats];
        double[] twoMs = new double[repeats];
        long tokens = 0;
        try (PromptEncoder encoder = PromptEncoder.open(tok, data)) {
            log("tokenizer warm-up");
            encode(encoder, examples.subList(0, Math.min(2000, examples.size())), 2);
            for (int r = 0; r < repeats; r++) {
                for (int side = 0; side < 2; side++) {
                    int threads = (side == 0) == (r % 2 == 0) ? 1 : 2;
                    log(String.format(Locale.ROOT, "tokenize %,d examples on %d thread%s %d/%d", examples.size(),
                            threads, threads == 1 ? "" : "s", r + 1, repeats));
                    long s = System.nanoTime();
                    tokens = encode(encoder, examples, threads);
                    (threads == 1 ? oneMs : twoMs)[r] = (System.nanoTime() - s) / 1e6;
                }
            }
        }
        double speedup = median(oneMs) / median(twoMs);
        rows.add(new Measurement(TOKENIZE, "tokenize, 2 threads", tokens / (median(twoMs) / 1000) / 1000, "ktok/s",
                "1 thread", tokens / (median(oneMs) / 1000) / 1000, speedup, ">= 1.6x ref", verdict(speedup >= 1.6),
                String.format(Locale.ROOT, "the first %,d examples, %,d tokens (max_length %d); %s; 2 threads %.0f ms vs 1 "
                        + "thread %.0f ms (runs: 2 threads %s; 1 thread %s)", examples.size(), tokens, data.maxLength(),
                        tokenizer != null ? "tokenizer " + tok : "word-level tokenizer built from the notes",
                        median(twoMs), median(oneMs), list(twoMs), list(oneMs))));

        Path tokensDb = db;
        if (all.size() > tokenizeExamples) {
            log(String.format(Locale.ROOT, "prepare-mimic --num-samples %d for prepare-tokens",
                    (int) Math.ceil(tokenizeExamples / ADMISSIONS_PER_PATIENT)));
            tokensDb = MimicImport.builder(release, MimicVersion.MIMIC_IV).outputDir(work.resolve("sample"))
                    .numSamples((int) Math.ceil(tokenizeExamples / ADMISSIONS_PER_PATIENT)).build().run().database();
        }
        log("prepare-tokens, 2 threads");
        long s = System.nanoTime();
        TokenStats stats = TokenSetWriter.builder(TrainingConfig.defaults()).inputDb(tokensDb)
                .outputDir(work.resolve("tokens")).tokenizer(tok).threads(2).build().write();
        double prepMs = (System.nanoTime() - s) / 1e6;
        long written = stats.splits().stream().mapToLong(TokenStats.Split::examples).sum();
        rows.add(new Measurement(PREPARE_TOKENS, "prepare-tokens, 2 threads", prepMs / 1000, "s", null, 0, 0, "",
                Verdict.INFO, String.format(Locale.ROOT, "%,d examples read, tokenized and written to tokens.duckdb; "
                        + "train mean %.0f tokens, %,d cut to %d", written, stats.split("train").meanTokens(),
                        stats.split("train").truncated(), stats.maxLength())));
    }

    /** DuckDB's own load of the files: one table per file, types detected; returns milliseconds. */
    private static double readCsv(List<Path> files, Path dir) throws IOException, SQLException {
        Files.createDirectories(dir);
        long s = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("ref.duckdb").toAbsolutePath());
                Statement st = c.createStatement()) {
            int i = 0;
            for (Path f : files) {
                st.execute("CREATE TABLE t" + (i++) + " AS SELECT * FROM read_csv('" + f.toAbsolutePath() + "')");
            }
        }
        return (System.nanoTime() - s) / 1e6;
    }

    /** {note, codes joined by '\n'} of every admission, in hadm_id order. */
    private static List<String[]> readExamples(Path db) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db.toAbsolutePath());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT note_text, diagnosis_codes, procedure_codes FROM admission_facts "
                        + "ORDER BY hadm_id")) {
            while (rs.next()) {
                List<String> codes = new ArrayList<>(strings(rs.getArray(2)));
                codes.addAll(strings(rs.getArray(3)));
                out.add(new String[] {rs.getString(1), String.join("\n", codes)});
            }
        }
        return out;
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.stream((Object[]) a.getArray()).map(String::valueOf).toList();
    }

    /** Encodes every example in batches on {@code threads} threads; returns the number of tokens. */
    static long encode(PromptEncoder encoder, List<String[]> examples, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> parts = new ArrayList<>();
            int batch = 256;
            for (int from = 0; from < examples.size(); from += batch) {
                List<String[]> slice = examples.subList(from, Math.min(examples.size(), from + batch));
                parts.add(pool.submit(() -> {
                    long n = 0;
                    for (String[] e : slice) {
                        PromptEncoder.Example x = encoder.encode(0, e[0], List.of(e[1].split("\n")));
                        n += x == null ? 0 : x.inputIds().length;
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> f : parts) {
                total += f.get();
            }
            return total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("tokenizing failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A stream that drops everything, for quiet runs. */
    static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
