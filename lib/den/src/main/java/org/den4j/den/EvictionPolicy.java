package org.den4j.den;

import java.util.Locale;

/** Which cached models a full local cache drops first. */
public enum EvictionPolicy {
    /** Least recently used. */
    LRU,
    /** Least frequently used. */
    LFU,
    /** Least recently stored. */
    LRS,
    /** Never evict; a full cache is an error. */
    NONE;

    /**
     * Parses a policy by its short or long name ({@code lru}, {@code least_recently_used}, ...).
     *
     * @throws DenConfigException naming {@code variable} and the accepted values
     */
    public static EvictionPolicy parse(String raw, String variable) {
        String v = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (v) {
            case "lru", "least_recently_used": return LRU;
            case "lfu", "least_frequently_used": return LFU;
            case "lrs", "least_recently_stored": return LRS;
            case "none": return NONE;
            default:
                throw new DenConfigException(variable, variable + "=" + raw + " is not an eviction policy; use one of "
                        + "lru (least_recently_used), lfu (least_frequently_used), lrs (least_recently_stored), none");
        }
    }
}
