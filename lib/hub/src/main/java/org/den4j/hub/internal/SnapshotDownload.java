package org.den4j.hub.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.den4j.den.ProgressListener;
import org.den4j.hub.BadChecksumException;
import org.den4j.hub.CacheCheck;
import org.den4j.hub.HubException;
import org.den4j.hub.HubFile;
import org.den4j.hub.HubHttpException;
import org.den4j.hub.HubSettings;
import org.den4j.hub.InvalidHubAnswerException;
import org.den4j.hub.LocalEntryNotFoundException;
import org.den4j.hub.OfflineModeException;
import org.den4j.hub.RepositoryNotFoundException;
import org.den4j.hub.RevisionNotFoundException;
import org.den4j.hub.Verification;

/**
 * Many files of one revision into the cache: Python's {@code snapshot_download} without {@code local_dir}.
 *
 * <p>Resolves the revision to a commit ({@code repo_info}), lists the commit's files (from
 * {@code trees/<commit>.json} when cached, else the paginated tree API), keeps those the patterns select,
 * and runs {@link FileDownload} for the ones not yet in {@code snapshots/<commit>/}, several at once, with
 * one progress report for all. Offline, or when the Hub cannot be asked, it serves the cached snapshot.
 */
public final class SnapshotDownload {
    private final HubSettings settings;
    private final HubApi api;
    private final FileDownload files;

    public SnapshotDownload(HubApi api, FileDownload files, HubSettings settings) {
        this.api = api;
        this.files = files;
        this.settings = settings;
    }

    /** Returns {@code snapshots/<commit>}, holding at least the selected files. */
    public Path download(String repoId, String revision, List<String> allow, List<String> ignore,
            Verification verification, ProgressListener progress) {
        RepoNames.checkRepoId(repoId);
        String rev = RepoNames.checkRevision(revision);
        RepoCache repo = new RepoCache(settings.hubCache(), repoId);

        String commit = RepoNames.isCommit(rev) ? rev : null;
        HubException apiError = null;
        if (commit == null && !settings.offline()) {
            try {
                commit = api.repoInfo(repoId, rev).commit();
            } catch (RevisionNotFoundException | InvalidHubAnswerException e) {
                throw e;
            } catch (HubException e) {
                apiError = e; // maybe the cache has it: look there first, as Python does
            }
        }
        if (commit == null || settings.offline()) {
            return cachedSnapshot(repo, rev, commit, allow, ignore, apiError);
        }

        String resolved = commit;
        List<HubFile> listing = TreeCache.read(repo, resolved).orElseGet(() -> {
            List<HubFile> fetched = api.listFiles(repoId, resolved);
            TreeCache.write(repo, resolved, fetched);
            return fetched;
        });
        Predicate<String> selected = PathPatterns.filter(allow, ignore);
        repo.writeRefQuietly(rev, commit);
        Path snapshot = repo.snapshot(commit);
        try {
            Files.createDirectories(snapshot);
        } catch (IOException e) {
            throw new HubException(repoId, "Cannot create " + snapshot + " (" + e + "). Check that the cache folder "
                    + "is writable, or point HF_HUB_CACHE at another folder.", e);
        }

        List<HubFile> missing = new ArrayList<>();
        for (HubFile f : listing) {
            if (!selected.test(f.path())) {
                continue;
            }
            Path pointer = repo.pointer(commit, f.path());
            if (repo.isPresent(pointer)) {
                checkCachedSize(repo, f, pointer, verification);
            } else {
                missing.add(f);
            }
        }
        fetchAll(repoId, missing, verification, progress);
        return snapshot;
    }

