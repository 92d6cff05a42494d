package org.den4j.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.den4j.data.internal.DuckDbFiles;
import org.den4j.den.Den;
import org.den4j.den.DenException;
import org.den4j.den.ProgressBar;
import org.den4j.den.ProgressListener;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes the tokenized training sets: reads {@code split_train}, {@code split_validation} and
 * {@code split_test} of the MIMIC database, builds prompt/completion pairs with {@link PromptEncoder}, tokenizes
 * them on several threads, and stores {@code tokens_train}, {@code tokens_validation}, {@code tokens_test}
 * ({@code hadm_id BIGINT, input_ids INTEGER[], attention_mask INTEGER[], label_mask INTEGER[], prompt_text
 * VARCHAR, completion_text VARCHAR}) and {@code token_stats} in {@code DIR/tokens.duckdb}.
 *
 * <pre>{@code
 * TokenStats stats = TokenSetWriter.builder(TrainingConfig.read(Path.of("config/training-config.yaml")))
 *     .tokenizer(Path.of("models/tiny/tokenizer.json")).build().write();
 * }</pre>
 *
 * <p>The completion is the admission's diagnosis codes then its procedure codes, dotted, comma-separated.
 * The file is written under a temporary name and moved into place at the end, so readers never see a
 * half-written one; an existing {@code tokens.duckdb} is replaced.
 */
public final class TokenSetWriter {
    private static final int BATCH = 256;

    private final TrainingConfig config;
    private final Path inputDb;
    private final Path outputDir;
    private final Path tokenizer;
    private final int threads;
    private final int maxLength;
    private final PrintStream progress;

    private TokenSetWriter(Builder b) {
        this.config = b.config;
        this.inputDb = b.inputDb != null ? b.inputDb : b.config.data().database();
        this.outputDir = b.outputDir != null ? b.outputDir : b.config.data().tokensDir();
        this.tokenizer = b.tokenizer;
        this.threads = b.threads > 0 ? b.threads : b.config.data().threads();
        this.maxLength = b.maxLength > 0 ? b.maxLength : b.config.data().maxLength();
        this.progress = b.progress;
    }

    /** A builder that takes everything it is not told from {@code config}. */
    public static Builder builder(TrainingConfig config) {
        return new Builder(Objects.requireNonNull(config, "config"));
    }

    /** Settings of a run; only the configuration is required. */
    public static final class Builder {
        private final TrainingConfig config;
        private Path inputDb;
        private Path outputDir;
        private Path tokenizer;
        private int threads;
        private int maxLength;
        private PrintStream progress;

        private Builder(TrainingConfig config) {
            this.config = config;
        }

        /** The MIMIC database (default: the configuration's {@code data.database}). */
        public Builder inputDb(Path inputDb) {
            this.inputDb = inputDb;
            return this;
        }

        /** Where {@code tokens.duckdb} goes (default: {@code data.tokens_dir}). */
        public Builder outputDir(Path outputDir) {
            this.outputDir = outputDir;
            return this;
        }

