package org.den4j.den;

import java.time.Instant;
import java.util.List;

/**
 * One version of a model in the den, with its registry metadata.
 *
 * @param name the model name, for example {@code acme/icd-coder}
 * @param version the version number, from 1
 * @param digest the SHA-256 content digest of its manifest, lower-case hex
 * @param description what it is, or empty
 * @param tags free-form tags
 * @param parent the digest of the model it derives from, or null for a base model
 * @param parentRef the parent as {@code name@version} at push time, or null
 * @param metadata registry metadata
 * @param created when this version was pushed
 * @param updated when its metadata last changed
 * @param size the total size of its files in bytes
 * @param fileCount the number of files
 */
public record ModelInfo(String name, int version, String digest, String description, List<String> tags,
        String parent, String parentRef, ModelMetadata metadata, Instant created, Instant updated, long size,
        int fileCount) {
    public ModelInfo {
        ModelRef.checkName(name);
        description = description == null ? "" : description;
        tags = tags == null ? List.of() : List.copyOf(tags);
        metadata = metadata == null ? ModelMetadata.EMPTY : metadata;
    }

    /** The reference {@code name@version}. */
    public String ref() {
        return name + "@" + version;
    }

    /** The first 12 hex digits of the digest, enough to tell models apart in a listing. */
    public String shortDigest() {
        return digest.substring(0, 12);
    }

    /**
     * True when the version holds files; false for a registry entry without files (made by {@code Den.register}
     * or a registry import), which lists, searches and shows like any model but cannot be fetched.
     */
    public boolean hasFiles() {
        return fileCount > 0;
    }

    /** True when the model names no parent. */
    public boolean isBase() {
        return parent == null;
    }

    /** A copy with other metadata, description and tags, updated at the given time. */
    public ModelInfo withMetadata(String description, List<String> tags, ModelMetadata metadata, Instant updated) {
        return new ModelInfo(name, version, digest, description, tags, parent, parentRef, metadata, created, updated,
                size, fileCount);
    }
}
