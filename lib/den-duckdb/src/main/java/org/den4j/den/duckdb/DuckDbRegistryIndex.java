package org.den4j.den.duckdb;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;
import org.den4j.den.ModelInfo;
import org.den4j.den.RegistryIndex;
import org.den4j.den.RegistryQuery;
import org.den4j.den.duckdb.internal.Fingerprint;
import org.den4j.den.duckdb.internal.SearchSql;
import org.den4j.den.duckdb.internal.Tables;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * A registry index that answers searches with SQL in an embedded DuckDB database; the den's JSON
 * documents stay the truth and the tables are rebuilt from them when they change.
 *
 * <p>Select it with {@code DEN4J_REGISTRY_INDEX=duckdb} or {@code DenConfig.withRegistryIndex("duckdb")}
 * when this module is on the class path; the den opens it, passes it the den's records on each
 * search, and closes it. A search returns exactly what the in-memory index returns, in the same order.
 *
 * <pre>{@code
 * try (Den den = Den.open(DenConfig.fromEnvironment().withRegistryIndex("duckdb"));
 *      DuckDbRegistryIndex sql = DuckDbRegistryIndex.inMemory()) {
 *     List<ModelInfo> coders = den.search(RegistryQuery.builder().text("icd").tag("mimic-iv").build());
 *     sql.load(den.list()); // SQL of your own over the same tables
 *     List<Map<String, Object>> best = sql.query(
 *         "SELECT name, version, value FROM model_metrics WHERE metric = ? ORDER BY value DESC LIMIT 5", "f1_micro");
 * }
 * }</pre>
 *
 * <h2>When the tables change</h2>
 * The index keeps the records it was last given. A list holding the same record instances in the
 * same order costs a pass of reference comparisons (microseconds). When one stretch of the list
 * differs (what a push, an update or a delete does to the den's sorted list) and it is small, only
 * those rows are deleted and appended and the positions after them shifted. Any other list is
 * fingerprinted (a SHA-256 over every field the tables hold) and the tables are rebuilt, with DuckDB
 * appenders, only when the fingerprint differs.
 *
 * <h2>The index file</h2>
 * With an index directory (the den passes {@code <den>/index}) the tables are also saved there as
 * {@code registry.duckdb} with their fingerprint, so a new process whose den has not changed copies
 * the saved tables instead of rebuilding them. The file is written after each rebuild, and on
 * {@link #close()} when the tables changed in place since. Searches always run on this process's own in-memory
 * database: the file is a snapshot, attached read-only for the copy and detached at once, and a
 * new snapshot is written under a temporary name and renamed over the old one. So no process holds
 * the file's lock for long and any number of processes share it. When the file cannot be read (a
 * process holds it open for writing, it was written by a newer DuckDB, it is damaged) the
 * process builds its tables from the records and logs why at {@code INFO}; when it cannot be written,
 * the search goes on without saving. A search never fails because of the file.
 *
 * <p>The file is replaced only while this process can take its lock, and never read while it has a
 * write-ahead log: DuckDB names the log after the path, so a log left by a process that opened the
 * file for writing (a user's {@code duckdb registry.duckdb}, say) would replay onto a new file.
 *
 * <h2>Tables</h2>
 * <pre>
 * models         pos INTEGER, name VARCHAR, version INTEGER, digest VARCHAR, description VARCHAR,
 *                model_type VARCHAR, architecture VARCHAR, parent VARCHAR (digest), parent_ref VARCHAR,
 *                created TIMESTAMPTZ, updated TIMESTAMPTZ, size BIGINT, file_count INTEGER,
 *                license VARCHAR, source_url VARCHAR, inference_code VARCHAR, supported_backends VARCHAR[],
 *                min_memory_mb BIGINT, gpu_required BOOLEAN, min_gpu_memory_mb BIGINT, min_cpu_cores INTEGER,
 *                hardware_notes VARCHAR, hf_config JSON, extra JSON,
 *                tags VARCHAR[], input_types VARCHAR[], output_types VARCHAR[],
 *                search_text VARCHAR, model_type_key VARCHAR, architecture_key VARCHAR
 * model_tags     pos INTEGER, name VARCHAR, version INTEGER, tag VARCHAR                  -- one row per tag
 * model_io       pos INTEGER, name VARCHAR, version INTEGER, direction VARCHAR ('input' or 'output'),
 *                io_index INTEGER, io_name VARCHAR, data_type VARCHAR (TEXT, IMAGE, ...), shape BIGINT[],
 *                dtype VARCHAR, description VARCHAR, optional BOOLEAN                     -- one row per input or output
 * model_metrics  pos INTEGER, name VARCHAR, version INTEGER, metric VARCHAR, value DOUBLE  -- one row per metric
 * index_state    key VARCHAR, value VARCHAR       -- fingerprint, schema_version, models, built_at
 * </pre>
 * {@code pos} is the record's position in the list the tables were built from and joins the tables;
 * {@code (name, version)} names the model. The list columns repeat {@code model_tags} and the data
 * types of {@code model_io} so that searches need no join; {@code search_text}, {@code model_type_key}
 * and {@code architecture_key} are derived in Java so that SQL compares exactly as
 * {@link String#equalsIgnoreCase} and {@link String#toLowerCase(java.util.Locale)} do.
 *
 * <p>Limitations: DuckDB stores text as UTF-8, so an unpaired UTF-16 surrogate in a record is stored
 * as {@code ?} and a query word {@code ?} may then match where the in-memory index does not. The
 * index is thread-safe; calls are serialised. Whoever opens an index closes it.
 */
public final class DuckDbRegistryIndex implements RegistryIndex {
    /** The file name of the saved index inside the index directory. */
    public static final String FILE_NAME = "registry.duckdb";

    private static final System.Logger LOG = System.getLogger("org.den4j.den.duckdb");
    private static final int STATEMENT_CACHE = 256;
    /** SQL that may commit a transaction of its own; CASE ... END is not matched. */
    private static final java.util.regex.Pattern COMMIT = java.util.regex.Pattern.compile(
            "(?i)\\b(commit|end\\s+(transaction|work)|end\\s*;|end\\s*$)");
    /** A change of at most this many records, or of {@link #SPLICE_FRACTION} of them, is applied in place. */
    private static final int SPLICE_MIN = 256;
    private static final int SPLICE_FRACTION = 10;

    private final Path file;
    private final DuckDBConnection connection;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true);
    private DuckDBConnection userConnection;
    /** The records the tables were built from, copied so that a list changed in place is noticed. */
    private ModelInfo[] loaded;
    /** The fingerprint of {@link #loaded}, or null when a splice left it to be computed. */
    private String fingerprint;
    /** True when the index file is older than the tables. */
    private boolean unsaved;
    private IndexLoad lastLoad;
    private boolean closed;

    /**
     * Opens an index.
     *
     * @param indexDirectory where to keep {@value #FILE_NAME}, or null to keep the index in memory only;
     *     created when first needed
     * @throws DenException when DuckDB cannot start on this machine
     */
    public DuckDbRegistryIndex(Path indexDirectory) {
        this.file = indexDirectory == null ? null : indexDirectory.resolve(FILE_NAME);
        try {
            // The driver directly, not DriverManager: notebook kernels and agents load this module in a
            // class loader that DriverManager does not search.
            Properties settings = new Properties();
            // The tables fit in one row group (122,880 rows) up to far beyond any den, and DuckDB does not
            // split a row group between threads: more threads would only idle, one pool per open den.
            settings.setProperty("threads", "1");
            this.connection = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", settings);
            Tables.create(connection);
        } catch (SQLException | RuntimeException | LinkageError e) {
            throw new DenException("Cannot start DuckDB for the registry index (" + e
                    + "); set DEN4J_REGISTRY_INDEX=memory to search without DuckDB", e);
        }
    }

    /** An index that keeps nothing on disk. */
    public static DuckDbRegistryIndex inMemory() {
        return new DuckDbRegistryIndex(null);
    }

    /** An index that saves its tables as {@value #FILE_NAME} in {@code directory}. */
    public static DuckDbRegistryIndex at(Path directory) {
        return new DuckDbRegistryIndex(java.util.Objects.requireNonNull(directory, "directory"));
    }

    /** The saved index file, or empty for an in-memory index. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    @Override
    public synchronized List<ModelInfo> search(List<ModelInfo> models, RegistryQuery query) {
        load(models);
        SearchSql sql = SearchSql.of(query);
        try {
            PreparedStatement p = statement(sql.sql());
            for (int i = 0; i < sql.parameters().size(); i++) {
                p.setString(i + 1, sql.parameters().get(i));
            }
            long[] rows = new long[64];
            int n = 0;
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    if (n == rows.length) {
                        rows = Arrays.copyOf(rows, n * 2);
                    }
                    // latestOnly: sort by the name's first match, then take the chosen position.
                    rows[n++] = sql.latestOnly() ? (long) rs.getInt(2) << 32 | rs.getInt(1) : rs.getInt(1);
                }
            }
            Arrays.sort(rows, 0, n);
            List<ModelInfo> result = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                result.add(loaded[(int) rows[i]]);
            }
            return result;
        } catch (SQLException e) {
            throw new DenException("Registry search " + query + " failed in DuckDB: " + e.getMessage()
                    + "; set DEN4J_REGISTRY_INDEX=memory to search without DuckDB", e);
        }
    }

    /**
     * Makes the tables hold {@code models}. Nothing happens when they already do; when one stretch of
     * the list changed (a push, an update, a delete) only that stretch is rewritten; else the tables are
     * copied from the index file when it was built from the same records, or built and saved.
     *
     * @return how the tables were last filled
     * @throws DenException when DuckDB fails to build the tables in memory
     */
    public synchronized IndexLoad load(List<ModelInfo> models) {
        checkOpen();
        if (sameRecords(models, loaded)) {
            return lastLoad;
        }
        long start = System.nanoTime();
        // A copy: the caller's list may change after this call, the tables must not.
        List<ModelInfo> records = Arrays.asList(models.toArray(ModelInfo[]::new));
        if (loaded != null && splice(records, start)) {
            return lastLoad;
        }
        String fp = Fingerprint.of(records, Tables.SCHEMA_VERSION);
        if (loaded != null && fp.equals(fingerprint())) {
            loaded = records.toArray(ModelInfo[]::new);
            return lastLoad;
        }
        clearStatements();
        loaded = null;
        fingerprint = null;
        if (file != null && restore(fp, records.size())) {
            return loaded(records, fp, IndexLoad.Source.RESTORED, start, false);
        }
        try {
            Tables.build(connection, records, fp);
        } catch (SQLException e) {
            throw new DenException("Cannot load " + records.size() + " models into the DuckDB registry index: "
                    + e.getMessage() + "; set DEN4J_REGISTRY_INDEX=memory to search without DuckDB", e);
        }
        boolean saved = file != null && save();
        IndexLoad load = loaded(records, fp, IndexLoad.Source.BUILT, start, saved);
        unsaved = file != null && !saved;
        return load;
    }

    /**
     * Rewrites only the stretch between the longest unchanged head and tail of the list, when that
     * stretch is small; the index file is brought up to date when the index closes.
     *
     * @return false when the change is too large, or DuckDB failed and the tables must be rebuilt
     */
    private boolean splice(List<ModelInfo> records, long start) {
        int head = 0;
        int limit = Math.min(loaded.length, records.size());
        while (head < limit && loaded[head] == records.get(head)) {
            head++;
        }
        int tail = 0;
        while (tail < limit - head && loaded[loaded.length - 1 - tail] == records.get(records.size() - 1 - tail)) {
            tail++;
        }
        int removed = loaded.length - head - tail;
        int added = records.size() - head - tail;
        if (removed + added > Math.max(SPLICE_MIN, loaded.length / SPLICE_FRACTION)) {
            return false;
        }
        if (removed == added && equalRecords(records, head, added)) {
            // Equal records read again (a document rewritten with the same content): nothing to change.
            loaded = records.toArray(ModelInfo[]::new);
            return true;
        }
        try {
            Tables.splice(connection, head, removed, added);
            Tables.append(connection, records, head, head + added);
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "Rebuilding the registry index after a failed update: " + e);
            loaded = null;
            fingerprint = null;
            return false;
        }
        loaded = records.toArray(ModelInfo[]::new);
        fingerprint = null;
        unsaved = file != null;
        lastLoad = new IndexLoad(IndexLoad.Source.UPDATED, loaded.length, null,
                Duration.ofNanos(System.nanoTime() - start), false);
        return true;
    }

    private boolean equalRecords(List<ModelInfo> records, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (!loaded[i].equals(records.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The fingerprint of the records the tables hold, computed when a splice left it unknown. */
    private String fingerprint() {
        if (fingerprint == null && loaded != null) {
            fingerprint = Fingerprint.of(Arrays.asList(loaded), Tables.SCHEMA_VERSION);
        }
        return fingerprint;
    }

    /** How the tables were last filled; empty before the first search or load. */
    public synchronized Optional<IndexLoad> lastLoad() {
        return Optional.ofNullable(lastLoad);
    }

    /**
     * Runs one SQL statement over the tables as last loaded (see the class comment for their schema)
     * and returns its rows, each a map from column label to value in column order.
     *
     * <p>Values are what the DuckDB driver returns, except that lists become {@link List}s, JSON becomes
     * its text and {@code TIMESTAMPTZ} becomes an {@link java.time.Instant}. The statement runs in a
     * transaction that is always rolled back, so it cannot change the index; {@code COPY ... TO} a file
     * still writes the file. Text with several statements runs them all and returns the last one's rows;
     * when it may have committed (it mentions {@code COMMIT} or {@code END}), the tables are rebuilt
     * from the records at the next search.
     *
     * @param sql one statement, with {@code ?} for each parameter
     * @param parameters the parameters, bound with {@code setObject}
     * @throws DenInputException when DuckDB rejects the statement, with DuckDB's message
     */
    public synchronized List<Map<String, Object>> query(String sql, Object... parameters) {
        checkOpen();
        try {
            if (userConnection == null) {
                userConnection = connection.duplicate();
                userConnection.setAutoCommit(false);
            }
            boolean mayCommit = COMMIT.matcher(sql).find();
            try (PreparedStatement p = userConnection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    p.setObject(i + 1, parameters[i]);
                }
                List<Map<String, Object>> rows = new ArrayList<>();
                if (!p.execute()) {
                    return rows;
                }
                try (ResultSet rs = p.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int c = 1; c <= md.getColumnCount(); c++) {
                            row.put(md.getColumnLabel(c), plain(rs.getObject(c)));
                        }
                        rows.add(row);
                    }
                }
                return rows;
            } finally {
                boolean rolledBack;
                try {
                    userConnection.rollback();
                    rolledBack = true;
                } catch (SQLException e) {
                    rolledBack = false; // the statement ended the transaction itself
                }
                if (mayCommit || !rolledBack) {
                    // The tables may hold what the statement committed: rebuild them, and never save them.
                    loaded = null;
                    fingerprint = null;
                    unsaved = false;
                }
            }
        } catch (SQLException e) {
            throw new DenInputException("SQL over the registry index failed: " + e.getMessage()
                    + "; the tables are models, model_tags, model_io, model_metrics and index_state", e);
        }
    }

    /**
     * Counts over the records as last loaded, computed in SQL.
     *
     * @throws DenException when DuckDB fails
     */
    public synchronized RegistryCounts counts() {
        checkOpen();
        try (Statement s = connection.createStatement()) {
            int names;
            int versions;
            int base;
            long bytes;
            try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT name), count(*), count(*) FILTER (WHERE parent IS NULL),"
                    + " CAST(coalesce(sum(size), 0) AS BIGINT) FROM models")) {
                rs.next();
                names = rs.getInt(1);
                versions = rs.getInt(2);
                base = rs.getInt(3);
                bytes = rs.getLong(4);
            }
            return new RegistryCounts(names, versions, base, bytes,
                    groups(s, "SELECT coalesce(model_type, 'unknown'), count(*) FROM models GROUP BY 1"),
                    groups(s, "SELECT tag, count(*) FROM model_tags GROUP BY 1"),
                    groups(s, "SELECT coalesce(license, 'unknown'), count(*) FROM models GROUP BY 1"));
        } catch (SQLException e) {
            throw new DenException("Counting the DuckDB registry index failed: " + e.getMessage(), e);
        }
    }

    /**
     * Closes the database, first saving the tables to the index file when they changed since it was
     * written; the file stays. Closing twice does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (unsaved && loaded != null) {
            try {
                Tables.stamp(connection, fingerprint(), loaded.length);
                save();
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.INFO, () -> "Cannot save the registry index to " + file + " on close ("
                        + e + "); the next process rebuilds it");
            }
        }
        clearStatements();
        for (DuckDBConnection c : new DuckDBConnection[] {userConnection, connection}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.DEBUG, "Closing the DuckDB registry index: " + e);
            }
        }
    }

    @Override
    public String toString() {
        return "DuckDbRegistryIndex[" + (file == null ? "in memory" : file) + "]";
    }

    // ------------------------------------------------------------------ internals

    private IndexLoad loaded(List<ModelInfo> models, String fp, IndexLoad.Source source, long start, boolean saved) {
        loaded = models.toArray(ModelInfo[]::new);
        unsaved = false;
        fingerprint = fp;
        lastLoad = new IndexLoad(source, models.size(), fp, Duration.ofNanos(System.nanoTime() - start), saved);
        LOG.log(System.Logger.Level.DEBUG, () -> "Registry index " + source.name().toLowerCase(java.util.Locale.ROOT)
                + " " + models.size() + " models in " + lastLoad.took().toMillis() + " ms"
                + (saved ? ", saved to " + file : ""));
        return lastLoad;
    }

    /** Copies the saved tables when they match; false (and logged) when they do not or cannot be read. */
    private boolean restore(String fp, int models) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return false;
        }
        try {
            boolean restored = Tables.restore(connection, file, fp, models);
            if (!restored) {
                LOG.log(System.Logger.Level.DEBUG, () -> file + " was built from other records; rebuilding");
            }
            return restored;
        } catch (SQLException | IOException e) {
            LOG.log(System.Logger.Level.INFO, () -> "Cannot use the saved registry index " + file + " ("
                    + firstLine(e) + "); this process builds its index in memory from the records");
            try {
                // A failed copy may have replaced some tables: start the in-memory ones afresh.
                Tables.create(connection);
            } catch (SQLException again) {
                throw new DenException("Cannot reset the DuckDB registry index: " + again.getMessage(), again);
            }
            return false;
        }
    }

    /** Writes the tables to the index file; false (and logged) when that is not possible now. */
    private boolean save() {
        try {
            Tables.save(connection, file);
            return true;
        } catch (SQLException | IOException e) {
            LOG.log(System.Logger.Level.INFO, () -> "Cannot save the registry index to " + file + " ("
                    + firstLine(e) + "); searches go on in memory and the next process rebuilds the index");
            return false;
        }
    }

    /** True when {@code models} holds exactly the record instances the tables were built from, in order. */
    private static boolean sameRecords(List<ModelInfo> models, ModelInfo[] loaded) {
        if (loaded == null || models.size() != loaded.length) {
            return false;
        }
        int i = 0;
        for (ModelInfo m : models) {
            if (m != loaded[i++]) {
                return false;
            }
        }
        return true;
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement p = statements.get(sql);
        if (p == null) {
            p = connection.prepareStatement(sql);
            statements.put(sql, p);
            if (statements.size() > STATEMENT_CACHE) {
                Iterator<PreparedStatement> eldest = statements.values().iterator();
                eldest.next().close();
                eldest.remove();
            }
        }
        return p;
    }

    private void clearStatements() {
        for (PreparedStatement p : statements.values()) {
            try {
                p.close();
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.DEBUG, "Closing a cached statement: " + e);
            }
        }
        statements.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("This DuckDB registry index is closed; open a new one");
        }
    }

    private static Map<String, Integer> groups(Statement s, String sql) throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getInt(2));
            }
        }
        return counts;
    }

    private static Object plain(Object value) throws SQLException {
        if (value instanceof Array array) {
            Object[] items = (Object[]) array.getArray();
            List<Object> list = new ArrayList<>(items.length);
            for (Object item : items) {
                list.add(plain(item));
            }
            return list;
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof org.duckdb.JsonNode json) {
            return json.toString();
        }
        return value;
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
