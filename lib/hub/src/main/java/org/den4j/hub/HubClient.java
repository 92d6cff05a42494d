package org.den4j.hub;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.den4j.den.ProgressListener;
import org.den4j.hub.internal.FileDownload;
import org.den4j.hub.internal.FolderVerify;
import org.den4j.hub.internal.HubApi;
import org.den4j.hub.internal.HubHttp;
import org.den4j.hub.internal.PathPatterns;
import org.den4j.hub.internal.RepoCache;
import org.den4j.hub.internal.RepoNames;
import org.den4j.hub.internal.SnapshotDownload;
import org.den4j.hub.internal.TreeCache;

/**
 * Talks to the Hugging Face Hub and keeps what it downloads in the Hub cache, laid out as Python's
 * {@code huggingface_hub} lays it out, so that either language finds what the other downloaded.
 *
 * <pre>{@code
 * try (HubClient hub = new HubClient(HubSettings.fromEnvironment())) {
 *     Path config = hub.download("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "main", "config.json");
 *     Path model = hub.snapshotDownload("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "main",
 *             List.of("*.json", "*.safetensors"), null, Verification.SHA256, ProgressListener.NONE);
 * }
 * }</pre>
 *
 * <p>A client is thread-safe; share one. The caller closes it. A client built with
 * {@link #HubClient(HubSettings)} owns its {@link HttpClient} and stops its threads on {@link #close()}; one
 * given an {@code HttpClient} leaves it to its owner.
 *
 * <p>What it does not do: uploads, datasets and spaces (models only), {@code local_dir} downloads, Xet
 * transfers (Xet-backed files come over plain HTTP, as Python does without {@code hf_xet}), and
 * {@code force_download}.
 *
 * <p>Revisions are branch names, tags or 40-hex commits; null means {@code main}. Paths use {@code /}.
 */
public final class HubClient implements AutoCloseable {
    private final HubSettings settings;
    private final HubApi api;
    private final FileDownload files;
    private final SnapshotDownload snapshots;
    private final ExecutorService ownedExecutor;
    private final ScheduledExecutorService watchdog;

    /** A client with its own HTTP client (HTTP/1.1, no automatic redirects); {@link #close()} stops it. */
    public HubClient(HubSettings settings) {
        this(settings, null, newExecutor(), RequestListener.NONE);
    }

    /**
     * A client with its own HTTP client that tells {@code requests} about every HTTP request it makes (method,
     * redacted URL, status, bytes, time): what {@code hub -v} prints.
     */
    public HubClient(HubSettings settings, RequestListener requests) {
        this(settings, null, newExecutor(), Objects.requireNonNull(requests, "requests"));
    }

    /**
     * A client that shares {@code http}, which must not follow redirects itself
     * ({@code HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)}): this client follows them
     * so that the token never reaches another host. {@link #close()} leaves {@code http} alone.
     *
     * @throws IllegalArgumentException when {@code http} follows redirects
     */
    public HubClient(HubSettings settings, HttpClient http) {
        this(settings, Objects.requireNonNull(http, "http"), null, RequestListener.NONE);
    }

