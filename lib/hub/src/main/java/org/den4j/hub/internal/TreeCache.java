package org.den4j.hub.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    private TreeCache() {
    }

    /**
     * The files of one page of {@code /api/models/{repo}/tree/{commit}}; folders are skipped.
     *
     * @param url where the page came from, for messages
     * @throws org.den4j.hub.InvalidHubAnswerException when a path, an LFS oid or a git oid has not its
     *     documented form (they name files in the cache)
     */
    public static List<HubFile> parsePage(String repoId, String commit, JsonNode page, java.net.URI url) {
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
            String path = HubAnswers.path(repoId, url, entry.get("path").asText());
            String sha256 = isLfs ? HubAnswers.lfsOid(repoId, url, path, lfs.get("oid").asText()) : null;
            String gitOid = HubAnswers.gitOid(repoId, url, path, entry.path("oid").asText(null));
            if (size < 0) {
                throw new IllegalArgumentException("'" + HubAnswers.clean(path) + "' has a negative size " + size);
            }
            files.add(new HubFile(repoId, commit, path, size, sha256, gitOid));
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
                String blobId = info.path("blob_id").asText(null);
                if (HubAnswers.pathProblem(e.getKey()) != null || (sha256 != null && !Checksums.isSha256(sha256))
                        || (blobId != null && !Checksums.isSha1(blobId)) || size < 0) {
                    return Optional.empty(); // not written by a client that checks: fetch it again
                }
                files.add(new HubFile(repo.repoId(), commit, e.getKey(), size, sha256, blobId));
            }
            return Optional.of(files);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a damaged listing is ignored and fetched again, as in Python
        }
    }

    /**
     * Writes the listing for {@code commit} atomically, byte for byte as Python's {@code json.dump(data, f,
     * indent=1)} writes it; failures are ignored, as in Python.
     */
    public static void write(RepoCache repo, String commit, List<HubFile> files) {
        StringBuilder json = new StringBuilder("{\n \"format_version\": ").append(FORMAT_VERSION)
                .append(",\n \"files\": {");
        List<HubFile> sorted = files.stream().sorted(Comparator.comparing(HubFile::path)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            HubFile f = sorted.get(i);
            json.append(i == 0 ? "\n  " : ",\n  ");
            string(json, f.path());
            json.append(": {\n   \"size\": ").append(f.size()).append(",\n   \"blob_id\": ");
            string(json, f.gitOid());
            if (f.sha256() != null) {
                json.append(",\n   \"lfs_sha256\": ");
                string(json, f.sha256());
                json.append(",\n   \"lfs_size\": ").append(f.size());
            }
            json.append("\n  }");
        }
        json.append(sorted.isEmpty() ? "}\n}" : "\n }\n}");
        Path file = repo.tree(commit);
        Path tmp = file.resolveSibling(commit + "." + RepoCache.shortId() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(tmp, json, StandardCharsets.US_ASCII);
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

    /** A JSON string as Python's {@code json.dumps} writes it ({@code ensure_ascii}: non-ASCII as \\uXXXX). */
    private static void string(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