        /**
         * A {@code tokenizer.json} or a folder holding one (default: that of {@code model.path}, else of
         * {@code model.name} as a folder or as a model in the den).
         */
        public Builder tokenizer(Path tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /** Tokenizer threads (default: {@code data.threads}). */
        public Builder threads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The longest example in tokens (default: {@code data.max_length}). */
        public Builder maxLength(int maxLength) {
            if (maxLength < 0) {
                throw new IllegalArgumentException("max-length must be at least 1, was " + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        /** Where to draw progress, such as {@code System.err}; null (the default) for none. */
        public Builder progress(PrintStream progress) {
            this.progress = progress;
            return this;
        }

        public TokenSetWriter build() {
            return new TokenSetWriter(this);
        }
    }

    /** The database this run writes. */
    public Path database() {
        return outputDir.resolve(TokenSets.FILE_NAME);
    }

    /**
     * The tokenizer this run uses: the one given, else {@code model.path}, else {@code model.name} as a folder,
     * else {@code model.name} fetched from the den.
     *
     * @throws DataException when none can be found, naming what was tried
     */
    public Path resolveTokenizer() {
        if (tokenizer != null) {
            return tokenizer;
        }
        TrainingConfig.Model model = config.model();
        String where = config.file() == null ? "the training configuration" : config.file().toString();
        if (model.path() != null) {
            return model.path();
        }
        Path asFolder = Path.of(model.name());
        if (Files.isDirectory(asFolder)) {
            return asFolder;
        }
        try (Den den = Den.open()) {
            return den.fetch(model.name());
        } catch (DenException e) {
            throw new DataInputException("No tokenizer: model.name " + model.name() + " in " + where + " is not a folder, "
                    + "and the den cannot give it (" + e.getMessage() + "); pass --tokenizer PATH (a tokenizer.json "
                    + "or model folder), set model.path, or build the model with ./jbang lm-kit", e);
        }
    }

    /**
     * Tokenizes the three splits and writes {@code tokens.duckdb}.
     *
     * @throws DataException when the database, its split views or the tokenizer are missing, or writing fails
     */
    public TokenStats write() {
        long start = System.nanoTime();
        if (!Files.isRegularFile(inputDb)) {
            throw new DataInputException("MIMIC database " + inputDb + " does not exist; write it with ./jbang "
                    + "prepare-mimic --output-dir " + (inputDb.getParent() == null ? "." : inputDb.getParent())
                    + ", or pass --input-db");
        }
        Path target = database();
        Path tmp = outputDir.resolve(TokenSets.FILE_NAME + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(outputDir);
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            throw new DataException("Cannot create output folder " + outputDir + ": " + e.getMessage(), e);
        }
        Path tokenizerPath = resolveTokenizer();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "prepare-tokens");
            t.setDaemon(true);
            return t;
        });
        AtomicLong tokenizeNanos = new AtomicLong();
        try (PromptEncoder encoder = PromptEncoder.open(tokenizerPath, config.data().promptTemplate(), maxLength);
                Connection in = DuckDbFiles.openForReading(inputDb);
                Connection out = DriverManager.getConnection("jdbc:duckdb:" + tmp.toAbsolutePath());
                Statement os = out.createStatement()) {
            checkSplits(in);
            List<long[]> counts = new ArrayList<>();
            long tokStart = System.nanoTime();
            for (String split : TokenSets.SPLITS) {
                String table = TokenSets.table(split);
                os.execute("CREATE TABLE " + table + " (hadm_id BIGINT, input_ids INTEGER[], attention_mask "
                        + "INTEGER[], label_mask INTEGER[], prompt_text VARCHAR, completion_text VARCHAR)");
                counts.add(writeSplit(split, in, out, encoder, pool));
            }
            tokenizeNanos.set(System.nanoTime() - tokStart);
            List<TokenStats.Split> splits = new ArrayList<>();
            os.execute("CREATE TABLE token_stats (split VARCHAR, examples BIGINT, truncated BIGINT, skipped BIGINT, "
                    + "min_tokens INTEGER, mean_tokens DOUBLE, median_tokens INTEGER, p95_tokens INTEGER, "
                    + "max_tokens INTEGER, mean_completion_tokens DOUBLE, mean_prompt_tokens_before_cut DOUBLE, "
                    + "max_length INTEGER, threads INTEGER, tokenizer VARCHAR, created_at TIMESTAMP)");
            for (int i = 0; i < TokenSets.SPLITS.size(); i++) {
                String split = TokenSets.SPLITS.get(i);
                long[] c = counts.get(i);
                TokenStats.Split s = stats(os, split, c[0], c[1], c[2], c[0] == 0 ? 0 : (double) c[3] / c[0]);
                splits.add(s);
                os.execute("INSERT INTO token_stats VALUES ('" + split + "', " + s.examples() + ", " + s.truncated()
                        + ", " + s.skipped() + ", " + s.minTokens() + ", " + s.meanTokens() + ", " + s.medianTokens()
                        + ", " + s.p95Tokens() + ", " + s.maxTokens() + ", " + s.meanCompletionTokens() + ", "
                        + s.promptTokensBeforeCutMean() + ", " + maxLength + ", " + threads + ", '"
                        + encoder.tokenizerFile().toAbsolutePath().toString().replace("'", "''")
                        + "', current_timestamp)");
            }
            os.execute("CHECKPOINT");
            out.close();
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return new TokenStats(target, encoder.tokenizerFile(), maxLength, threads, splits,
                    Duration.ofNanos(tokenizeNanos.get()), Duration.ofNanos(System.nanoTime() - start));
        } catch (SQLException | IOException e) {
            throw new DataException("Writing tokenized sets from " + inputDb + " to " + target + " failed: "
                    + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
            try {
                Files.deleteIfExists(tmp);
                Files.deleteIfExists(Path.of(tmp + ".wal"));
            } catch (IOException e) {
                // The run's own outcome is what matters; a leftover temporary file is named by its suffix.
            }
        }
    }

    private void checkSplits(Connection in) throws SQLException {
        try (Statement s = in.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM "
                + "information_schema.tables WHERE table_name IN ('split_train', 'split_validation', 'split_test')")) {
            rs.next();
            if (rs.getLong(1) < 3) {
                throw new DataInputException(inputDb + " has no split_train, split_validation and split_test views; it "
                        + "was not written by prepare-mimic: run ./jbang prepare-mimic first");
            }
        }
    }

