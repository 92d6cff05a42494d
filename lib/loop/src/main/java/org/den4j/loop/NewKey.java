package org.den4j.loop;

/**
 * An API key just made: the only time its secret is seen (the database keeps its SHA-256).
 *
 * @param tenantId the tenant's id
 * @param tenant the tenant's name
 * @param role the key's role
 * @param key the secret to send as {@code Authorization: Bearer KEY}
 */
public record NewKey(long tenantId, String tenant, Role role, String key) {
    @Override
    public String toString() {
        return "NewKey[" + tenant + ", " + role.id() + ", " + key.substring(0, 12) + "...]";
    }
}