    private HubClient(HubSettings settings, HttpClient http, ExecutorService executor, RequestListener requests) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ownedExecutor = executor;
        HttpClient client = http != null ? http : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor)
                .build();
        HubHttp hubHttp = new HubHttp(settings, client, requests);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hub-download-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.api = new HubApi(hubHttp);
        this.files = new FileDownload(hubHttp, watchdog);
        this.snapshots = new SnapshotDownload(api, files, settings);
    }

    /** A client configured by the environment ({@link HubSettings#fromEnvironment()}). */
    public static HubClient fromEnvironment() {
        return new HubClient(HubSettings.fromEnvironment());
    }

    public HubSettings settings() {
        return settings;
    }

    /**
     * The repository at a revision, and the commit the revision resolves to.
     *
     * @throws RepositoryNotFoundException when it does not exist or may not be seen with this token
     * @throws GatedRepoException when it is gated and the token's account has no access
     * @throws RevisionNotFoundException when it has no such revision
     * @throws HubUnreachableException when the Hub cannot be reached
     * @throws OfflineModeException in offline mode
     */
    public RepoInfo repoInfo(String repoId, String revision) {
        RepoNames.checkRepoId(repoId);
        String rev = RepoNames.checkRevision(revision);
        if (settings.offline()) {
            throw offline(repoId, rev, "repository info");
        }
        return api.repoInfo(repoId, rev);
    }

    /**
     * Every file of the repository at a revision (the recursive tree listing, all pages), with sizes and
     * hashes. Offline, the listing a snapshot download cached for that revision's commit.
     *
     * @throws RepositoryNotFoundException when the repository does not exist or may not be seen
     * @throws RevisionNotFoundException when it has no such revision
     * @throws HubUnreachableException when the Hub cannot be reached
     * @throws OfflineModeException in offline mode when no listing is cached
     */
    public List<HubFile> listFiles(String repoId, String revision) {
        RepoNames.checkRepoId(repoId);
        String rev = RepoNames.checkRevision(revision);
        if (settings.offline()) {
            RepoCache repo = new RepoCache(settings.hubCache(), repoId);
            return repo.commitOf(rev).flatMap(c -> TreeCache.read(repo, c))
                    .orElseThrow(() -> offline(repoId, rev, "the file listing"));
        }
        String commit = RepoNames.isCommit(rev) ? rev : api.repoInfo(repoId, rev).commit();
        return api.listFiles(repoId, commit);
    }

    /**
     * What a {@code HEAD} on the file tells: its commit, etag, size and download location. Does not follow
     * the redirect of LFS files to their CDN.
     *
     * @throws EntryNotFoundException when the revision has no such file
     * @throws RepositoryNotFoundException when the repository does not exist or may not be seen
     * @throws GatedRepoException when it is gated and the token's account has no access
     * @throws RevisionNotFoundException when it has no such revision
     * @throws HubUnreachableException when the Hub cannot be reached
     * @throws OfflineModeException in offline mode
     */
    public HubFileMetadata fileMetadata(String repoId, String revision, String path) {
        RepoNames.checkRepoId(repoId);
        String rev = RepoNames.checkRevision(revision);
        RepoNames.checkPath(path);
        if (settings.offline()) {
            throw offline(repoId, rev, "the metadata of '" + path + "'");
        }
        return files.metadata(repoId, rev, path, null);
    }

    /** {@link #download(String, String, String, Verification, ProgressListener)} without checks or progress. */
    public Path download(String repoId, String revision, String path) {
        return download(repoId, revision, path, Verification.NONE, ProgressListener.NONE);
    }

    /**
     * Brings one file into the cache, unless it is there, and returns its path
     * {@code $HF_HUB_CACHE/models--org--name/snapshots/<commit>/<path>}.
     *
     * <p>Like Python's {@code hf_hub_download}: a commit revision already cached costs no request; otherwise
     * one {@code HEAD} finds the commit and blob, and a blob already cached is only linked. When the Hub
     * cannot be asked, the cached file of the revision is served.
     *
     * @param progress told {@code start}, {@code advance} and {@code finish} when bytes are transferred
     * @throws EntryNotFoundException when the revision has no such file (a {@code .no_exist} marker is left)
     * @throws RepositoryNotFoundException when the repository does not exist or may not be seen, and the file
     *     is not cached
     * @throws GatedRepoException when it is gated, the token's account has no access, and the file is not cached
     * @throws RevisionNotFoundException when it has no such revision
     * @throws BadChecksumException when the bytes do not match (nothing is left in {@code blobs/})
     * @throws DownloadFailedException when the transfer keeps failing
     * @throws LocalEntryNotFoundException when the Hub cannot be reached and the file is not cached
     * @throws OfflineModeException in offline mode when the file is not cached
     */
    public Path download(String repoId, String revision, String path, Verification verification,
            ProgressListener progress) {
        return files.download(repoId, revision, path, Objects.requireNonNull(verification, "verification"),
                Objects.requireNonNull(progress, "progress"), null);
    }

    /** Every file of the revision, without checks or progress; see {@link #snapshotDownload(String, String, List, List, Verification, ProgressListener)}. */
    public Path snapshotDownload(String repoId, String revision) {
        return snapshotDownload(repoId, revision, null, null, Verification.NONE, ProgressListener.NONE);
    }

    /**
     * Brings the selected files of a revision into the cache, {@link HubSettings#maxWorkers()} at a time,
     * skipping those already there, and returns {@code snapshots/<commit>}.
     *
     * <p>Patterns are Python's {@code fnmatch} wildcards over the whole path, where {@code *} also crosses
     * {@code /} and a pattern ending with {@code /} means a folder: {@code "*.json"}, {@code "onnx/"}. A file
     * is kept when it matches one allow pattern (or {@code allowPatterns} is null) and no ignore pattern.
     *
     * <p>{@code progress} hears one {@code start} with the bytes to transfer, {@code advance} from every
     * download thread, and one {@code finish}.
     *
     * @param allowPatterns the files to keep, or null for all
     * @param ignorePatterns the files to leave out, or null for none
     * @throws RepositoryNotFoundException when the repository does not exist or may not be seen, and no
     *     snapshot is cached
     * @throws GatedRepoException when it is gated and the token's account has no access
     * @throws RevisionNotFoundException when it has no such revision
     * @throws BadChecksumException when a file's bytes do not match; the files that did arrive stay cached
     * @throws DownloadFailedException when a transfer keeps failing; the files that did arrive stay cached
     * @throws LocalEntryNotFoundException when the Hub cannot be reached and the cached snapshot is missing or
     *     incomplete
     * @throws OfflineModeException in offline mode, likewise
     */
    public Path snapshotDownload(String repoId, String revision, List<String> allowPatterns,
            List<String> ignorePatterns, Verification verification, ProgressListener progress) {
        return snapshots.download(repoId, revision, allowPatterns, ignorePatterns,
                Objects.requireNonNull(verification, "verification"), Objects.requireNonNull(progress, "progress"));
    }

    /**
     * Whether the file of that revision is in the cache, without any request: the revision is a commit or
     * has a {@code refs/} entry, and the snapshot shows the file.
     */
    public boolean isCached(String repoId, String revision, String path) {
        return cachedFile(repoId, revision, path).isPresent();
    }

    /** The cached file of that revision (Python's {@code try_to_load_from_cache}), without any request. */
    public Optional<Path> cachedFile(String repoId, String revision, String path) {
        RepoNames.checkRepoId(repoId);
        String rev = RepoNames.checkRevision(revision);
        RepoNames.checkPath(path);
        return FileDownload.cachedPointer(new RepoCache(settings.hubCache(), repoId), rev, path);
    }

    /**
     * Whether the cache holds a snapshot of that revision with every selected file, without any request.
     * Completeness is judged by the tree listing that snapshot downloads cache; without one, an existing
     * snapshot folder counts as complete, as in Python.
     */
    public boolean isSnapshotCached(String repoId, String revision, List<String> allowPatterns,
            List<String> ignorePatterns) {
        RepoNames.checkRepoId(repoId);
        String rev = RepoNames.checkRevision(revision);
        RepoCache repo = new RepoCache(settings.hubCache(), repoId);
        return repo.commitOf(rev).filter(c -> Files.isDirectory(repo.snapshot(c)))
                .map(c -> SnapshotDownload.missingFiles(repo, c, allowPatterns, ignorePatterns).orElse(List.of())
                        .isEmpty())
                .orElse(false);
    }

    /**
     * Checks what the cache holds of a revision, without downloading anything: which selected files are
     * present, and whether they match the commit's listing by size ({@link Verification#SIZE}) or hash
     * ({@link Verification#SHA256}: SHA-256 for LFS files, the git blob id for the others).
     *
     * <p>The revision is resolved in the cache ({@code refs/}), not on the Hub. The listing comes from
     * {@code trees/<commit>.json} when a snapshot download cached it, else from the Hub.
     *
     * @param progress hears the bytes hashed
     * @throws LocalEntryNotFoundException when the cache has no snapshot of the revision
     * @throws OfflineModeException offline, when the listing is not cached
     */
    public CacheCheck verifyCached(String repoId, String revision, List<String> allowPatterns,
            List<String> ignorePatterns, Verification verification, ProgressListener progress) {
        return snapshots.verify(repoId, revision, allowPatterns, ignorePatterns,
                Objects.requireNonNull(verification, "verification"), Objects.requireNonNull(progress, "progress"));
    }

    /**
     * Checks any folder (a copy of a snapshot, a {@code local_dir}) against the repository's files at a revision,
     * downloading nothing: which selected files are missing, which differ by size or hash (at {@link
     * Verification#SHA256}: SHA-256 for LFS files, the git blob id for the others, as {@link #verifyCached} does),
     * and which files the repository does not have.
     *
     * <p>A commit revision is used as it is; a branch or tag is resolved on the Hub, or in the cache's
     * {@code refs/} when offline or when the Hub cannot be reached. The listing of the commit comes from the
     * cache's {@code trees/} when a snapshot download stored it, else from the Hub.
     *
     * @param allowPatterns the files the folder should hold, or null for all
     * @param ignorePatterns files to leave out, or null for none
     * @param progress hears the bytes hashed
     * @throws HubException when the folder is not a directory, or for the Hub's errors (unknown repository or
     *     revision, ...)
     * @throws OfflineModeException offline, when the cache cannot resolve the revision or has no listing
     */
    public FolderCheck verifyFolder(String repoId, String revision, Path folder, List<String> allowPatterns,
            List<String> ignorePatterns, Verification verification, ProgressListener progress) {
        RepoNames.checkRepoId(repoId);
        String rev = RepoNames.checkRevision(revision);
        Objects.requireNonNull(folder, "folder");
        RepoCache repo = new RepoCache(settings.hubCache(), repoId);
        String commit = RepoNames.isCommit(rev) ? rev : null;
        if (commit == null && !settings.offline()) {
            try {
                commit = api.repoInfo(repoId, rev).commit();
            } catch (HubUnreachableException e) {
                commit = repo.commitOf(rev).orElseThrow(() -> e);
            }
        }
        if (commit == null) {
            commit = repo.commitOf(rev).orElseThrow(() -> offline(repoId, rev, "the commit"));
        }
        String resolved = commit;
        List<HubFile> listing = TreeCache.read(repo, resolved).orElseGet(() -> {
            if (settings.offline()) {
                throw offline(repoId, rev, "the file listing (commit " + resolved + ")");
            }
            return api.listFiles(repoId, resolved);
        });
        return FolderVerify.check(folder, repoId, resolved, listing, PathPatterns.filter(allowPatterns,
                ignorePatterns), Objects.requireNonNull(verification, "verification"),
                Objects.requireNonNull(progress, "progress"));
    }

    /** The repository's folder in the cache, {@code $HF_HUB_CACHE/models--org--name}; it may not exist. */
    public Path repoCacheDir(String repoId) {
        return new RepoCache(settings.hubCache(), RepoNames.checkRepoId(repoId)).root();
    }

    /** Stops this client's threads, and those of an HTTP client it created; a shared one is left alone. */
    @Override
    public void close() {
        watchdog.shutdownNow();
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    private OfflineModeException offline(String repoId, String rev, String what) {
        return new OfflineModeException(repoId, rev, null, "Cannot fetch " + what + " of " + repoId + " at revision '"
                + rev + "': outgoing traffic has been disabled (offline mode) and the cache at "
                + settings.hubCache() + " cannot answer it. To enable look-ups online, set HF_HUB_OFFLINE=0 as "
                + "environment variable.");
    }

    private static ExecutorService newExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hub-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
