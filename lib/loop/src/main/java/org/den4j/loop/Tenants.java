package org.den4j.loop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Tenants and their API keys.
 *
 * <p>A key is {@code den4j_} followed by 32 random bytes (base64url); the database keeps only its SHA-256.
 * A fast hash is enough here, unlike for passwords: a 256-bit random key cannot be guessed or found from
 * its hash by brute force, and bcrypt's deliberate slowness would add tens of milliseconds to every request.
 */
public final class Tenants {
    private static final String PREFIX = "den4j_";
    private final LoopDatabase db;
    private final SecureRandom random = new SecureRandom();

    /** Tenants of {@code db}. */
    public Tenants(LoopDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /**
     * Checks the form of a tenant name (it becomes a segment of den model names).
     *
     * @throws LoopInputException when it is not 1 to 63 lower-case letters, digits, '.', '_' or '-'
     */
    public static String checkName(String name) {
        return Names.check("Tenant", name);
    }

    /**
     * Adds a tenant and its first admin key.
     *
     * @throws LoopInputException when the name is not valid or already taken
     */
    public NewKey add(String name) {
        Names.check("Tenant", name);
        long id = db.withoutTenant(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT nextval(pg_get_serial_sequence('"
                    + LoopDatabase.SCHEMA + ".tenants', 'id'))")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        try {
            return db.inTenant(id, c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO tenants (id, name) VALUES (?, ?)")) {
                    ps.setLong(1, id);
                    ps.setString(2, name);
                    ps.executeUpdate();
                }
                return insertKey(c, id, name, Role.ADMIN, "first admin key");
            });
        } catch (LoopException e) {
            if (e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())) {
                throw new LoopInputException("Tenant '" + name + "' exists already; choose another name");
            }
            throw e;
        }
    }

    /** Adds a key with {@code role} to the caller's tenant (admins only). */
    public NewKey addKey(Caller admin, Role role, String label) {
        admin.requireAdmin("make API keys");
        return db.inTenant(admin.tenantId(), c -> insertKey(c, admin.tenantId(), admin.tenant(), role, label));
    }

    private NewKey insertKey(Connection c, long tenantId, String tenant, Role role, String label) throws SQLException {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO api_keys (tenant_id, key_hash, prefix, role, name) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, tenantId);
            ps.setString(2, hash(key));
            ps.setString(3, key.substring(0, 12));
            ps.setString(4, role.id());
            ps.setString(5, label == null ? "" : label);
            ps.executeUpdate();
        }
        return new NewKey(tenantId, tenant, role, key);
    }

    /**
     * The caller that {@code key} stands for.
     *
     * @throws LoopAccessException (401) when the key is missing, malformed, unknown or revoked
     */
    public Caller authenticate(String key) {
        if (key == null || key.isBlank()) {
            throw LoopAccessException.unauthorized("No API key; send 'Authorization: Bearer KEY' (an admin makes "
                    + "keys with ./jbang loop tenant add)");
        }
        if (!key.startsWith(PREFIX) || key.length() > 200) {
            throw LoopAccessException.unauthorized("The API key is not a den4j loop key (they start with " + PREFIX
                    + ")");
        }
        String hash = hash(key);
        Caller caller = db.withoutTenant(c -> {
            LoopDatabase.setting(c, "den4j.key_hash", hash);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, tenant_id, role FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    long keyId = rs.getLong(1);
                    long tenantId = rs.getLong(2);
                    Role role = Role.of(rs.getString(3));
                    LoopDatabase.setting(c, "den4j.tenant", Long.toString(tenantId));
                    try (PreparedStatement t = c.prepareStatement("SELECT name FROM tenants WHERE id = ?")) {
                        t.setLong(1, tenantId);
                        try (ResultSet trs = t.executeQuery()) {
                            trs.next();
                            return new Caller(tenantId, trs.getString(1), keyId, role);
                        }
                    }
                }
            }
        });
        if (caller == null) {
            throw LoopAccessException.unauthorized("The API key " + key.substring(0, Math.min(12, key.length()))
                    + "... is unknown or revoked; ask the tenant's admin for a key");
        }
        return caller;
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
