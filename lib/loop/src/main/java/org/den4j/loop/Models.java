package org.den4j.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.den4j.den.Den;
import org.den4j.den.ModelRef;

/** The trained models of label sets, their decisions, and rollback. */
public final class Models {
    private static final System.Logger LOG = System.getLogger(Models.class.getName());
    private final LoopDatabase db;
    private final ObjectMapper json;
    private final Den den;

    /** Models in {@code db}; rollback moves the den alias {@code champion} of {@code den} too. */
    public Models(LoopDatabase db, ObjectMapper json, Den den) {
        this.db = Objects.requireNonNull(db, "db");
        this.json = Objects.requireNonNull(json, "json");
        this.den = den;
    }

    /** The versions of a label set, newest first, each with its stored decision. */
    public List<ModelVersion> list(Caller caller, String setName) {
        return db.inTenant(caller.tenantId(), c -> {
            LabelSet set = LabelSets.get(c, setName);
            List<ModelVersion> versions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT m.id, m.version, m.status, m.algorithm, m.den_ref, "
                    + "p.version, m.trained_on, m.metrics, m.created_at, m.promoted_at FROM models m LEFT JOIN models p "
                    + "ON p.id = m.parent_id WHERE m.label_set_id = ? ORDER BY m.version DESC")) {
                ps.setLong(1, set.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        versions.add(new ModelVersion(rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                (Integer) rs.getObject(6), rs.getInt(7), metrics(rs.getString(8)),
                                decision(c, rs.getLong(1)), JobQueue.instant(rs.getTimestamp(9)),
                                JobQueue.instant(rs.getTimestamp(10))));
                    }
                }
            }
            return versions;
        });
    }

    private Metrics metrics(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, Metrics.class);
        } catch (IOException e) {
            throw new LoopException("Stored metrics are not JSON: " + e.getMessage(), e);
        }
    }

    private Decision decision(Connection c, long modelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT d.id, ch.version, cp.version, d.promoted, d.reason, "
                + "d.challenger_metrics, d.champion_metrics, d.micro_f1_diff, d.ci_low, d.ci_high, d.mcnemar_p, h.version, "
                + "d.holdout_hash, d.trigger, d.created_at, (d.challenger_metrics ->> 'baseline_micro_f1')::float8 "
                + "FROM decisions d JOIN models ch ON ch.id = d.challenger_id LEFT JOIN models cp ON cp.id = "
                + "d.champion_id JOIN holdouts h ON h.id = d.holdout_id WHERE d.challenger_id = ? ORDER BY d.id DESC "
                + "LIMIT 1")) {
            ps.setLong(1, modelId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Decision(rs.getLong(1), rs.getInt(2), (Integer) rs.getObject(3), rs.getBoolean(4),
                        rs.getString(5), metrics(rs.getString(6)), metrics(rs.getString(7)), rs.getDouble(16),
                        rs.getDouble(8), (Double) rs.getObject(9), (Double) rs.getObject(10), (Double) rs.getObject(11),
                        rs.getInt(12), rs.getString(13), rs.getString(14), JobQueue.instant(rs.getTimestamp(15)));
            }
        }
    }

    static long insertDecision(Connection c, ObjectMapper json, long tenant, long setId, long challengerId,
            Long championId, Gate.Verdict v, long holdoutId, String holdoutHash, String trigger) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO decisions (tenant_id, label_set_id, challenger_id, "
                + "champion_id, promoted, reason, challenger_metrics, champion_metrics, micro_f1_diff, ci_low, ci_high, "
                + "mcnemar_p, holdout_id, holdout_hash, trigger) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, "
                + "?, ?, ?, ?) RETURNING id")) {
            ps.setLong(1, tenant);
            ps.setLong(2, setId);
            ps.setLong(3, challengerId);
            ps.setObject(4, championId);
            ps.setBoolean(5, v.promoted());
            ps.setString(6, v.reason());
            ps.setString(7, json.valueToTree(v.challenger()).deepCopy().isObject()
                    ? ((com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(v.challenger()))
                            .put("baseline_micro_f1", v.baselineMicroF1()).toString()
                    : "{}");
            ps.setString(8, v.champion() == null ? null : json.valueToTree(v.champion()).toString());
            ps.setDouble(9, v.microF1Diff());
            setDouble(ps, 10, v.ciLow());
            setDouble(ps, 11, v.ciHigh());
            setDouble(ps, 12, v.mcnemarP());
            ps.setLong(13, holdoutId);
            ps.setString(14, holdoutHash);
            ps.setString(15, trigger);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, value);
        }
    }

    /** Tells every server (at commit) that a label set's champion is now {@code modelId}. */
    static void notifyChampion(Connection c, long tenant, long setId, long modelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, Training.CHAMPION_CHANNEL);
            ps.setString(2, tenant + ":" + setId + ":" + modelId);
            ps.executeQuery().close();
        }
    }

    /**
     * Puts back the champion that the current one replaced (admins only): the current champion becomes
     * {@code rejected}, its parent {@code champion}, and the decision is stored with trigger
     * {@code rollback by key:ID}.
     *
     * @return the version that is champion now
     */
    public int rollback(Caller caller, String setName) {
        caller.requireAdmin("roll back a champion");
        record Result(int version, String denRef) {
        }
        Result r = db.inTenant(caller.tenantId(), c -> {
            LabelSet set = LabelSets.get(c, setName);
            long currentId;
            Long parentId;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, parent_id FROM models WHERE label_set_id = ? AND "
                    + "status = 'champion' FOR UPDATE")) {
                ps.setLong(1, set.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new LoopInputException("Label set " + setName + " has no champion to roll back");
                    }
                    currentId = rs.getLong(1);
                    parentId = (Long) rs.getObject(2);
                }
            }
            if (parentId == null) {
                throw new LoopInputException("The champion of " + setName + " is its first model; there is no "
                        + "earlier champion to roll back to");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE models SET status = 'rejected' WHERE id = ?")) {
                ps.setLong(1, currentId);
                ps.executeUpdate();
            }
            int version;
            String denRef;
            try (PreparedStatement ps = c.prepareStatement("UPDATE models SET status = 'champion', promoted_at = now() "
                    + "WHERE id = ? RETURNING version, den_ref")) {
                ps.setLong(1, parentId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1);
                    denRef = rs.getString(2);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO decisions (tenant_id, label_set_id, "
                    + "challenger_id, champion_id, promoted, reason, challenger_metrics, champion_metrics, holdout_id, "
                    + "holdout_hash, trigger) SELECT ?, ?, p.id, cur.id, true, 'rollback: version ' || p.version || "
                    + "' is champion again in place of version ' || cur.version, p.metrics, cur.metrics, h.id, h.hash, ? "
                    + "FROM models p, models cur, LATERAL (SELECT id, hash FROM holdouts WHERE label_set_id = ? ORDER BY "
                    + "version DESC LIMIT 1) h WHERE p.id = ? AND cur.id = ?")) {
                ps.setLong(1, caller.tenantId());
                ps.setLong(2, set.id());
                ps.setString(3, "rollback by " + caller.author());
                ps.setLong(4, set.id());
                ps.setLong(5, parentId);
                ps.setLong(6, currentId);
                ps.executeUpdate();
            }
            notifyChampion(c, caller.tenantId(), set.id(), parentId);
            return new Result(version, denRef);
        });
        if (den != null && r.denRef() != null) {
            try {
                ModelRef ref = ModelRef.parse(r.denRef());
                den.alias(ref.name(), "champion", ref.version());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Moving the den alias of " + r.denRef() + " failed: "
                        + e.getMessage());
            }
        }
        return r.version();
    }
}
