package org.den4j.hub;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code models:} in a models configuration: which files of which Hub repository, at which revision.
 *
 * @param id the name the configuration and the {@code hub} command use for the model
 * @param repoId the Hub repository, such as {@code deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B}
 * @param revision a branch, tag or commit; {@code main} when the file does not say
 * @param localDir where to also put the snapshot as a plain folder of copies, or null for the cache only
 * @param files allow patterns (huggingface_hub's {@code allow_patterns}); empty means every file
 */
public record ModelSpec(String id, String repoId, String revision, Path localDir, List<String> files) {
    public ModelSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(repoId, "repoId");
        revision = revision == null ? "main" : revision;
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** The allow patterns for a snapshot download, or null for every file. */
    List<String> allowPatterns() {
        return files.isEmpty() ? null : files;
    }
}
