package org.den4j.den;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What to push: a model directory, its name and optional registry data.
 *
 * <pre>{@code
 * PushResult result = den.push(PushRequest.builder(Path.of("out/adapter"), "acme/icd-coder-lora")
 *     .description("LoRA on MIMIC-IV notes").tags(List.of("icd10", "lora"))
 *     .parent("acme/qwen2-tiny@1").build());
 * }</pre>
 *
 * @param directory the model directory; every regular file in it is pushed. A special file (FIFO, device,
 *     socket) is refused, and so is a symbolic link, unless {@code linkRoot} is set and the link points inside
 *     it: then what it points to is pushed
 * @param name the model name
 * @param description what it is
 * @param tags free-form tags
 * @param parent a reference to the model it derives from, or null
 * @param metadata registry metadata
 * @param progress where to report bytes hashed and stored
 * @param linkRoot the folder symbolic links may point into, to be followed: the directory itself for
 *     {@code --follow-symlinks}, a cache's root for a cache snapshot made of links; null (the default) refuses
 *     every link
 */
public record PushRequest(Path directory, String name, String description, List<String> tags, String parent,
        ModelMetadata metadata, ProgressListener progress, Path linkRoot) {
    public PushRequest {
        Objects.requireNonNull(directory, "directory");
        ModelRef.checkName(name);
        description = description == null ? "" : description;
        tags = tags == null ? List.of() : List.copyOf(tags);
        metadata = metadata == null ? ModelMetadata.EMPTY : metadata;
        progress = progress == null ? ProgressListener.NONE : progress;
        for (String tag : tags) {
            if (tag == null || tag.isBlank() || tag.contains(",")) {
                throw new DenInputException("Tag '" + tag + "' is empty or has a comma; give one tag per --tag");
            }
        }
    }

    /** A builder for pushing {@code directory} under {@code name}. */
    public static Builder builder(Path directory, String name) {
        return new Builder(directory, name);
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        return new Builder(directory, name).description(description).tags(tags).parent(parent).metadata(metadata)
                .progress(progress).followSymlinksWithin(linkRoot);
    }

    /** Builds a {@link PushRequest}. */
    public static final class Builder {
        private final Path directory;
        private final String name;
        private String description = "";
        private List<String> tags = List.of();
        private String parent;
        private ModelMetadata metadata = ModelMetadata.EMPTY;
        private ProgressListener progress = ProgressListener.NONE;
        private Path linkRoot;

        private Builder(Path directory, String name) {
            this.directory = directory;
            this.name = name;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder tags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        public Builder parent(String parentRef) {
            this.parent = parentRef;
            return this;
        }

        public Builder metadata(ModelMetadata metadata) {
            this.metadata = metadata;
            return this;
        }

        public Builder progress(ProgressListener progress) {
            this.progress = progress;
            return this;
        }

        /** Push what symbolic links inside the folder point to, instead of refusing them (default false). */
        public Builder followSymlinks(boolean follow) {
            this.linkRoot = follow ? directory : null;
            return this;
        }

        /** Follow symbolic links that point inside {@code root}; refuse the others (null: refuse every link). */
        public Builder followSymlinksWithin(Path root) {
            this.linkRoot = root;
            return this;
        }

        public PushRequest build() {
            return new PushRequest(directory, name, description, tags, parent, metadata, progress, linkRoot);
        }
    }
}
