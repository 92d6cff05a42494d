package org.den4j.loop;

/**
 * Who sends a request: the tenant and role of the API key it carries.
 *
 * @param tenantId the tenant's id
 * @param tenant the tenant's name
 * @param keyId the key's id (the author of what the request writes)
 * @param role what the key may do
 */
public record Caller(long tenantId, String tenant, long keyId, Role role) {
    /** The author name stored on annotations: {@code key:ID}. */
    public String author() {
        return "key:" + keyId;
    }

    /** Refuses unless this caller may write. */
    public void requireWrite(String what) {
        if (!role.canWrite()) {
            throw LoopAccessException.forbidden("A reader key cannot " + what + "; use an annotator or admin key");
        }
    }

    /** Refuses unless this caller is an admin. */
    public void requireAdmin(String what) {
        if (!role.isAdmin()) {
            throw LoopAccessException.forbidden("Only an admin key can " + what + "; this key is " + role.id());
        }
    }
}
