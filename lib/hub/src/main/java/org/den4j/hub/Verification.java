package org.den4j.hub;

import java.util.Locale;

/**
 * How much to check downloaded files against what the Hub announces.
 *
 * <p>Every level refuses a transfer that ends with fewer or more bytes than announced, as Python does.
 */
public enum Verification {
    /** Trust the transfer; reused cached blobs are not looked at. */
    NONE,
    /** Also check that blobs reused from the cache have the announced size. */
    SIZE,
    /**
     * Also hash new downloads while they are written: LFS files against their SHA-256, regular git files
     * against their git blob SHA-1 ({@code "blob <size>\0" + bytes}). A blob already in {@code blobs/} is hashed
     * too before a new snapshot file links to it: bytes that do not match are refused, not linked. Files already
     * in the snapshot are checked by size; {@code verifyCached} hashes them.
     */
    SHA256;

    /**
     * Reads {@code none}, {@code size} or {@code sha256} in any case.
     *
     * @throws HubConfigException for anything else
     */
    public static Verification parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        switch (v) {
            case "none":
                return NONE;
            case "size":
                return SIZE;
            case "sha256":
                return SHA256;
            default:
                throw new HubConfigException("verify", value, "verify=" + value
                        + " is not a verification level; use one of none, size, sha256");
        }
    }

    /** The level's name as {@link #parse} reads it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
