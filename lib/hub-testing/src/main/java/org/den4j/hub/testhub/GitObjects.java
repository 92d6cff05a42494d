package org.den4j.hub.testhub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Git's object ids, computed exactly as Git does, so that blob, tree and commit ids from the
 * hub match {@code git hash-object}, {@code git write-tree} and {@code git commit-tree}.
 */
final class GitObjects {

    private static final HexFormat HEX = HexFormat.of();
    private static final int BUFFER = 1 << 20;

    private GitObjects() {
    }

    /** The Git LFS pointer file that Git stores in place of an LFS file. */
    static byte[] lfsPointer(String sha256, long size) {
        return ("version https://git-lfs.github.com/spec/v1\n"
                + "oid sha256:" + sha256 + "\n"
                + "size " + size + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The Git blob id of {@code content}: SHA-1 of {@code "blob <size>\0"} and the bytes. */
    static String blobId(Content content) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + content.size() + "\0").getBytes(StandardCharsets.US_ASCII));
        return HEX.formatHex(digestAll(sha1, content));
    }

    /** The Git blob id of bytes in memory. */
    static String blobId(byte[] bytes) {
        return blobId(new Content.Bytes(bytes));
    }

    /** The SHA-256 of {@code content}, in lower-case hex. */
    static String sha256(Content content) {
        return HEX.formatHex(digestAll(digest("SHA-256"), content));
    }

    /** SHA-1 of bytes, in lower-case hex. */
    static String sha1(byte[] bytes) {
        return HEX.formatHex(digest("SHA-1").digest(bytes));
    }

    /**
     * The tree ids of a commit's files: the root under {@code ""} and every folder under its
     * path.
     */
    static Map<String, String> treeIds(SortedMap<String, Blob> files) {
        Folder root = new Folder();
        files.forEach((path, blob) -> {
            Folder folder = root;
            String[] parts = path.split("/");
            for (int i = 0; i < parts.length - 1; i++) {
                folder = folder.folders.computeIfAbsent(parts[i], k -> new Folder());
            }
            folder.files.put(parts[parts.length - 1], blob.gitId());
        });
        Map<String, String> ids = new TreeMap<>();
        treeId(root, "", ids);
        return ids;
    }

    /** The Git commit id; the commit object is built as {@code git commit-tree} builds it. */
    static String commitId(String tree, String parent, String author, long epochSeconds,
            String message) {
        StringBuilder object = new StringBuilder().append("tree ").append(tree).append('\n');
        if (parent != null) {
            object.append("parent ").append(parent).append('\n');
        }
        String who = author + " " + epochSeconds + " +0000\n";
        object.append("author ").append(who).append("committer ").append(who)
                .append('\n').append(message).append('\n');
        byte[] body = object.toString().getBytes(StandardCharsets.UTF_8);
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("commit " + body.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HEX.formatHex(sha1.digest(body));
    }

    private static String treeId(Folder folder, String path, Map<String, String> ids) {
        List<Entry> entries = new ArrayList<>();
        folder.files.forEach((name, id) -> entries.add(new Entry("100644", name, false, id)));
        folder.folders.forEach((name, sub) -> entries.add(new Entry("40000", name, true,
                treeId(sub, path.isEmpty() ? name : path + "/" + name, ids))));
        // Git orders tree entries by name bytes, a folder as if its name ended in '/'.
        entries.sort((a, b) -> Arrays.compareUnsigned(a.sortKey(), b.sortKey()));
        ByteArrayOutputStream tree = new ByteArrayOutputStream();
        for (Entry entry : entries) {
            tree.writeBytes((entry.mode + " " + entry.name + "\0").getBytes(StandardCharsets.UTF_8));
            tree.writeBytes(HEX.parseHex(entry.id));
        }
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("tree " + tree.size() + "\0").getBytes(StandardCharsets.US_ASCII));
        String id = HEX.formatHex(sha1.digest(tree.toByteArray()));
        ids.put(path, id);
        return id;
    }

    private static byte[] digestAll(MessageDigest digest, Content content) {
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(1, content.size()))];
        try (InputStream in = content.open(0)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("LocalHub could not read " + content + " to hash it", e);
        }
        return digest.digest();
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }

    private static final class Folder {
        final SortedMap<String, Folder> folders = new TreeMap<>();
        final SortedMap<String, String> files = new TreeMap<>();
    }

    private record Entry(String mode, String name, boolean folder, String id) {
        byte[] sortKey() {
            return (folder ? name + "/" : name).getBytes(StandardCharsets.UTF_8);
        }
    }
}