    private record Row(long hadmId, String note, List<String> codes) {
    }

    private static List<String> strings(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) a.getArray()).map(String::valueOf).toList();
    }

    /** Returns {examples, truncated, skipped, promptTokensBeforeCut sum}. */
    private long[] writeSplit(String split, Connection in, Connection out, PromptEncoder encoder,
            ExecutorService pool) throws SQLException {
        long total;
        try (Statement s = in.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM split_" + split)) {
            rs.next();
            total = rs.getLong(1);
        }
        ProgressListener bar = progress == null ? ProgressListener.NONE : new ProgressBar(progress, 0, "examples");
        bar.start("prepare-tokens " + split, total);
        long[] counts = new long[4];
        Deque<Future<List<PromptEncoder.Example>>> pending = new ArrayDeque<>();
        try (Statement s = in.createStatement();
                ResultSet rs = s.executeQuery("SELECT hadm_id, note_text, diagnosis_codes, procedure_codes FROM split_"
                        + split + " ORDER BY hadm_id");
                DuckDBAppender appender = out.unwrap(DuckDBConnection.class).createAppender("main",
                        TokenSets.table(split))) {
            List<Row> batch = new ArrayList<>(BATCH);
            while (rs.next()) {
                List<String> codes = new ArrayList<>(strings(rs.getArray(3)));
                codes.addAll(strings(rs.getArray(4)));
                batch.add(new Row(rs.getLong(1), rs.getString(2), codes));
                if (batch.size() == BATCH) {
                    pending.add(submit(pool, encoder, batch));
                    batch = new ArrayList<>(BATCH);
                    // Keep a few batches in flight per thread, no more: memory stays flat on large sets.
                    while (pending.size() >= 2 * threads) {
                        append(pending.poll(), appender, counts, bar);
                    }
                }
            }
            if (!batch.isEmpty()) {
                pending.add(submit(pool, encoder, batch));
            }
            while (!pending.isEmpty()) {
                append(pending.poll(), appender, counts, bar);
            }
        }
        bar.finish();
        return counts;
    }

    private static Future<List<PromptEncoder.Example>> submit(ExecutorService pool, PromptEncoder encoder,
            List<Row> batch) {
        return pool.submit(() -> {
            List<PromptEncoder.Example> out = new ArrayList<>(batch.size());
            for (Row r : batch) {
                PromptEncoder.Example e = encoder.encode(r.hadmId(), r.note(), r.codes());
                out.add(e != null ? e : new PromptEncoder.Example(r.hadmId(), null, null, null, null, false, 0));
            }
            return out;
        });
    }

    private static void append(Future<List<PromptEncoder.Example>> future, DuckDBAppender appender, long[] counts,
            ProgressListener bar) throws SQLException {
        List<PromptEncoder.Example> examples;
        try {
            examples = future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("Interrupted while tokenizing", e);
        } catch (ExecutionException e) {
            throw new DataException("Tokenizing failed: " + e.getCause().getMessage(), e.getCause());
        }
        for (PromptEncoder.Example e : examples) {
            if (e.inputIds() == null) {
                counts[2]++;
                continue;
            }
            int[] ones = new int[e.inputIds().length];
            Arrays.fill(ones, 1);
            appender.beginRow().append(e.hadmId()).append(e.inputIds()).append(ones).append(e.labelMask())
                    .append(e.promptText()).append(e.completionText()).endRow();
            counts[0]++;
            if (e.truncated()) {
                counts[1]++;
            }
            counts[3] += e.promptTokensBeforeCut();
        }
        bar.advance(examples.size());
    }

    private static TokenStats.Split stats(Statement s, String split, long examples, long truncated, long skipped,
            double before) throws SQLException {
        String table = TokenSets.table(split);
        try (ResultSet rs = s.executeQuery("SELECT coalesce(min(len(input_ids)), 0), coalesce(avg(len(input_ids)), 0), "
                + "coalesce(quantile_disc(len(input_ids), 0.5), 0), coalesce(quantile_disc(len(input_ids), 0.95), 0), "
                + "coalesce(max(len(input_ids)), 0), coalesce(avg(list_sum(label_mask)), 0) FROM " + table)) {
            rs.next();
            return new TokenStats.Split(split, examples, truncated, skipped, rs.getInt(1), rs.getDouble(2),
                    rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getDouble(6), before);
        }
    }
}
