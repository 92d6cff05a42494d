package org.den4j.den;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A model fetched from an {@link ExternalSource}, ready to push: its files and what the source knows of it.
 *
 * @param directory the local, read-only directory holding its files
 * @param name the den name to use when none is given, for example the Hub id {@code org/name}
 * @param description what it is
 * @param tags tags the source gives it, for example a model card's {@code tags}
 * @param metadata registry metadata derived by the source; its {@code sourceUrl} says where it came from
 * @param linkRoot where the directory's symbolic links may point, such as a cache whose snapshots link into its
 *     blob store; null when the directory holds no links. A push follows links inside it and refuses others.
 */
public record ImportedModel(Path directory, String name, String description, List<String> tags,
        ModelMetadata metadata, Path linkRoot) {
    /** A model whose directory holds regular files only. */
    public ImportedModel(Path directory, String name, String description, List<String> tags,
            ModelMetadata metadata) {
        this(directory, name, description, tags, metadata, null);
    }

    public ImportedModel {
        Objects.requireNonNull(directory, "directory");
        ModelRef.checkName(name);
        description = description == null ? "" : description;
        tags = tags == null ? List.of() : List.copyOf(tags);
        metadata = metadata == null ? ModelMetadata.EMPTY : metadata;
    }
}
