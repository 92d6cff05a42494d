package org.den4j.den;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The files of a model, sorted by path; its digest is the model's identity.
 *
 * <p>The digest is the SHA-256 of the canonical text: one line {@code sha256 size path\n} per
 * file, in path order. Two models with the same files have the same digest, whoever pushed them. The text
 * cannot be shared by two different manifests: the hash has a fixed length, the size is digits, and a path
 * holds no newline or other control character ({@link FileEntry} refuses them), so the text splits back
 * into its files in exactly one way.
 *
 * @param files the files, sorted by path
 */
public record Manifest(List<FileEntry> files) {
    public Manifest {
        List<FileEntry> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(FileEntry::path));
        Set<String> seen = new HashSet<>();
        for (FileEntry file : sorted) {
            if (!seen.add(file.path())) {
                throw new DenInputException("Manifest lists file '" + file.path() + "' twice");
            }
        }
        files = List.copyOf(sorted);
    }

    /** The canonical text the digest is computed over. */
    public String canonicalText() {
        StringBuilder text = new StringBuilder();
        for (FileEntry file : files) {
            text.append(file.sha256()).append(' ').append(file.size()).append(' ').append(file.path()).append('\n');
        }
        return text.toString();
    }

    /** The model digest: SHA-256 of {@link #canonicalText()}, lower-case hex. */
    public String digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonicalText().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The total size of all files in bytes. */
    public long size() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }
}
