package org.den4j.hub.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.den4j.hub.HubFile;

/**
 * Tree listings: the Hub's {@code /tree} JSON entries turned into {@link HubFile}s, and the
 * {@code trees/<commit>.json} file Python's {@code snapshot_download} keeps per commit (format version 1),
 * which tells later offline calls whether a snapshot is complete.
 */
public final class TreeCache {
    /** Python's {@code TREE_CACHE_FORMAT_VERSION}. */
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TreeCache() {
    }

    /** The files of one page of {@code /api/models/{repo}/tree/{commit}}; folders are skipped. */
    public static List<HubFile> parsePage(String repoId, String commit, JsonNode page) {
        List<HubFile> files = new ArrayList<>();
        if (page == null || !page.isArray()) {
            throw new IllegalArgumentException("the tree listing is not a JSON array: " + page);
        }
        for (JsonNode entry : page) {
            if (!"file".equals(entry.path("type").asText("file")) || !entry.hasNonNull("path")) {
                continue;
            }
            JsonNode lfs = entry.get("lfs");
            boolean isLfs = lfs != null && lfs.isObject() && lfs.hasNonNull("oid");
            long size = isLfs && lfs.hasNonNull("size") ? lfs.get("size").asLong() : entry.path("size").asLong();
            files.add(new HubFile(repoId, commit, entry.get("path").asText(), size,
                    isLfs ? lfs.get("oid").asText() : null, entry.path("oid").asText(null)));
        }
        return files;
    }

    /** The listing cached for {@code commit}, or empty when there is none or it cannot be read. */
    public static Optional<List<HubFile>> read(RepoCache repo, String commit) {
        Path file = repo.tree(commit);
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            if (root.path("format_version").asInt(-1) != FORMAT_VERSION || !root.path("files").isObject()) {
                return Optional.empty();
            }
            List<HubFile> files = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("files").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode info = e.getValue();
                String sha256 = info.hasNonNull("lfs_sha256") ? info.get("lfs_sha256").asText() : null;
                long size = sha256 != null && info.hasNonNull("lfs_size") ? info.get("lfs_size").asLong()
                        : info.path("size").asLong();
                files.add(new HubFile(repo.repoId(), commit, e.getKey(), size, sha256,
                        info.path("blob_id").asText(null)));
            }
            return Optional.of(files);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a damaged listing is ignored and fetched again, as in Python
        }
    }

    /** Writes the listing for {@code commit} atomically; failures are ignored, as in Python. */
    public static void write(RepoCache repo, String commit, List<HubFile> files) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        ObjectNode byPath = root.putObject("files");
        files.stream().sorted(Comparator.comparing(HubFile::path)).forEach(f -> {
            ObjectNode info = byPath.putObject(f.path());
            info.put("size", f.size());
            info.put("blob_id", f.gitOid());
            if (f.sha256() != null) {
                info.put("lfs_sha256", f.sha256());
                info.put("lfs_size", f.size());
            }
        });
        Path file = repo.tree(commit);
        Path tmp = file.resolveSibling(commit + "." + RepoCache.shortId() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, JSON.writeValueAsBytes(root));
            RepoCache.moveAtomically(tmp, file);
        } catch (IOException e) {
            // the listing only saves a request later
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }
}
