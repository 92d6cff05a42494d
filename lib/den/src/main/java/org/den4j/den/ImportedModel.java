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
 */
public record ImportedModel(Path directory, String name, String description, List<String> tags,
        ModelMetadata metadata) {
    public ImportedModel {
        Objects.requireNonNull(directory, "directory");
        ModelRef.checkName(name);
        description = description == null ? "" : description;
        tags = tags == null ? List.of() : List.copyOf(tags);
        metadata = metadata == null ? ModelMetadata.EMPTY : metadata;
    }
}
