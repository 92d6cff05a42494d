package org.den4j.den.duckdb.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.den4j.den.HardwareRequirements;
import org.den4j.den.IoSpec;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The index's tables: their schema, bulk loading from records, and saving to and restoring from a
 * DuckDB file.
 *
 * <p>Loading uses DuckDB appenders, which write straight into column chunks; 10,000 records load in
 * well under a second. A saved file is written under a temporary name and renamed into place, so a
 * reader never opens a half-written file and no writer needs the lock of the file readers hold.
 */
public final class Tables {
    /** Bumped whenever a table changes shape or meaning, so that older saved files are rebuilt. */
    public static final int SCHEMA_VERSION = 3;
    /** The tables, in the order they are created and copied. */
    public static final List<String> NAMES = List.of("models", "model_tags", "model_io", "model_metrics",
            "index_state");
    private static final List<String> DATA_TABLES = NAMES.subList(0, 4);

    private static final String[] DDL = {
        "CREATE OR REPLACE TABLE models ("
                + "pos INTEGER NOT NULL, name VARCHAR NOT NULL, version INTEGER NOT NULL, digest VARCHAR,"
                + " description VARCHAR, model_type VARCHAR, architecture VARCHAR, parent VARCHAR, parent_ref VARCHAR,"
                + " created TIMESTAMPTZ, updated TIMESTAMPTZ, size BIGINT, file_count INTEGER, license VARCHAR,"
                + " source_url VARCHAR, inference_code VARCHAR, supported_backends VARCHAR[], min_memory_mb BIGINT,"
                + " gpu_required BOOLEAN, min_gpu_memory_mb BIGINT, min_cpu_cores INTEGER, hardware_notes VARCHAR,"
                + " hf_config JSON, extra JSON, tags VARCHAR[], input_types VARCHAR[], output_types VARCHAR[],"
                + " search_text VARCHAR, model_type_key VARCHAR, architecture_key VARCHAR)",
        "CREATE OR REPLACE TABLE model_tags (pos INTEGER NOT NULL, name VARCHAR NOT NULL, version INTEGER NOT NULL,"
                + " tag VARCHAR NOT NULL)",
        "CREATE OR REPLACE TABLE model_io (pos INTEGER NOT NULL, name VARCHAR NOT NULL, version INTEGER NOT NULL,"
                + " direction VARCHAR NOT NULL, io_index INTEGER NOT NULL, io_name VARCHAR NOT NULL,"
                + " data_type VARCHAR NOT NULL, shape BIGINT[], dtype VARCHAR, description VARCHAR, optional BOOLEAN)",
        "CREATE OR REPLACE TABLE model_metrics (pos INTEGER NOT NULL, name VARCHAR NOT NULL,"
                + " version INTEGER NOT NULL, metric VARCHAR NOT NULL, value DOUBLE)",
        "CREATE OR REPLACE TABLE index_state (key VARCHAR NOT NULL, value VARCHAR)",
    };
    private static final ObjectMapper JSON = new ObjectMapper();

    private Tables() {
    }

