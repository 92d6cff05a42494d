package org.den4j.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Observations, predictions and annotations: what flows in through the API.
 *
 * <p>Labels sent with an observation are a confirmed annotation by the key's owner. A prediction with
 * {@code persist} stores the observation, the prediction and a suggested annotation that a person confirms
 * (optionally corrected) or rejects; only confirmed annotations train. Confirmations count towards the
 * label set's {@code train_after}: reaching it queues a training job, unless one is queued or running.
 */
public final class Observations {
    /** Most items in one request. */
    public static final int MAX_ITEMS = 1000;
    private final LoopDatabase db;
    private final JobQueue queue;
    private final Champions champions;
    private final ObjectMapper json;
    private volatile LongConsumer onJobQueued = id -> { };

    /** Observations in {@code db}. */
    public Observations(LoopDatabase db, JobQueue queue, Champions champions, ObjectMapper json) {
        this.db = Objects.requireNonNull(db, "db");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.champions = Objects.requireNonNull(champions, "champions");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** Called with a job's id when a confirmation queues training (the server wakes its workers). */
    public void onJobQueued(LongConsumer listener) {
        this.onJobQueued = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Stores observations (an item whose text the set has already is not stored twice: its existing id is
     * returned) and their labels as confirmed annotations.
     *
     * @return the observations' ids, in the order of {@code items}
     */
    public List<Long> add(Caller caller, String setName, List<ObservationInput> items) {
        caller.requireWrite("add observations");
        if (items == null || items.isEmpty()) {
            throw new LoopInputException("No items; send {\"items\":[{\"text\":...,\"labels\":[...]}]}");
        }
        if (items.size() > MAX_ITEMS) {
            throw new LoopInputException(items.size() + " items in one request; send at most " + MAX_ITEMS
                    + " (or upload a file to /uploads)");
        }
        long[] queued = {0};
        List<Long> ids = db.inTenant(caller.tenantId(), c -> {
            LabelSet set = LabelSets.get(c, setName);
            List<Long> out = new ArrayList<>();
            int confirmed = 0;
            for (int i = 0; i < items.size(); i++) {
                ObservationInput item = items.get(i);
                Set<String> labels = checkLabels(set, item.labels(), "items[" + i + "]");
                String text = checkText(item.text(), "items[" + i + "].text");
                long id = store(c, caller.tenantId(), set.id(), text, item.externalId(),
                        item.metadata() == null ? "{}" : item.metadata().toString(), "api");
                out.add(id);
                if (!labels.isEmpty()) {
                    LabelSets.addLabels(c, caller.tenantId(), set.id(), labels);
                    annotate(c, caller.tenantId(), set.id(), id, null, labels, "confirmed", caller.author());
                    confirmed++;
                }
            }
            queued[0] = countConfirmed(c, queue, caller.tenantId(), set, confirmed);
            return out;
        });
        if (queued[0] > 0) {
            onJobQueued.accept(queued[0]);
        }
        return ids;
    }

    static String checkText(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new LoopInputException(field + " is empty; every observation needs a text");
        }
        return text;
    }

    static Set<String> checkLabels(LabelSet set, List<String> labels, String field) {
        Set<String> out = new LinkedHashSet<>();
        if (labels == null) {
            return out;
        }
        for (String l : labels) {
            if (l == null || l.isBlank() || l.length() > 200) {
                throw new LoopInputException(field + ".labels has an empty or over-long label");
            }
            out.add(l.strip());
        }
        if (!set.multiLabel() && out.size() > 1) {
            throw new LoopInputException(field + " has " + out.size() + " labels but label set " + set.name()
                    + " is single-label; send one");
        }
        return out;
    }

    /** Inserts an observation, or finds the one with the same text; returns its id. */
    static long store(Connection c, long tenant, long setId, String text, String externalId, String metadata,
            String source) throws SQLException {
        String hash = Training.sha256(text);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO observations (tenant_id, label_set_id, text, "
                + "text_hash, external_id, metadata, source) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT DO NOTHING "
                + "RETURNING id")) {
            ps.setLong(1, tenant);
            ps.setLong(2, setId);
            ps.setString(3, text);
            ps.setString(4, hash);
            ps.setString(5, externalId);
            ps.setString(6, metadata);
            ps.setString(7, source);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM observations WHERE label_set_id = ? AND "
                + "(text_hash = ? OR external_id = ?) ORDER BY id LIMIT 1")) {
            ps.setLong(1, setId);
            ps.setString(2, hash);
            ps.setString(3, externalId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long annotate(Connection c, long tenant, long setId, long observationId, Long predictionId,
            Set<String> labels, String status, String author) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO annotations (tenant_id, label_set_id, observation_id, "
                + "prediction_id, labels, status, author) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setLong(1, tenant);
            ps.setLong(2, setId);
            ps.setLong(3, observationId);
            ps.setObject(4, predictionId);
            ps.setArray(5, c.createArrayOf("text", labels.toArray()));
            ps.setString(6, status);
            ps.setString(7, author);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Adds {@code confirmed} to the set's count since its last training and queues training when the count
     * reaches {@code train_after}; returns the queued job's id or 0.
     */
    static long countConfirmed(Connection c, JobQueue queue, long tenant, LabelSet set, int confirmed)
            throws SQLException {
        if (confirmed == 0 || set.trainAfter() == 0) {
            return 0;
        }
        int count;
        try (PreparedStatement ps = c.prepareStatement("UPDATE label_sets SET confirmed_since_training = "
                + "confirmed_since_training + ? WHERE id = ? RETURNING confirmed_since_training")) {
            ps.setInt(1, confirmed);
            ps.setLong(2, set.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getInt(1);
            }
        }
        if (count < set.trainAfter()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM jobs WHERE label_set_id = ? AND kind = 'train' "
                + "AND status IN ('queued', 'running')")) {
            ps.setLong(1, set.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return 0;
                }
            }
        }
        return queue.enqueue(c, tenant, set.id(), "train", null, "after " + set.trainAfter()
                + " confirmed annotations");
    }

    /**
     * Predicts with the label set's champion; with {@code persist}, stores the observation, the prediction
     * and a suggested annotation.
     *
     * @throws LoopException 409 when the label set has no champion yet
     */
    public Prediction predict(Caller caller, String setName, String text, boolean persist) {
        if (persist) {
            caller.requireWrite("store predictions (persist: true)");
        }
        checkText(text, "text");
        record Served(LabelSet set, long modelId, int version, String denRef, String algorithm) {
        }
        Served served = db.inTenant(caller.tenantId(), c -> {
            LabelSet set = LabelSets.get(c, setName);
            try (PreparedStatement ps = c.prepareStatement("SELECT id, version, den_ref, algorithm FROM models WHERE "
                    + "label_set_id = ? AND status = 'champion'")) {
                ps.setLong(1, set.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new LoopException(409, "conflict_error", "Label set " + setName + " has no champion "
                                + "yet; add confirmed observations and POST /api/v1/label-sets/" + setName + "/train",
                                null);
                    }
                    return new Served(set, rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4));
                }
            }
        });
        LabelClassifier model = champions.serve(served.set().id(), served.modelId(), served.denRef(), served.algorithm());
        Set<String> decided = model.decide(text);
        List<ScoredLabel> labels = new ArrayList<>();
        for (ScoredLabel s : model.scores(text)) {
            if (decided.contains(s.label())) {
                labels.add(s);
            }
        }
        Prediction.Model info = new Prediction.Model(served.version(), served.denRef());
        if (!persist) {
            return new Prediction(labels, info, null);
        }
        long predictionId = db.inTenant(caller.tenantId(), c -> {
            long observation = store(c, caller.tenantId(), served.set().id(), text, null, "{}", "predict");
            Map<String, Double> scores = new java.util.LinkedHashMap<>();
            for (ScoredLabel s : labels) {
                scores.put(s.label(), s.score());
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO predictions (tenant_id, label_set_id, "
                    + "observation_id, model_id, labels, scores) VALUES (?, ?, ?, ?, ?, ?::jsonb) RETURNING id")) {
                ps.setLong(1, caller.tenantId());
                ps.setLong(2, served.set().id());
                ps.setLong(3, observation);
                ps.setLong(4, served.modelId());
                ps.setArray(5, c.createArrayOf("text", decided.toArray()));
                ps.setString(6, json.writeValueAsString(scores));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new LoopException("Cannot write scores as JSON: " + e.getMessage(), e);
            }
            annotate(c, caller.tenantId(), served.set().id(), observation, id, decided, "suggested", "model:v"
                    + served.version());
            return id;
        });
        return new Prediction(labels, info, predictionId);
    }

    /**
     * Confirms a stored prediction's suggested annotation, with {@code corrected} labels in place of the
     * predicted ones when given.
     */
    public void confirm(Caller caller, long predictionId, List<String> corrected) {
        caller.requireWrite("confirm predictions");
        long queued = db.inTenant(caller.tenantId(), c -> {
            long[] ids = suggestion(c, predictionId);
            LabelSet set = LabelSets.get(c, ids[1]);
            try (PreparedStatement ps = c.prepareStatement("UPDATE annotations SET status = 'confirmed', author = ?, "
                    + "updated_at = now()" + (corrected == null ? "" : ", labels = ?") + " WHERE id = ?")) {
                ps.setString(1, caller.author());
                int i = 2;
                if (corrected != null) {
                    Set<String> labels = checkLabels(set, corrected, "labels");
                    LabelSets.addLabels(c, caller.tenantId(), set.id(), labels);
                    ps.setArray(i++, c.createArrayOf("text", labels.toArray()));
                }
                ps.setLong(i, ids[0]);
                ps.executeUpdate();
            }
            return countConfirmed(c, queue, caller.tenantId(), set, 1);
        });
        if (queued > 0) {
            onJobQueued.accept(queued);
        }
    }

    /** Rejects a stored prediction's suggested annotation: it never trains. */
    public void reject(Caller caller, long predictionId) {
        caller.requireWrite("reject predictions");
        db.inTenant(caller.tenantId(), c -> {
            long[] ids = suggestion(c, predictionId);
            try (PreparedStatement ps = c.prepareStatement("UPDATE annotations SET status = 'rejected', author = ?, "
                    + "updated_at = now() WHERE id = ?")) {
                ps.setString(1, caller.author());
                ps.setLong(2, ids[0]);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The annotation id and label set id of a prediction's annotation; 404 when the tenant has none. */
    private static long[] suggestion(Connection c, long predictionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, label_set_id FROM annotations WHERE prediction_id = ? "
                + "ORDER BY id DESC LIMIT 1 FOR UPDATE")) {
            ps.setLong(1, predictionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw LoopAccessException.notFound("Prediction " + predictionId + " does not exist; use the "
                            + "prediction_id of a predict call with \"persist\": true");
                }
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /**
     * Queues training of a label set now (annotators and admins).
     *
     * @return the job's id
     */
    public long train(Caller caller, String setName) {
        caller.requireWrite("start training");
        long id = db.inTenant(caller.tenantId(), c -> {
            LabelSet set = LabelSets.get(c, setName);
            return queue.enqueue(c, caller.tenantId(), set.id(), "train", null, "on demand by " + caller.author());
        });
        onJobQueued.accept(id);
        return id;
    }
}
