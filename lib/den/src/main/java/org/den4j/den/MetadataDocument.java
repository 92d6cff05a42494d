package org.den4j.den;

import java.time.Instant;
import java.util.List;

/**
 * A model's registry record as a metadata file or a registry file gives it, in den4j's camelCase form or
 * the Python model manager's snake_case form ({@link org.den4j.den.format.MetadataCodec} reads both).
 *
 * <p>Every part but {@code metadata} is optional: null means the file did not say.
 *
 * @param name the model name ({@code name} or {@code model_id}), or null
 * @param digest the content digest of a den4j registry export record, or null
 * @param description what it is, or null
 * @param tags tags, or null
 * @param created when it was made ({@code created} or {@code created_at}), or null
 * @param updated when its metadata last changed ({@code updated} or {@code updated_at}), or null
 * @param metadata the registry metadata
 */
public record MetadataDocument(String name, String digest, String description, List<String> tags, Instant created,
        Instant updated, ModelMetadata metadata) {
    public MetadataDocument {
        if (name != null) {
            ModelRef.checkName(name);
        }
        tags = tags == null ? null : List.copyOf(tags);
        metadata = metadata == null ? ModelMetadata.EMPTY : metadata;
    }

    /** A document holding only metadata. */
    public static MetadataDocument of(ModelMetadata metadata) {
        return new MetadataDocument(null, null, null, null, null, null, metadata);
    }

    /** A copy with another name. */
    public MetadataDocument withName(String name) {
        return new MetadataDocument(name, digest, description, tags, created, updated, metadata);
    }
}
