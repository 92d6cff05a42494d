package org.den4j.loop;

import java.util.Locale;

/** What an API key may do within its tenant. */
public enum Role {
    /** Everything, including promotion, rollback and new keys. */
    ADMIN,
    /** Reads, and writes observations, annotations, uploads and training requests; cannot promote or roll back. */
    ANNOTATOR,
    /** Reads and predicts without storing; writes nothing. */
    READER;

    /** The name stored in the database and shown in the API: {@code admin}, {@code annotator}, {@code reader}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code id}. */
    public static Role of(String id) {
        for (Role r : values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        throw new LoopInputException("Role '" + id + "' is not a role; use admin, annotator or reader");
    }

    /** True when this role may store data. */
    public boolean canWrite() {
        return this != READER;
    }

    /** True when this role may roll back or manage keys. */
    public boolean isAdmin() {
        return this == ADMIN;
    }
}