    private void fetchAll(String repoId, List<HubFile> missing, Verification verification,
            ProgressListener progress) {
        long total = missing.stream().mapToLong(HubFile::size).sum();
        progress.start("Fetching " + missing.size() + (missing.size() == 1 ? " file" : " files") + " of " + repoId,
                total);
        ProgressListener shared = new ProgressListener() {
            @Override
            public void advance(long bytes) {
                progress.advance(bytes);
            }
        };
        try {
            if (missing.isEmpty()) {
                return;
            }
            int workers = Math.min(settings.maxWorkers(), missing.size());
            if (workers == 1) {
                for (HubFile f : missing) {
                    files.download(repoId, f.commit(), f.path(), verification, shared, f);
                }
                return;
            }
            AtomicInteger threadNumber = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "hub-download-" + threadNumber.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<Path>> futures = new ArrayList<>();
                for (HubFile f : missing) {
                    futures.add(pool.submit(() -> files.download(repoId, f.commit(), f.path(), verification, shared,
                            f)));
                }
                RuntimeException first = null;
                for (Future<Path> future : futures) {
                    try {
                        future.get();
                    } catch (CancellationException e) {
                        // cancelled after an earlier failure
                    } catch (ExecutionException e) {
                        RuntimeException failure = e.getCause() instanceof RuntimeException r ? r
                                : new HubException(repoId, "A download of " + repoId + " failed: " + e.getCause(),
                                        e.getCause());
                        if (first == null) {
                            first = failure;
                            futures.forEach(other -> other.cancel(false)); // stop what has not started
                        } else {
                            first.addSuppressed(failure);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        futures.forEach(other -> other.cancel(true));
                        throw new HubException(repoId, "Interrupted while downloading " + repoId, e);
                    }
                }
                if (first != null) {
                    throw first;
                }
            } finally {
                pool.shutdownNow();
            }
        } finally {
            progress.finish();
        }
    }

    /** Offline, or the Hub could not be asked: the cached snapshot when it holds the selected files. */
    private Path cachedSnapshot(RepoCache repo, String rev, String commit, List<String> allow, List<String> ignore,
            HubException apiError) {
        String c = commit != null ? commit : repo.readRef(rev).orElse(null);
        if (c != null && Files.isDirectory(repo.snapshot(c))) {
            List<String> absent = missingFiles(repo, c, allow, ignore).orElse(List.of());
            if (absent.isEmpty()) {
                return repo.snapshot(c);
            }
            String sample = String.join(", ", absent.subList(0, Math.min(3, absent.size())))
                    + (absent.size() > 3 ? ", ... (" + (absent.size() - 3) + " more)" : "");
            String message = "The cached snapshot of " + repo.repoId() + " (revision '" + rev + "', commit " + c
                    + ") is incomplete: " + absent.size() + " file(s) are missing (" + sample + "). ";
            if (settings.offline()) {
                throw new OfflineModeException(repo.repoId(), rev, null, message + "Outgoing traffic has been "
                        + "disabled (offline mode): set HF_HUB_OFFLINE=0 and download again to complete it.");
            }
            throw new LocalEntryNotFoundException(repo.repoId(), rev, null, message + "The Hub could not be reached ("
                    + oneLine(apiError) + "). Download again with network access to complete it.", apiError);
        }
        if (settings.offline()) {
            throw new OfflineModeException(repo.repoId(), rev, null, "Cannot find a cached snapshot of "
                    + repo.repoId() + " at revision '" + rev + "' in the cache at " + repo.hubCache()
                    + ", and outgoing traffic has been disabled (offline mode). To enable repo look-ups and downloads "
                    + "online, set HF_HUB_OFFLINE=0 as environment variable.");
        }
        if (apiError instanceof RepositoryNotFoundException
                || (apiError instanceof HubHttpException h && h.statusCode() == 401)) {
            throw apiError;
        }
        throw new LocalEntryNotFoundException(repo.repoId(), rev, null, "An error happened while trying to locate "
                + "the files of " + repo.repoId() + " at revision '" + rev + "' on the Hub, and the cache at "
                + repo.hubCache() + " has no snapshot of it. Check your connection and try again.\nCause: "
                + oneLine(apiError), apiError);
    }

    /**
     * The selected files absent from {@code snapshots/<commit>}, by the cached tree listing; empty when there
     * is no listing to tell.
     */
    public static Optional<List<String>> missingFiles(RepoCache repo, String commit, List<String> allow,
            List<String> ignore) {
        Predicate<String> selected = PathPatterns.filter(allow, ignore);
        return TreeCache.read(repo, commit).map(listing -> listing.stream().map(HubFile::path).filter(selected)
                .filter(p -> !repo.isPresent(repo.pointer(commit, p))).toList());
    }

