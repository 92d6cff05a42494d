package org.den4j.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.PushRequest;

/**
 * The {@code train} job: trains a challenger on a label set's confirmed annotations (never on its holdout),
 * judges it against the champion with the {@link Gate}, pushes it to the den as
 * {@code loop/TENANT/SET} with the champion as parent, and stores the model and the decision; a promoted
 * model becomes champion in the same transaction and every server is told by {@code NOTIFY}.
 */
public final class Training implements JobHandler {
    /** PostgreSQL channel notified with {@code tenant:labelSet:model} when a label set's champion changes. */
    public static final String CHAMPION_CHANNEL = "den4j_loop_champion";
    /** Confirmed observations a label set needs before its first training (holdout and training together). */
    public static final int MIN_OBSERVATIONS = 20;
    private static final System.Logger LOG = System.getLogger(Training.class.getName());

    private final LoopDatabase db;
    private final JobQueue queue;
    private final Algorithms algorithms;
    private final Champions champions;
    private final Den den;
    private final Path workDirectory;
    private final ObjectMapper json;

    /** A trainer that keeps model folders under {@code workDirectory} and pushes them to {@code den}. */
    public Training(LoopDatabase db, JobQueue queue, Algorithms algorithms, Champions champions, Den den,
            Path workDirectory, ObjectMapper json) {
        this.db = Objects.requireNonNull(db, "db");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.algorithms = Objects.requireNonNull(algorithms, "algorithms");
        this.champions = Objects.requireNonNull(champions, "champions");
        this.den = Objects.requireNonNull(den, "den");
        this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
        this.json = Objects.requireNonNull(json, "json");
    }

    private record Item(long observationId, String text, Set<String> labels) {
    }

    private record Holdout(long id, int version, String hash, Set<Long> members) {
    }

    private record Champion(long id, int version, String denRef, String algorithm) {
    }

    private record Snapshot(LabelSet set, String tenant, List<Item> training, List<Item> holdout, Holdout holdoutInfo,
            Champion champion, long trainedUntil) {
    }

