package org.den4j.hub.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.den4j.den.ProgressListener;
import org.den4j.hub.BadChecksumException;
import org.den4j.hub.FolderCheck;
import org.den4j.hub.HubException;
import org.den4j.hub.HubFile;
import org.den4j.hub.Verification;

/**
 * Compares any folder (a {@code local_dir}, a copy, a snapshot) with a repository's listing at a commit: the
 * selected files present, their sizes, and at {@link Verification#SHA256} their SHA-256 (LFS files) or git blob id
 * (regular files), as the cache verification does; plus the files the repository does not have.
 */
public final class FolderVerify {
    /** Bookkeeping folders at a folder's top that belong to no repository: Python's and den4j's. */
    private static final String BOOKKEEPING = ".cache";

    private FolderVerify() {
    }

    /**
     * Checks {@code folder} against {@code listing} (every file of {@code repoId} at {@code commit}).
     *
     * @param selected which listed files the folder should hold; listed files outside it are neither missing
     *     nor extra
     * @throws HubException when the folder is not a readable directory
     */
    public static FolderCheck check(Path folder, String repoId, String commit, List<HubFile> listing,
            Predicate<String> selected, Verification verification, ProgressListener progress) {
        if (!Files.isDirectory(folder)) {
            throw new HubException(repoId, "Cannot verify " + folder + " against " + repoId + ": it is not a "
                    + "folder. Give the folder that holds the model's files (config.json and the weights).");
        }
        List<HubFile> chosen = listing.stream().filter(f -> selected.test(f.path())).toList();
        List<String> verified = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<BadChecksumException> damaged = new ArrayList<>();
        long total = verification == Verification.SHA256 ? chosen.stream().mapToLong(HubFile::size).sum() : 0;
        progress.start("Verifying " + chosen.size() + (chosen.size() == 1 ? " file" : " files") + " in " + folder,
                total);
        try {
            for (HubFile f : chosen) {
                Path file = folder.resolve(RepoNames.checkPath(f.path()));
                if (!Files.isRegularFile(file)) {
                    missing.add(f.path());
                    continue;
                }
                try {
                    check(folder, repoId, commit, f, file, verification, progress);
                    verified.add(f.path());
                } catch (BadChecksumException e) {
                    damaged.add(e);
                }
            }
        } finally {
            progress.finish();
        }
        return new FolderCheck(folder, repoId, commit, verified, missing, extra(folder, listing, repoId), damaged);
    }

    private static void check(Path folder, String repoId, String commit, HubFile f, Path file, Verification v,
            ProgressListener progress) {
        if (v == Verification.NONE) {
            return;
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new HubException(repoId, "Cannot read " + file + " (" + e + "); check its permissions", e);
        }
        if (size != f.size()) {
            throw new BadChecksumException(repoId, f.path(), "size", Long.toString(f.size()), Long.toString(size),
                    "'" + f.path() + "' in " + folder + " has " + size + " bytes, but " + repoId + " at commit "
                            + commit + " lists " + f.size() + ": the copy is damaged. Copy it again from the Hub "
                            + "cache, or download it again.");
        }
        String algorithm = Checksums.algorithmOf(f.etag());
        if (v != Verification.SHA256 || algorithm == null) {
            return;
        }
        String actual;
        try {
            actual = Checksums.of(file, algorithm, progress::advance);
        } catch (IOException e) {
            throw new HubException(repoId, "Cannot read " + file + " (" + e + "); check its permissions", e);
        }
        if (!actual.equals(f.etag())) {
            throw new BadChecksumException(repoId, f.path(), algorithm, f.etag(), actual, "'" + f.path() + "' in "
                    + folder + " has " + algorithm + " " + actual + ", but " + repoId + " at commit " + commit
                    + " lists " + f.etag() + ": the copy is damaged. Copy it again from the Hub cache, or download "
                    + "it again.");
        }
    }

    /** Files (and links) under {@code folder} that the listing does not name, sorted, with {@code /}. */
    private static List<String> extra(Path folder, List<HubFile> listing, String repoId) {
        Set<String> known = new HashSet<>();
        listing.forEach(f -> known.add(f.path()));
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> !Files.isDirectory(p))
                    .map(p -> folder.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith(BOOKKEEPING + "/") && !known.contains(p))
                    .sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new HubException(repoId, "Cannot list " + folder + " (" + e + "); check its permissions", e);
        }
    }
}
