package org.den4j.coder.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.den4j.coder.Code;
import org.den4j.coder.CodeSystem;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.IcdVersion;

/**
 * The conditions each note names but must not be coded (negated, family history, ruled out), from the
 * {@code negated_mentions} table that {@code prepare-mimic} loads from a synthetic release. A PhysioNet release has
 * no such truth: then {@link #available()} is false and there is no negation report. Immutable.
 */
public final class NegatedMentions {
    /**
     * One mention.
     *
     * @param code the condition's code, dotted
     * @param kind {@code negated}, {@code family} or {@code ruled_out}
     */
    public record Mention(Code code, String kind) {
    }

    private static final NegatedMentions NONE = new NegatedMentions(false, Map.of());

    private final boolean available;
    private final Map<Long, List<Mention>> byAdmission;

    private NegatedMentions(boolean available, Map<Long, List<Mention>> byAdmission) {
        this.available = available;
        this.byAdmission = byAdmission;
    }

    /** No truth: no negation report. */
    public static NegatedMentions none() {
        return NONE;
    }

    /** Exactly these mentions, by admission. */
    public static NegatedMentions of(Map<Long, List<Mention>> byAdmission) {
        Map<Long, List<Mention>> copy = new HashMap<>();
        byAdmission.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return new NegatedMentions(true, copy);
    }

    /**
     * Reads the table of a database written by {@code prepare-mimic}; {@link #none()} when it has no such table.
     *
     * @throws CoderInputException when the file is not a DuckDB database
     */
    public static NegatedMentions fromDatabase(Path database) {
        if (!Files.isRegularFile(database)) {
            throw new CoderInputException("MIMIC database " + database + " does not exist; write one with "
                    + "./jbang prepare-mimic");
        }
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath(), readOnly);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = "
                    + "'negated_mentions'")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return NONE;
                }
            }
            Map<Long, List<Mention>> map = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT hadm_id, code, icd_version, is_procedure, kind FROM "
                    + "negated_mentions")) {
                while (rs.next()) {
                    Code code = new Code(rs.getString(2), CodeSystem.of(IcdVersion.of(rs.getInt(3)),
                            rs.getBoolean(4)));
                    map.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Mention(code,
                            rs.getString(5)));
                }
            }
            return of(map);
        } catch (SQLException e) {
            throw new CoderInputException("Cannot read negated_mentions of " + database + ": " + e.getMessage()
                    + "; it must be a database written by ./jbang prepare-mimic", e);
        }
    }

    /** Whether there is truth to report on. */
    public boolean available() {
        return available;
    }

    /** The mentions of an admission's note (empty when none or unknown). */
    public List<Mention> of(long hadmId) {
        return byAdmission.getOrDefault(hadmId, List.of());
    }
}