    /**
     * Checks the cached files of a revision against the tree listing of its commit: presence, then size, then
     * (at {@link Verification#SHA256}) the SHA-256 of LFS files and the git blob id of the others. Needs no
     * request when the listing is cached; otherwise lists the commit's files online.
     */
    public CacheCheck verify(String repoId, String revision, List<String> allow, List<String> ignore,
            Verification verification, ProgressListener progress) {
        RepoNames.checkRepoId(repoId);
        String rev = RepoNames.checkRevision(revision);
        RepoCache repo = new RepoCache(settings.hubCache(), repoId);
        String commit = repo.commitOf(rev).orElse(null);
        if (commit == null || !Files.isDirectory(repo.snapshot(commit))) {
            throw new LocalEntryNotFoundException(repoId, rev, null, "Nothing of " + repoId + " at revision '" + rev
                    + "' is in the cache at " + settings.hubCache() + " to verify; download it first.", null);
        }
        Optional<List<HubFile>> cached = TreeCache.read(repo, commit);
        List<HubFile> listing;
        if (cached.isPresent()) {
            listing = cached.get();
        } else if (settings.offline()) {
            throw new OfflineModeException(repoId, rev, null, "Cannot verify " + repoId + " at revision '" + rev
                    + "': the cache has no file listing of commit " + commit + " and outgoing traffic has been "
                    + "disabled (offline mode). Set HF_HUB_OFFLINE=0 to fetch the listing, or download the snapshot "
                    + "once with network access, which caches it.");
        } else {
            listing = api.listFiles(repoId, commit);
            TreeCache.write(repo, commit, listing);
        }
        Predicate<String> selected = PathPatterns.filter(allow, ignore);
        List<HubFile> chosen = listing.stream().filter(f -> selected.test(f.path())).toList();
        List<String> verified = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<BadChecksumException> damaged = new ArrayList<>();
        long total = verification == Verification.SHA256 ? chosen.stream().mapToLong(HubFile::size).sum() : 0;
        progress.start("Verifying " + chosen.size() + (chosen.size() == 1 ? " file" : " files") + " of " + repoId,
                total);
        try {
            for (HubFile f : chosen) {
                Path pointer = repo.pointer(commit, f.path());
                if (!repo.isPresent(pointer)) {
                    missing.add(f.path());
                    continue;
                }
                try {
                    if (verification != Verification.NONE) {
                        checkCachedSize(repo, f, pointer, verification);
                    }
                    if (verification == Verification.SHA256) {
                        checkHash(repo, f, pointer, progress);
                    }
                    verified.add(f.path());
                } catch (BadChecksumException e) {
                    damaged.add(e);
                }
            }
        } finally {
            progress.finish();
        }
        return new CacheCheck(repoId, commit, verified, missing, damaged);
    }

    private static void checkHash(RepoCache repo, HubFile f, Path pointer, ProgressListener progress) {
        String expected = f.etag();
        String algorithm = Checksums.algorithmOf(expected);
        if (algorithm == null) {
            return; // the listing gives nothing to compare with
        }
        String actual;
        try {
            actual = Checksums.of(pointer, algorithm, progress::advance);
        } catch (IOException e) {
            throw new HubException(repo.repoId(), "Cannot read the cached '" + f.path() + "' at " + pointer + " ("
                    + e + ")", e);
        }
        if (!actual.equals(expected)) {
            throw new BadChecksumException(repo.repoId(), f.path(), algorithm, expected, actual, "The cached '"
                    + f.path() + "' of " + repo.repoId() + " has " + algorithm + " " + actual + " but the Hub lists "
                    + expected + ": the cache is damaged. Delete " + pointer + " and the blob it points to, then "
                    + "download again.");
        }
    }

    private static void checkCachedSize(RepoCache repo, HubFile f, Path pointer, Verification v) {
        if (v == Verification.NONE) {
            return;
        }
        long actual;
        try {
            actual = Files.size(pointer);
        } catch (IOException e) {
            throw new HubException(repo.repoId(), "Cannot read the cached '" + f.path() + "' at " + pointer + " ("
                    + e + ")", e);
        }
        if (actual != f.size()) {
            throw new BadChecksumException(repo.repoId(), f.path(), "size", Long.toString(f.size()),
                    Long.toString(actual), "The cached '" + f.path() + "' of " + repo.repoId() + " has " + actual
                            + " bytes, but the Hub lists " + f.size() + ": the cache is damaged. Delete " + pointer
                            + " and the blob it points to, then download again.");
        }
    }

    private static String oneLine(Exception e) {
        if (e == null) {
            return "no answer";
        }
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replace("\n\n", " ").replace('\n', ' ');
    }
}
