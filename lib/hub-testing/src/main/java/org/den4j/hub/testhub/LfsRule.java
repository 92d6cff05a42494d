package org.den4j.hub.testhub;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which files of a commit Git LFS stores, so that the Hub serves them through its CDN
 * with {@code X-Linked-Etag} set to their SHA-256.
 *
 * <pre>
 * hub.commit("acme/tiny", "main", files, LfsRule.DEFAULT);             // like huggingface.co
 * hub.commit("acme/tiny", "main", files, LfsRule.paths(Set.of("w.bin")));
 * hub.commit("acme/tiny", "main", files, LfsRule.sizeAbove(1024).or(LfsRule.patterns("*.gguf")));
 * </pre>
 */
@FunctionalInterface
public interface LfsRule {

    /** Every file is an LFS file. */
    LfsRule ALL = (path, size) -> true;

    /** No file is an LFS file. */
    LfsRule NONE = (path, size) -> false;

    /**
     * The Hub's defaults: the patterns of the {@code .gitattributes} that huggingface.co writes
     * into a new repository ({@code *.safetensors}, {@code *.bin}, {@code *.gguf}, ...), and every
     * file over 10 MiB, which the Hub refuses to store in plain Git.
     */
    LfsRule DEFAULT = sizeAbove(10L * 1024 * 1024).or(patterns(Gitattributes.LFS_PATTERNS));

    /**
     * Whether the file at {@code path} (slash-separated, relative to the repository root) of
     * {@code size} bytes is stored with Git LFS.
     */
    boolean isLfs(String path, long size);

    /** A rule that holds when this one or {@code other} holds. */
    default LfsRule or(LfsRule other) {
        Objects.requireNonNull(other, "other");
        return (path, size) -> isLfs(path, size) || other.isLfs(path, size);
    }

    /** Files strictly larger than {@code bytes}. */
    static LfsRule sizeAbove(long bytes) {
        return (path, size) -> size > bytes;
    }

    /** Exactly the files named (relative paths). */
    static LfsRule paths(Collection<String> paths) {
        Set<String> copy = Set.copyOf(paths);
        return (path, size) -> copy.contains(path);
    }

    /**
     * Files matching one of the {@code .gitattributes}-style globs: a pattern without a slash
     * matches the file name at any depth ({@code *.bin}), one with a slash matches the path from
     * the root ({@code saved_model/**}{@code /*}); {@code *} stays within a name, {@code **}
     * crosses folders.
     */
    static LfsRule patterns(String... globs) {
        List<Pattern> compiled = Arrays.stream(globs).map(Gitattributes::compile).toList();
        List<Boolean> anchored = Arrays.stream(globs).map(g -> g.contains("/")).toList();
        return (path, size) -> {
            String name = path.substring(path.lastIndexOf('/') + 1);
            for (int i = 0; i < compiled.size(); i++) {
                if (compiled.get(i).matcher(anchored.get(i) ? path : name).matches()) {
                    return true;
                }
            }
            return false;
        };
    }
}
