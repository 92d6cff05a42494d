package org.den4j.loop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The label sets of each tenant and their labels.
 *
 * <p>Labels form a hierarchy stored as PostgreSQL {@code ltree} paths (each node the label name with
 * characters {@code ltree} does not allow replaced by {@code _}), so that "every label under X" is one
 * indexed query ({@code path <@ X}).
 */
public final class LabelSets {
    private final LoopDatabase db;
    private final Algorithms algorithms;

    /** Label sets in {@code db} whose algorithm must be one of {@code algorithms} (null: not checked). */
    public LabelSets(LoopDatabase db, Algorithms algorithms) {
        this.db = Objects.requireNonNull(db, "db");
        this.algorithms = algorithms;
    }

    /**
     * What a new label set is.
     *
     * @param name its name
     * @param multiLabel several labels per observation
     * @param algorithm null for {@code naive-bayes}
     * @param trainAfter queue training after this many new confirmed annotations; 0 for on demand only
     * @param labels labels known from the start (more are added as annotations use them)
     * @param holdoutFraction the share frozen as holdout at the first training, null for 0.2
     * @param minGain the bound the gain's interval must clear, null for 0
     * @param macroTolerance the most macro-F1 may fall, null for 0.02
     */
    public record Spec(String name, boolean multiLabel, String algorithm, int trainAfter, List<Label> labels,
            Double holdoutFraction, Double minGain, Double macroTolerance) {
        public Spec {
            holdoutFraction = holdoutFraction == null ? 0.2 : holdoutFraction;
            minGain = minGain == null ? 0.0 : minGain;
            macroTolerance = macroTolerance == null ? 0.02 : macroTolerance;
            if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
                throw new LoopInputException("holdout_fraction " + holdoutFraction + " is not between 0 and 1");
            }
            if (macroTolerance < 0) {
                throw new LoopInputException("macro_tolerance " + macroTolerance + " is negative");
            }
            Names.check("Label set", name);
            algorithm = algorithm == null ? "naive-bayes" : algorithm;
            if (trainAfter < 0) {
                throw new LoopInputException("train_after " + trainAfter + " is negative; use 0 (on demand) or more");
            }
            labels = labels == null ? List.of() : List.copyOf(labels);
        }
    }

    /** Makes a label set (annotators and admins). */
    public LabelSet create(Caller caller, Spec spec) {
        caller.requireWrite("make label sets");
        if (algorithms != null) {
            algorithms.get(spec.algorithm());
        }
        try {
            return db.inTenant(caller.tenantId(), c -> {
                long id;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO label_sets (tenant_id, name, multi_label, "
                        + "algorithm, train_after, holdout_fraction, min_gain, macro_tolerance) VALUES (?, ?, ?, ?, ?, "
                        + "?, ?, ?) RETURNING id")) {
                    ps.setLong(1, caller.tenantId());
                    ps.setString(2, spec.name());
                    ps.setBoolean(3, spec.multiLabel());
                    ps.setString(4, spec.algorithm());
                    ps.setInt(5, spec.trainAfter());
                    ps.setDouble(6, spec.holdoutFraction());
                    ps.setDouble(7, spec.minGain());
                    ps.setDouble(8, spec.macroTolerance());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                }
                Map<String, String> parents = new LinkedHashMap<>();
                for (Label l : spec.labels()) {
                    if (l.name() == null || l.name().isBlank()) {
                        throw new LoopInputException("A label of " + spec.name() + " has no name");
                    }
                    parents.put(l.name(), l.parent());
                }
                for (String name : parents.keySet()) {
                    ensure(c, caller.tenantId(), id, name, parents, 0);
                }
                return get(c, spec.name());
            });
        } catch (LoopException e) {
            if (e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())) {
                throw new LoopInputException("Label set '" + spec.name() + "' exists already; choose another name");
            }
            throw e;
        }
    }

    private static String ensure(Connection c, long tenant, long setId, String name, Map<String, String> parents,
            int depth) throws SQLException {
        if (depth > 64) {
            throw new LoopInputException("Label '" + name + "' is its own ancestor; labels must form a tree");
        }
        String existing = path(c, setId, name);
        if (existing != null) {
            return existing;
        }
        String parent = parents.get(name);
        String path = node(name);
        if (parent != null) {
            path = ensure(c, tenant, setId, parent, parents, depth + 1) + "." + path;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO labels (tenant_id, label_set_id, name, path) "
                + "VALUES (?, ?, ?, ?::ltree) ON CONFLICT DO NOTHING")) {
            ps.setLong(1, tenant);
            ps.setLong(2, setId);
            ps.setString(3, name);
            ps.setString(4, path);
            ps.executeUpdate();
        }
        return path;
    }

    private static String path(Connection c, long setId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT path::text FROM labels WHERE label_set_id = ? AND "
                + "name = ?")) {
            ps.setLong(1, setId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The ltree node for a label: letters, digits and _ only. */
    static String node(String name) {
        String node = name.replaceAll("[^A-Za-z0-9_]", "_");
        return node.length() > 250 ? node.substring(0, 250) : node;
    }

    /** Adds the labels in {@code names} that the set does not have yet, at the top of the hierarchy. */
    static void addLabels(Connection c, long tenant, long setId, Collection<String> names) throws SQLException {
        if (names.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO labels (tenant_id, label_set_id, name, path) "
                + "SELECT ?, ?, n, regexp_replace(n, '[^A-Za-z0-9_]', '_', 'g')::ltree FROM unnest(?::text[]) AS n "
                + "ON CONFLICT DO NOTHING")) {
            ps.setLong(1, tenant);
            ps.setLong(2, setId);
            ps.setArray(3, c.createArrayOf("text", names.toArray()));
            ps.executeUpdate();
        }
    }

    /** The caller's label sets. */
    public List<LabelSet> list(Caller caller) {
        return db.inTenant(caller.tenantId(), c -> {
            List<LabelSet> sets = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery(SELECT + " ORDER BY name")) {
                while (rs.next()) {
                    sets.add(read(rs));
                }
            }
            return sets;
        });
    }

    /** The caller's label set {@code name}; another tenant's is not found (404). */
    public LabelSet get(Caller caller, String name) {
        return db.inTenant(caller.tenantId(), c -> get(c, name));
    }

    /** The label set {@code name} of the transaction's tenant; 404 when there is none. */
    static LabelSet get(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw LoopAccessException.notFound("Label set '" + name + "' does not exist; list them with "
                            + "GET /api/v1/label-sets");
                }
                return read(rs);
            }
        }
    }

    /** The label set {@code id} of the transaction's tenant. */
    static LabelSet get(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw LoopAccessException.notFound("Label set " + id + " does not exist");
                }
                return read(rs);
            }
        }
    }

    /**
     * The labels of a set; with {@code under}, only that label and those below it in the hierarchy.
     */
    public List<Label> labels(Caller caller, String setName, String under) {
        return db.inTenant(caller.tenantId(), c -> {
            LabelSet set = get(c, setName);
            String sql = "SELECT l.name, p.name, l.path::text FROM labels l LEFT JOIN labels p ON p.label_set_id = "
                    + "l.label_set_id AND p.path = subpath(l.path, 0, nlevel(l.path) - 1) AND nlevel(l.path) > 1 "
                    + "WHERE l.label_set_id = ?";
            String root = null;
            if (under != null) {
                root = path(c, set.id(), under);
                if (root == null) {
                    throw LoopAccessException.notFound("Label '" + under + "' is not in label set " + setName);
                }
                sql += " AND l.path <@ ?::ltree";
            }
            try (PreparedStatement ps = c.prepareStatement(sql + " ORDER BY l.path")) {
                ps.setLong(1, set.id());
                if (root != null) {
                    ps.setString(2, root);
                }
                List<Label> labels = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        labels.add(new Label(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
                return labels;
            }
        });
    }

    private static final String SELECT = "SELECT id, name, multi_label, algorithm, train_after, holdout_fraction, "
            + "min_gain, macro_tolerance, created_at FROM label_sets";

    private static LabelSet read(ResultSet rs) throws SQLException {
        return new LabelSet(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getString(4), rs.getInt(5),
                rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getTimestamp(9).toInstant());
    }
}