    /** Creates the tables empty, replacing any that exist. */
    public static void create(DuckDBConnection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String ddl : DDL) {
                s.execute(ddl);
            }
        }
    }

    /** Replaces the tables' rows with {@code models}, recording {@code fingerprint} in {@code index_state}. */
    public static void build(DuckDBConnection connection, List<ModelInfo> models, String fingerprint)
            throws SQLException {
        create(connection);
        append(connection, models, 0, models.size());
        stamp(connection, fingerprint, models.size());
    }

    /**
     * Changes the tables where one stretch of the list changed: the {@code removed} rows from position
     * {@code from} go, the rows after them move by {@code added - removed}, and the caller then appends
     * the {@code added} new records at {@code from}. The recorded fingerprint is removed.
     */
    public static void splice(DuckDBConnection connection, int from, int removed, int added) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String table : DATA_TABLES) {
                if (removed > 0) {
                    s.execute("DELETE FROM " + table + " WHERE pos >= " + from + " AND pos < " + (from + removed));
                }
                if (added != removed) {
                    s.execute("UPDATE " + table + " SET pos = pos + " + (added - removed) + " WHERE pos >= "
                            + (from + removed));
                }
            }
            s.execute("DELETE FROM index_state");
        }
    }

    /** Records the fingerprint of the records the tables hold, replacing what {@code index_state} held. */
    public static void stamp(DuckDBConnection connection, String fingerprint, int models) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DELETE FROM index_state");
        }
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO index_state VALUES (?, ?)")) {
            state(p, "fingerprint", fingerprint);
            state(p, "schema_version", String.valueOf(SCHEMA_VERSION));
            state(p, "models", String.valueOf(models));
            state(p, "built_at", Instant.now().toString());
        }
    }

    /** Appends the rows of {@code models} from index {@code from} (inclusive) to {@code to}, each at its index. */
    public static void append(DuckDBConnection connection, List<ModelInfo> models, int from, int to)
            throws SQLException {
        try (DuckDBAppender rows = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "models");
                DuckDBAppender tags = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "model_tags");
                DuckDBAppender io = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "model_io");
                DuckDBAppender metrics = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "model_metrics")) {
            for (int pos = from; pos < to; pos++) {
                ModelInfo m = models.get(pos);
                ModelMetadata meta = m.metadata();
                HardwareRequirements hw = meta.hardware();
                rows.beginRow().append(pos).append(m.name()).append(m.version());
                text(rows, m.digest());
                text(rows, m.description());
                text(rows, meta.modelType());
                text(rows, meta.architecture());
                text(rows, m.parent());
                text(rows, m.parentRef());
                instant(rows, m.created());
                instant(rows, m.updated());
                rows.append(m.size()).append(m.fileCount());
                text(rows, meta.license());
                text(rows, meta.sourceUrl());
                text(rows, meta.inferenceCode());
                rows.append(meta.supportedBackends());
                rows.append(hw.minMemoryMb());
                rows.append(hw.gpuRequired());
                rows.append(hw.minGpuMemoryMb());
                rows.append(hw.minCpuCores());
                text(rows, hw.notes());
                rows.append(json(meta.hfConfig()));
                rows.append(json(meta.extra()));
                rows.append(m.tags());
                rows.append(types(meta.inputs()));
                rows.append(types(meta.outputs()));
                rows.append(SearchKeys.searchText(m));
                text(rows, SearchKeys.foldOrNull(meta.modelType()));
                text(rows, SearchKeys.foldOrNull(meta.architecture()));
                rows.endRow();
                for (String tag : m.tags()) {
                    tags.beginRow().append(pos).append(m.name()).append(m.version()).append(tag).endRow();
                }
                io(io, pos, m, "input", meta.inputs());
                io(io, pos, m, "output", meta.outputs());
                for (Map.Entry<String, Double> e : meta.metrics().entrySet()) {
                    metrics.beginRow().append(pos).append(m.name()).append(m.version()).append(e.getKey())
                            .append(e.getValue()).endRow();
                }
            }
        }
    }

    /** The fingerprint recorded in the tables, or null. */
    public static String fingerprint(DuckDBConnection connection, String database) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT value FROM " + database
                        + ".index_state WHERE key = 'fingerprint'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Copies the tables from a saved file when it was built from records with {@code fingerprint}.
     *
     * @return true when the tables now hold the saved rows, false when the file holds other records
     * @throws SQLException when the file cannot be attached, for example while another process holds it
     * @throws IOException when the file has a write-ahead log, which belongs to a process that has it open
     *     for writing (attaching would replay that process's changes), or its rows disagree with its state
     */
    public static boolean restore(DuckDBConnection connection, Path file, String fingerprint, int models)
            throws SQLException, IOException {
        checkNoWal(file);
        try (Statement s = connection.createStatement()) {
            s.execute("ATTACH " + literal(file) + " AS den4j_saved (READ_ONLY)");
            try {
                if (!fingerprint.equals(fingerprint(connection, "den4j_saved"))) {
                    return false;
                }
                for (String table : NAMES) {
                    s.execute("CREATE OR REPLACE TABLE main." + table + " AS SELECT * FROM den4j_saved." + table);
                }
            } finally {
                s.execute("DETACH DATABASE IF EXISTS den4j_saved");
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM models")) {
                rs.next();
                if (rs.getInt(1) != models) {
                    throw new IOException("its models table has " + rs.getInt(1) + " rows where its fingerprint says "
                            + models + "; it was changed outside den4j");
                }
            }
            return true;
        }
    }

    /**
     * Writes the tables to {@code file}: to a temporary file beside it first, then renamed over it
     * while holding the old file's lock, so that no process has the old file open for writing.
     *
     * <p>The rename needs that lock because DuckDB names a write-ahead log after the path, not the
     * file: a process still writing to the old file would leave a log that replays onto the new one.
     *
     * @throws SQLException when DuckDB cannot write the copy
     * @throws IOException when the directory cannot be made, another process holds the file, or the
     *     copy cannot be renamed
     */
    public static void save(DuckDBConnection connection, Path file) throws SQLException, IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            sharedLike(dir, dir.getParent(), true);
        }
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (Statement s = connection.createStatement()) {
                s.execute("ATTACH " + literal(tmp) + " AS den4j_save");
                try {
                    for (String table : NAMES) {
                        s.execute("CREATE TABLE den4j_save." + table + " AS SELECT * FROM main." + table);
                    }
                    s.execute("CHECKPOINT den4j_save");
                } finally {
                    s.execute("DETACH DATABASE IF EXISTS den4j_save");
                }
            }
            checkNoWal(tmp);
            sharedLike(tmp, dir, false);
            if (!Files.exists(file)) {
                move(tmp, file);
                return;
            }
            // DuckDB locks a database file with fcntl, as FileChannel.tryLock does on Unix: while this lock
            // is held, no other process has the old file open, so none can write a log for it.
            try (FileChannel old = FileChannel.open(file, StandardOpenOption.WRITE);
                    FileLock lock = old.tryLock()) {
                if (lock == null) {
                    throw new IOException("another process has it open");
                }
                checkNoWal(file);
                move(tmp, file);
            } catch (OverlappingFileLockException e) {
                throw new IOException("another index in this process is saving it", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(wal(tmp));
        }
    }

    /**
     * Gives {@code path} the read and write permissions of {@code model} (and its search permissions
     * when {@code directory}), so that in a machine den shared by a group every member can replace the
     * index file. Does nothing where the file system has no POSIX permissions.
     */
    private static void sharedLike(Path path, Path model, boolean directory) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms =
                    java.util.EnumSet.copyOf(Files.getPosixFilePermissions(model));
            if (!directory) {
                perms.removeAll(java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE,
                        java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE,
                        java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE));
            }
            Files.setPosixFilePermissions(path, perms);
        } catch (UnsupportedOperationException | IOException | IllegalArgumentException e) {
            // not POSIX, or not ours to change: the default permissions stay
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void checkNoWal(Path file) throws IOException {
        if (Files.exists(wal(file))) {
            throw new IOException(wal(file).getFileName() + " exists: another process has the file open for writing"
                    + " or stopped while writing it");
        }
    }

    private static Path wal(Path file) {
        return file.resolveSibling(file.getFileName() + ".wal");
    }

    private static void io(DuckDBAppender io, int pos, ModelInfo m, String direction, List<IoSpec> specs)
            throws SQLException {
        for (int i = 0; i < specs.size(); i++) {
            IoSpec spec = specs.get(i);
            long[] shape = new long[spec.shape().size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = spec.shape().get(d);
            }
            io.beginRow().append(pos).append(m.name()).append(m.version()).append(direction).append(i)
                    .append(spec.name()).append(spec.dataType().name()).append(shape);
            text(io, spec.dtype());
            text(io, spec.description());
            io.append(spec.optional()).endRow();
        }
    }

    private static List<String> types(List<IoSpec> specs) {
        List<String> types = new java.util.ArrayList<>(specs.size());
        for (IoSpec spec : specs) {
            types.add(spec.dataType().name());
        }
        return types;
    }

    private static void state(PreparedStatement p, String key, String value) throws SQLException {
        p.setString(1, key);
        p.setString(2, value);
        p.executeUpdate();
    }

    private static void text(DuckDBAppender a, String value) throws SQLException {
        if (value == null) {
            a.appendNull();
        } else {
            a.append(value);
        }
    }

    private static void instant(DuckDBAppender a, Instant t) throws SQLException {
        if (t == null) {
            a.appendNull();
        } else {
            a.appendEpochMicros(t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000);
        }
    }

    private static String json(Map<String, ?> map) {
        if (map.isEmpty()) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            // Only values Jackson cannot write (none come from a parsed den document) end here.
            return "{}";
        }
    }

    /** A SQL string literal naming {@code path}. */
    static String literal(Path path) {
        return "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
    }
}