    @Override
    public JsonNode run(JobQueue.Claim claim) throws Exception {
        long started = System.nanoTime();
        Snapshot snap = db.inTenant(claim.tenantId(), c -> snapshot(c, claim));
        LabelAlgorithm algorithm = algorithms.get(snap.set().algorithm());
        Path folder = workDirectory.resolve(snap.tenant()).resolve(snap.set().name()).resolve("job-" + claim.id() + "-"
                + claim.attempt());
        Files.createDirectories(folder);
        List<LabelAlgorithm.Example> examples = new ArrayList<>();
        for (Item item : snap.training()) {
            examples.add(new LabelAlgorithm.Example(item.text(), item.labels()));
        }
        LabelClassifier challenger = algorithm.train(examples, snap.set().multiLabel(), folder);
        long trainedAt = System.nanoTime();

        List<Set<String>> gold = new ArrayList<>();
        List<Set<String>> challengerLabels = new ArrayList<>();
        for (Item item : snap.holdout()) {
            gold.add(item.labels());
            challengerLabels.add(challenger.decide(item.text()));
        }
        List<Set<String>> championLabels = null;
        if (snap.champion() != null) {
            LabelClassifier champion = champions.load(snap.champion().id(), snap.champion().denRef(),
                    snap.champion().algorithm());
            championLabels = new ArrayList<>();
            for (Item item : snap.holdout()) {
                championLabels.add(champion.decide(item.text()));
            }
        }
        List<Set<String>> trainingLabels = new ArrayList<>();
        for (Item item : snap.training()) {
            trainingLabels.add(item.labels());
        }
        Set<String> top = Gate.baseline(trainingLabels, snap.set().multiLabel());
        List<Set<String>> baseline = new ArrayList<>();
        for (int i = 0; i < gold.size(); i++) {
            baseline.add(top);
        }
        Gate.Verdict verdict = new Gate(snap.set().minGain(), snap.set().macroTolerance(), claim.id())
                .judge(gold, challengerLabels, championLabels, baseline);

        String name = "loop/" + snap.tenant() + "/" + snap.set().name();
        Files.writeString(folder.resolve("loop.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(
                json.createObjectNode().put("label_set", snap.set().name()).put("algorithm", algorithm.name())
                        .put("multi_label", snap.set().multiLabel()).put("trained_on", examples.size())),
                StandardCharsets.UTF_8);
        ModelMetadata metadata = ModelMetadata.builder()
                .modelType("text-classifier")
                .metric("holdout_micro_f1", verdict.challenger().microF1())
                .metric("holdout_macro_f1", verdict.challenger().macroF1())
                .extra("kind", algorithm.name())
                .extra("label_set", snap.set().name())
                .extra("holdout_hash", snap.holdoutInfo().hash())
                .build();
        ModelInfo pushed = den.push(PushRequest.builder(folder, name)
                .description("den4j loop " + algorithm.name() + " classifier of label set " + snap.set().name())
                .parent(snap.champion() == null ? null : snap.champion().denRef())
                .metadata(metadata).build()).model();
        String trigger = claim.trigger();
        ObjectNode result = db.inTenant(claim.tenantId(), c -> {
            int version;
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(version), 0) + 1 FROM models WHERE "
                    + "label_set_id = ?")) {
                ps.setLong(1, snap.set().id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1);
                }
            }
            if (verdict.promoted() && snap.champion() != null) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE models SET status = 'retired' WHERE id = ? AND "
                        + "status = 'champion'")) {
                    ps.setLong(1, snap.champion().id());
                    if (ps.executeUpdate() != 1) {
                        throw new LoopException("The champion of " + snap.set().name() + " changed while job "
                                + claim.id() + " trained; train again");
                    }
                }
            }
            long modelId;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO models (tenant_id, label_set_id, version, "
                    + "status, algorithm, den_ref, parent_id, trained_on, trained_until, metrics, promoted_at) VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, CASE WHEN ? THEN now() END) RETURNING id")) {
                ps.setLong(1, claim.tenantId());
                ps.setLong(2, snap.set().id());
                ps.setInt(3, version);
                ps.setString(4, verdict.promoted() ? "champion" : "rejected");
                ps.setString(5, algorithm.name());
                ps.setString(6, pushed.ref());
                ps.setObject(7, snap.champion() == null ? null : snap.champion().id());
                ps.setInt(8, examples.size());
                ps.setLong(9, snap.trainedUntil());
                ps.setString(10, json.valueToTree(verdict.challenger()).toString());
                ps.setBoolean(11, verdict.promoted());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    modelId = rs.getLong(1);
                }
            }
            long decisionId = Models.insertDecision(c, json, claim.tenantId(), snap.set().id(), modelId,
                    snap.champion() == null ? null : snap.champion().id(), verdict, snap.holdoutInfo().id(),
                    snap.holdoutInfo().hash(), trigger);
            if (verdict.promoted()) {
                Models.notifyChampion(c, claim.tenantId(), snap.set().id(), modelId);
            }
            ObjectNode r = json.createObjectNode();
            r.put("label_set", snap.set().name());
            r.put("version", version);
            r.put("den_ref", pushed.ref());
            r.put("promoted", verdict.promoted());
            r.put("reason", verdict.reason());
            r.put("decision_id", decisionId);
            r.put("trained_on", examples.size());
            r.put("holdout_size", gold.size());
            r.set("metrics", json.valueToTree(verdict.challenger()));
            r.put("train_seconds", (trainedAt - started) / 1e9);
            queue.succeed(c, claim, r);
            return r;
        });
        if (verdict.promoted()) {
            try {
                den.alias(name, "champion", pushed.version());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Moving the den alias " + name + "@champion failed: "
                        + e.getMessage());
            }
        }
        deleteQuietly(folder);
        return result;
    }

    private Snapshot snapshot(Connection c, JobQueue.Claim claim) throws SQLException {
        LabelSet set = LabelSets.get(c, claim.labelSetId());
        String tenant;
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM tenants WHERE id = ?")) {
            ps.setLong(1, claim.tenantId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                tenant = rs.getString(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE label_sets SET confirmed_since_training = 0 WHERE id = ?")) {
            ps.setLong(1, set.id());
            ps.executeUpdate();
        }
        List<Item> confirmed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT ON (a.observation_id) o.id, o.text, a.labels "
                + "FROM annotations a JOIN observations o ON o.id = a.observation_id WHERE a.label_set_id = ? AND "
                + "a.status = 'confirmed' ORDER BY a.observation_id, a.updated_at DESC, a.id DESC")) {
            ps.setLong(1, set.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    confirmed.add(new Item(rs.getLong(1), rs.getString(2), labels(rs.getArray(3))));
                }
            }
        }
        Holdout holdout = holdout(c, claim.tenantId(), set, confirmed);
        List<Item> training = new ArrayList<>();
        List<Item> held = new ArrayList<>();
        Set<Long> everHeld = everHeld(c, set.id());
        long until = 0;
        for (Item item : confirmed) {
            if (holdout.members().contains(item.observationId())) {
                held.add(item);
            } else if (!everHeld.contains(item.observationId())) {
                training.add(item);
                until = Math.max(until, item.observationId());
            }
        }
        if (training.isEmpty() || held.isEmpty()) {
            throw new LoopInputException("Label set " + set.name() + " has " + training.size() + " training and "
                    + held.size() + " holdout observations with confirmed labels; confirm more (at least "
                    + MIN_OBSERVATIONS + ") and train again");
        }
        Champion champion = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, version, den_ref, algorithm FROM models WHERE "
                + "label_set_id = ? AND status = 'champion'")) {
            ps.setLong(1, set.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    champion = new Champion(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4));
                }
            }
        }
        return new Snapshot(set, tenant, training, held, holdout, champion, until);
    }

    static Set<String> labels(Array array) throws SQLException {
        return new TreeSet<>(Arrays.asList((String[]) array.getArray()));
    }

    private static Set<Long> everHeld(Connection c, long setId) throws SQLException {
        Set<Long> ids = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.observation_id FROM holdout_items i JOIN holdouts h ON "
                + "h.id = i.holdout_id WHERE h.label_set_id = ?")) {
            ps.setLong(1, setId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** The label set's newest holdout, frozen now from {@code confirmed} when it has none. */
    private Holdout holdout(Connection c, long tenant, LabelSet set, List<Item> confirmed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, version, hash FROM holdouts WHERE label_set_id = ? "
                + "ORDER BY version DESC LIMIT 1")) {
            ps.setLong(1, set.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long id = rs.getLong(1);
                    return new Holdout(id, rs.getInt(2), rs.getString(3), members(c, id));
                }
            }
        }
        if (confirmed.size() < MIN_OBSERVATIONS) {
            throw new LoopInputException("Label set " + set.name() + " has " + confirmed.size() + " observations with "
                    + "confirmed labels; it needs at least " + MIN_OBSERVATIONS + " before its first training (a "
                    + "share is frozen as the holdout)");
        }
        List<Long> ids = new ArrayList<>();
        for (Item item : confirmed) {
            ids.add(item.observationId());
        }
        int size = (int) Math.max(10, Math.ceil(ids.size() * set.holdoutFraction()));
        List<Long> chosen = sample(ids, size, set.id());
        return freeze(c, tenant, set.id(), 1, chosen);
    }

    /** A deterministic sample: the ids whose SHA-256 with the label set's id sorts first. */
    static List<Long> sample(List<Long> ids, int size, long salt) {
        List<Long> sorted = new ArrayList<>(ids);
        sorted.sort((a, b) -> sha256(salt + ":" + a).compareTo(sha256(salt + ":" + b)));
        return new ArrayList<>(sorted.subList(0, Math.min(size, sorted.size())));
    }

    static Holdout freeze(Connection c, long tenant, long setId, int version, List<Long> members) throws SQLException {
        List<Long> sorted = new ArrayList<>(new TreeSet<>(members));
        String hash = sha256(sorted.toString());
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO holdouts (tenant_id, label_set_id, version, size, "
                + "hash) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
            ps.setLong(1, tenant);
            ps.setLong(2, setId);
            ps.setInt(3, version);
            ps.setInt(4, sorted.size());
            ps.setString(5, hash);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO holdout_items (tenant_id, holdout_id, observation_id) "
                + "SELECT ?, ?, unnest(?::bigint[])")) {
            ps.setLong(1, tenant);
            ps.setLong(2, id);
            ps.setArray(3, c.createArrayOf("bigint", sorted.toArray()));
            ps.executeUpdate();
        }
        return new Holdout(id, version, hash, new LinkedHashSet<>(sorted));
    }

    private static Set<Long> members(Connection c, long holdoutId) throws SQLException {
        Set<Long> ids = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT observation_id FROM holdout_items WHERE holdout_id = ?")) {
            ps.setLong(1, holdoutId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /**
     * Makes a new holdout version: the current members plus a sample of the confirmed observations that no
     * model has trained on yet (newer than every model's training data), so the holdout stays unseen.
     *
     * @return the new version
     */
    public int growHoldout(Caller caller, String setName) {
        caller.requireAdmin("grow a holdout");
        return db.inTenant(caller.tenantId(), c -> {
            LabelSet set = LabelSets.get(c, setName);
            long version;
            Set<Long> current = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, version FROM holdouts WHERE label_set_id = ? "
                    + "ORDER BY version DESC LIMIT 1")) {
                ps.setLong(1, set.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new LoopInputException("Label set " + setName + " has no holdout yet; it is frozen at "
                                + "the first training");
                    }
                    current.addAll(members(c, rs.getLong(1)));
                    version = rs.getInt(2);
                }
            }
            List<Long> fresh = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT a.observation_id FROM annotations a WHERE "
                    + "a.label_set_id = ? AND a.status = 'confirmed' AND a.observation_id > (SELECT coalesce("
                    + "max(trained_until), 0) FROM models WHERE label_set_id = ?)")) {
                ps.setLong(1, set.id());
                ps.setLong(2, set.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        fresh.add(rs.getLong(1));
                    }
                }
            }
            fresh.removeAll(current);
            if (fresh.isEmpty()) {
                throw new LoopInputException("Label set " + setName + " has no confirmed observations newer than its "
                        + "models' training data; confirm more before growing the holdout");
            }
            List<Long> members = new ArrayList<>(current);
            members.addAll(sample(fresh, (int) Math.ceil(fresh.size() * set.holdoutFraction()), set.id()));
            return freeze(c, caller.tenantId(), set.id(), (int) version + 1, members).version();
        });
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (var files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a left-over training folder is only disk space
        }
    }
}
