package org.den4j.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Jobs kept in PostgreSQL: queued by requests, claimed by workers with {@code FOR UPDATE SKIP LOCKED}.
 *
 * <p>A claim gives the worker a lease ({@code locked_until}) that its heartbeat keeps extending; a job whose
 * lease ran out (its worker was killed or stalled) is claimed again by the next worker, up to
 * {@code max_attempts}. Every change a worker makes to its job names the attempt it holds
 * ({@link Claim#attempt()}) and the worker, so a worker that lost its lease cannot finish, fail or
 * heartbeat a job that another worker has since claimed: one job never completes twice.
 *
 * <p>Written here rather than with db-scheduler because the job must be a tenant-owned row under
 * row-level security that the API reads back with its status and result; db-scheduler keeps its own
 * global table and deletes a one-time task when it completes, so a second table would be needed anyway.
 */
public final class JobQueue {
    /** PostgreSQL channel notified when a job is queued, so idle workers wake at once. */
    public static final String CHANNEL = "den4j_loop_jobs";
    private final LoopDatabase db;
    private final ObjectMapper json;

    /**
     * A job a worker holds.
     *
     * @param id the job's id
     * @param tenantId its tenant
     * @param labelSetId its label set, or 0
     * @param kind what to run
     * @param params its parameters
     * @param trigger who or what queued it
     * @param attempt this attempt's number (1 for the first), the fencing token of every later change
     * @param maxAttempts after this many attempts a failure is final
     * @param worker the worker that holds it
     */
    public record Claim(long id, long tenantId, long labelSetId, String kind, JsonNode params, String trigger,
            int attempt, int maxAttempts, String worker) {
    }

    /** The queue in {@code db}. */
    public JobQueue(LoopDatabase db, ObjectMapper json) {
        this.db = Objects.requireNonNull(db, "db");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** Queues a job in the current tenant's transaction {@code c}; returns its id. */
    public long enqueue(Connection c, long tenantId, Long labelSetId, String kind, JsonNode params, String trigger)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (tenant_id, label_set_id, kind, status, params, "
                + "trigger) VALUES (?, ?, ?, 'queued', ?::jsonb, ?) RETURNING id")) {
            ps.setLong(1, tenantId);
            ps.setObject(2, labelSetId);
            ps.setString(3, kind);
            ps.setString(4, params == null ? "{}" : params.toString());
            ps.setString(5, trigger);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                try (PreparedStatement n = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    n.setString(1, CHANNEL);
                    n.setString(2, Long.toString(id));
                    n.executeQuery().close();
                }
                return id;
            }
        }
    }

    /**
     * Inserts a job that {@code worker} runs itself from the start (an upload this server received).
     */
    public Claim startOwn(Connection c, long tenantId, Long labelSetId, String kind, JsonNode params, String trigger,
            String worker, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (tenant_id, label_set_id, kind, status, params, "
                + "trigger, attempts, max_attempts, locked_by, locked_until, started_at) VALUES (?, ?, ?, 'running', "
                + "?::jsonb, ?, 1, 1, ?, now() + ? * interval '1 millisecond', now()) RETURNING id")) {
            ps.setLong(1, tenantId);
            ps.setObject(2, labelSetId);
            ps.setString(3, kind);
            ps.setString(4, params == null ? "{}" : params.toString());
            ps.setString(5, trigger);
            ps.setString(6, worker);
            ps.setLong(7, lease.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Claim(rs.getLong(1), tenantId, labelSetId == null ? 0 : labelSetId, kind, params, trigger, 1, 1,
                        worker);
            }
        }
    }

    /**
     * Claims the oldest job that is queued and due, or running with an expired lease, of any tenant.
     *
     * @return the claim, or empty when there is nothing to do
     */
    public Optional<Claim> claim(String worker, Duration lease) {
        return db.asQueue(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = 'running', locked_by = ?, "
                    + "locked_until = now() + ? * interval '1 millisecond', attempts = attempts + 1, "
                    + "started_at = coalesce(started_at, now()) WHERE id = (SELECT id FROM jobs WHERE "
                    + "(status = 'queued' AND run_after <= now()) OR (status = 'running' AND locked_until < now()) "
                    + "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, tenant_id, label_set_id, kind, "
                    + "params, trigger, attempts, max_attempts")) {
                ps.setString(1, worker);
                ps.setLong(2, lease.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Claim(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                            readJson(rs.getString(5)), rs.getString(6), rs.getInt(7), rs.getInt(8), worker));
                }
            }
        });
    }

    /**
     * Extends the lease of {@code claim}.
     *
     * @return false when the worker no longer holds the job (another worker claimed it after the lease ran out)
     */
    public boolean heartbeat(Claim claim, Duration lease) {
        return db.inTenant(claim.tenantId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET locked_until = now() + ? * interval "
                    + "'1 millisecond' WHERE id = ? AND locked_by = ? AND attempts = ? AND status = 'running'")) {
                ps.setLong(1, lease.toMillis());
                ps.setLong(2, claim.id());
                ps.setString(3, claim.worker());
                ps.setInt(4, claim.attempt());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Marks the job succeeded with {@code result} inside the tenant's transaction {@code c}, fenced by the
     * claim.
     *
     * @throws LoopException when the worker no longer holds the job; the transaction then rolls back
     */
    public void succeed(Connection c, Claim claim, JsonNode result) throws SQLException {
        end(c, claim, "succeeded", result, null);
    }

    /**
     * Fails the attempt: with {@code retry}, queued again after a back-off while attempts remain; else
     * failed for good.
     */
    public void fail(Claim claim, String error, Duration backoff, boolean retry) {
        db.inTenant(claim.tenantId(), c -> {
            if (retry && claim.attempt() < claim.maxAttempts()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = 'queued', locked_by = NULL, "
                        + "locked_until = NULL, error = ?, run_after = now() + ? * interval '1 millisecond' WHERE "
                        + "id = ? AND locked_by = ? AND attempts = ? AND status = 'running'")) {
                    ps.setString(1, error);
                    ps.setLong(2, backoff.toMillis() * claim.attempt());
                    ps.setLong(3, claim.id());
                    ps.setString(4, claim.worker());
                    ps.setInt(5, claim.attempt());
                    ps.executeUpdate();
                }
            } else {
                end(c, claim, "failed", null, error);
            }
            return null;
        });
    }

    private void end(Connection c, Claim claim, String status, JsonNode result, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = ?, result = ?::jsonb, error = ?, "
                + "finished_at = now(), locked_until = NULL WHERE id = ? AND locked_by = ? AND attempts = ? "
                + "AND status = 'running'")) {
            ps.setString(1, status);
            ps.setString(2, result == null ? null : result.toString());
            ps.setString(3, error);
            ps.setLong(4, claim.id());
            ps.setString(5, claim.worker());
            ps.setInt(6, claim.attempt());
            if (ps.executeUpdate() != 1) {
                throw new LostLeaseException("Job " + claim.id() + " attempt " + claim.attempt() + " is no longer held "
                        + "by " + claim.worker() + " (its lease ran out and another worker took it); its result is "
                        + "dropped");
            }
        }
    }

    /** The job {@code id} of the caller's tenant; another tenant's job is not found (404). */
    public Job get(Caller caller, long id) {
        Job job = db.inTenant(caller.tenantId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT j.id, j.kind, j.status, s.name, j.trigger, "
                    + "j.attempts, j.result, j.error, j.created_at, j.started_at, j.finished_at FROM jobs j LEFT JOIN "
                    + "label_sets s ON s.id = j.label_set_id WHERE j.id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    return new Job(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getInt(6), readJson(rs.getString(7)), rs.getString(8), instant(rs.getTimestamp(9)),
                            instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)));
                }
            }
        });
        if (job == null) {
            throw LoopAccessException.notFound("Job " + id + " does not exist; use the job_id a request returned");
        }
        return job;
    }

    private JsonNode readJson(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            throw new LoopException("Stored JSON is not JSON: " + e.getMessage(), e);
        }
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** The worker no longer holds the job it tried to change. */
    public static final class LostLeaseException extends LoopException {
        private static final long serialVersionUID = 1L;

        LostLeaseException(String message) {
            super(message);
        }
    }
}
