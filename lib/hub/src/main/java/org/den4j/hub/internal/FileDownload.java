package org.den4j.hub.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.den4j.den.ProgressListener;
import org.den4j.hub.BadChecksumException;
import org.den4j.hub.DownloadFailedException;
import org.den4j.hub.EntryNotFoundException;
import org.den4j.hub.HubException;
import org.den4j.hub.HubFile;
import org.den4j.hub.HubFileMetadata;
import org.den4j.hub.HubHttpException;
import org.den4j.hub.HubSettings;
import org.den4j.hub.InvalidHubAnswerException;
import org.den4j.hub.HubUnreachableException;
import org.den4j.hub.LocalEntryNotFoundException;
import org.den4j.hub.OfflineModeException;
import org.den4j.hub.RepositoryNotFoundException;
import org.den4j.hub.RevisionNotFoundException;
import org.den4j.hub.Verification;

/**
 * One file into the cache: Python's {@code hf_hub_download} without {@code local_dir}.
 *
 * <ol>
 * <li>A commit revision whose file is in {@code snapshots/} is served with no request at all.</li>
 * <li>Offline, the revision is looked up in {@code refs/} and the file served from {@code snapshots/}.</li>
 * <li>Otherwise a {@code HEAD} tells the commit, the etag (blob name), the size and where to download from.
 *     When the Hub cannot be asked, a cached copy is served as Python does.</li>
 * <li>A blob already in {@code blobs/} is only linked; else the bytes go to
 *     {@code blobs/<etag>.<8 hex>.incomplete}, resumed with {@code Range} after a dropped connection,
 *     optionally hashed on the way, then renamed to {@code blobs/<etag>}. With
 *     {@link HubSettings#hfTransfer()} a large file comes as parallel ranges ({@link RangeDownload}) into the same
 *     temporary file and is hashed once complete.</li>
 * <li>{@code snapshots/<commit>/<path>} becomes a relative symlink to the blob, and {@code refs/<revision>}
 *     records the commit.</li>
 * </ol>
 */
public final class FileDownload {
    /**
     * Python's {@code _nb_retries} of {@code http_get}: attempts after a dropped transfer, reset by real progress
     * (bytes past the most that any attempt had written, not the same bytes again after a restart).
     */
    static final int STREAM_RETRIES = 5;
    /**
     * The most attempts one file's transfer gets in all, progress or not: with the watchdog's
     * {@code HF_HUB_DOWNLOAD_TIMEOUT} per attempt and at most 2 s between attempts, this is the transfer's
     * deadline once its connection starts breaking (30 x 12 s with the defaults).
     */
    static final int MAX_ATTEMPTS = 30;
    /** The most times a server may ignore {@code Range} (answer from byte 0) before the transfer gives up. */
    static final int MAX_RESTARTS = 2;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    private final HubSettings settings;
    private final HubHttp http;
    private final ScheduledExecutorService watchdog;
    private final RangeDownload ranges;

    /**
     * @param watchdog runs the checks that abort a transfer after {@link HubSettings#downloadTimeout()}
     *     without data (the JDK client has no read timeout), so that it resumes
     */
    public FileDownload(HubHttp http, ScheduledExecutorService watchdog) {
        this.http = http;
        this.settings = http.settings();
        this.watchdog = watchdog;
        this.ranges = new RangeDownload(http, watchdog);
    }

    /**
     * The metadata of a file: Python's {@code get_hf_file_metadata}. Follows redirects that stay on the
     * endpoint (a renamed repository, the resolve cache), never the one to a CDN, whose address becomes the
     * download location.
     *
     * @param repo when not null, an {@code EntryNotFound} answer leaves a {@code .no_exist} marker and a ref there
     */
    public HubFileMetadata metadata(String repoId, String revision, String path, RepoCache repo) {
        URI url = http.resolveUrl(repoId, revision, path);
        HubHttp.Target target = new HubHttp.Target(repoId, revision, path);
        HttpResponse<Void> r;
        try {
            for (int hop = 0;; hop++) {
                r = http.head(url);
                Optional<String> location = r.headers().firstValue("Location");
                if (r.statusCode() >= 300 && r.statusCode() < 400 && location.isPresent() && hop < 10) {
                    URI next = url.resolve(location.get());
                    if (http.isEndpoint(next)) {
                        // Still the Hub: a renamed repository, or the Hub's resolve-cache for git files.
                        // A redirect elsewhere (the CDN of LFS files) is where to download from.
                        url = next;
                        continue;
                    }
                }
                break;
            }
        } catch (IOException e) {
            throw HubApi.unreachable(repoId, url, e);
        }
        String commit = r.headers().firstValue("X-Repo-Commit").orElse(null);
        if (r.statusCode() >= 400) {
            if (repo != null && Checksums.isSha1(commit)
                    && "EntryNotFound".equals(r.headers().firstValue("X-Error-Code").orElse(null))) {
                repo.markNoExist(commit, path);
                repo.writeRefQuietly(revision, commit);
            }
            http.raiseForStatus(r, "", target);
        }
        boolean redirect = r.statusCode() >= 300 && r.statusCode() < 400;
        String etag = normalizeEtag(r.headers().firstValue("X-Linked-Etag")
                .orElse(r.headers().firstValue("ETag").orElse(null)));
        String size = r.headers().firstValue("X-Linked-Size")
                .orElse(redirect ? null : r.headers().firstValue("Content-Length").orElse(null));
        URI location = r.headers().firstValue("Location").map(url::resolve).orElse(url);
        if (commit == null) {
            throw new HubException(repoId, "The answer for " + url + " has no X-Repo-Commit header: it does not "
                    + "seem to come from a Hugging Face Hub. Check HF_ENDPOINT (" + settings.endpoint()
                    + "), and any proxy or firewall in between.");
        }
        if (etag == null) {
            throw new HubException(repoId, "The answer for " + url + " has no ETag: the file cannot be cached "
                    + "reproducibly. Check HF_ENDPOINT (" + settings.endpoint() + ").");
        }
        // Both name files in the cache (snapshots/<commit>, blobs/<etag>): check their form first.
        HubAnswers.commit(repoId, url, commit);
        HubAnswers.etag(repoId, url, path, etag);
        long bytes;
        try {
            bytes = size == null ? -1 : Long.parseLong(size.strip());
        } catch (NumberFormatException e) {
            bytes = -1;
        }
        if (bytes < 0) {
            throw new HubException(repoId, "The answer for " + url + " has no usable size (X-Linked-Size or "
                    + "Content-Length): " + size + ". Check HF_ENDPOINT (" + settings.endpoint() + ").");
        }
        return new HubFileMetadata(commit, etag, bytes, location);
    }

    /**
     * Brings one file into the cache and returns its path under {@code snapshots/<commit>/}.
     *
     * @param known the file as a tree listing at a commit describes it, which spares the {@code HEAD}; or null
     * @param progress told {@code start} and {@code finish} around a transfer, never for a cached file
     */
    @SuppressWarnings("try") // the lock is held, not used
    public Path download(String repoId, String revision, String path, Verification verification,
            ProgressListener progress, HubFile known) {
        RepoNames.checkRepoId(repoId);
        String rev = RepoNames.checkRevision(revision);
        RepoNames.checkPath(path);
        RepoCache repo = new RepoCache(settings.hubCache(), repoId);

        // A commit is immutable: what is in its snapshot is the file.
        if (RepoNames.isCommit(rev) && repo.isPresent(repo.pointer(rev, path))) {
            Path pointer = repo.pointer(rev, path);
            if (known != null) {
                checkReusedSize(repo, pointer, known.size(), path, verification);
            }
            return pointer;
        }
        if (settings.offline()) {
            return offline(repo, rev, path);
        }

        HubFileMetadata meta;
        if (known != null && known.commit() != null && known.etag() != null) {
            meta = new HubFileMetadata(known.commit(), known.etag(), known.size(),
                    http.resolveUrl(repoId, known.commit(), path));
        } else {
            meta = metadataOrCached(repo, rev, path);
            if (meta == null) {
                return cachedPointer(repo, rev, path).orElseThrow();
            }
        }

        Path blob = repo.blob(meta.etag());
        Path pointer = repo.pointer(meta.commit(), path);
        if (repo.isPresent(pointer)) {
            repo.writeRefQuietly(rev, meta.commit());
            checkReusedSize(repo, pointer, meta.size(), path, verification);
            return pointer;
        }
        try {
            Files.createDirectories(repo.blobs());
            Files.createDirectories(pointer.getParent());
            repo.tagCacheDir();
            repo.writeRef(rev, meta.commit());
            try (RepoCache.Held lock = repo.lock(meta.etag())) {
                if (Files.isRegularFile(blob)) {
                    checkReused(repo, blob, meta.size(), meta.etag(), path, verification);
                    if (!repo.isPresent(pointer)) {
                        repo.link(blob, pointer, false, settings.symlinksDisabled());
                    }
                    return pointer;
                }
                progress.start(path, meta.size());
                try {
                    transfer(repo, rev, path, meta, verification, progress);
                } finally {
                    progress.finish();
                }
                if (!repo.isPresent(pointer)) {
                    repo.link(blob, pointer, true, settings.symlinksDisabled());
                }
            }
            return pointer;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new HubException(repoId, "Cannot store '" + path + "' of " + repoId + " in the cache at "
                    + repo.root() + " (" + e + "). Check that the folder is writable and the disk has room, or "
                    + "point HF_HUB_CACHE at another folder.", e);
        }
    }

    /** The metadata, or null when the Hub could not be asked but the cache has the file (Python's fallback). */
    private HubFileMetadata metadataOrCached(RepoCache repo, String rev, String path) {
        HubException failure;
        try {
            return metadata(repo.repoId(), rev, path, repo);
        } catch (RevisionNotFoundException | EntryNotFoundException | InvalidHubAnswerException e) {
            throw e; // the repository answered: the revision or file does not exist, or the answer is unusable
        } catch (HubException e) {
            failure = e;
        }
        if (cachedPointer(repo, rev, path).isPresent()) {
            return null;
        }
        if (failure instanceof RepositoryNotFoundException
                || (failure instanceof HubHttpException h && h.statusCode() == 401)) {
            throw failure;
        }
        if (isRetryable(failure)) {
            // Nothing cached to fall back on: worth waiting for the Hub (Python retries here too).
            for (int attempt = 0; attempt < 3; attempt++) {
                Backoff.sleep(attempt + 1);
                try {
                    return metadata(repo.repoId(), rev, path, repo);
                } catch (RevisionNotFoundException | EntryNotFoundException e) {
                    throw e;
                } catch (HubException e) {
                    failure = e;
                    if (!isRetryable(e)) {
                        break;
                    }
                }
            }
        }
        if (failure instanceof RepositoryNotFoundException
                || (failure instanceof HubHttpException h && h.statusCode() == 401)) {
            throw failure;
        }
        throw new LocalEntryNotFoundException(repo.repoId(), rev, path, "An error happened while trying to locate '"
                + path + "' of " + repo.repoId() + " at revision '" + rev + "' on the Hub, and it is not in the "
                + "cache at " + repo.root() + ". Check your connection and try again.\nCause: "
                + firstLine(failure.getMessage()), failure);
    }

    private static boolean isRetryable(HubException e) {
        return e instanceof HubUnreachableException
                || (e instanceof HubHttpException h && HubHttp.RETRY_STATUSES.contains(h.statusCode()));
    }

    /** The cached file for a revision: the commit itself or {@code refs/<revision>}, then its snapshot. */
    public static Optional<Path> cachedPointer(RepoCache repo, String rev, String path) {
        return repo.commitOf(rev).map(c -> repo.pointer(c, path)).filter(repo::isPresent);
    }

    private Path offline(RepoCache repo, String rev, String path) {
        Optional<Path> cached = cachedPointer(repo, rev, path);
        if (cached.isPresent()) {
            return cached.get();
        }
        Optional<String> commit = repo.commitOf(rev);
        String known = commit.isPresent() && Files.exists(repo.noExist(commit.get(), path))
                ? " (the Hub said earlier that commit " + commit.get() + " has no such file)"
                : commit.isPresent() ? " (revision '" + rev + "' is commit " + commit.get() + " in the cache)"
                        : " (the cache has no refs/" + rev + " for it)";
        throw new OfflineModeException(repo.repoId(), rev, path, "Cannot find '" + path + "' of " + repo.repoId()
                + " at revision '" + rev + "' in the cache at " + repo.hubCache() + known
                + ", and outgoing traffic has been disabled (offline mode). To enable look-ups and downloads online, "
                + "set HF_HUB_OFFLINE=0 as environment variable.");
    }

    /**
     * Checks a blob found in {@code blobs/} before a new snapshot file links to it: its size at
     * {@link Verification#SIZE} and above, and at {@link Verification#SHA256} its hash against the etag, so that
     * a file that is already on disk is trusted only for what it holds.
     */
    private static void checkReused(RepoCache repo, Path file, long size, String etag, String path,
            Verification v) {
        checkReusedSize(repo, file, size, path, v);
        String algorithm = Checksums.algorithmOf(etag);
        if (v != Verification.SHA256 || algorithm == null) {
            return;
        }
        String actual;
        try {
            actual = Checksums.of(file, algorithm, n -> { });
        } catch (IOException e) {
            throw new HubException(repo.repoId(), "Cannot read the cached '" + path + "' at " + file + " (" + e
                    + ")", e);
        }
        if (!actual.equals(etag)) {
            throw new BadChecksumException(repo.repoId(), path, algorithm, etag, actual, "The cached '" + path
                    + "' of " + repo.repoId() + " has " + algorithm + " " + actual + " but the Hub announces " + etag
                    + ": the cache is damaged. Delete " + file + " and download again.");
        }
    }

    /** Size check of a blob reused from the cache, at {@link Verification#SIZE} and above. */
    private static void checkReusedSize(RepoCache repo, Path file, long expected, String path, Verification v) {
        if (v == Verification.NONE || expected < 0) {
            return;
        }
        long actual;
        try {
            actual = Files.size(file);
        } catch (IOException e) {
            throw new HubException(repo.repoId(), "Cannot read the cached '" + path + "' at " + file + " (" + e
                    + ")", e);
        }
        if (actual != expected) {
            throw new BadChecksumException(repo.repoId(), path, "size", Long.toString(expected),
                    Long.toString(actual), "The cached '" + path + "' of " + repo.repoId() + " has " + actual
                            + " bytes, but the Hub announces " + expected + ": the cache is damaged. Delete "
                            + file + " and download again.");
        }
    }

    /**
     * Transfers the bytes into a unique temporary file in {@code blobs/}, checks them, and renames the file to
     * {@code blobs/<etag>}. On any failure the temporary file is removed: nothing is left in {@code blobs/}.
     */
    private void transfer(RepoCache repo, String rev, String path, HubFileMetadata meta, Verification verification,
            ProgressListener progress) throws IOException {
        String algorithm = null;
        if (verification == Verification.SHA256) {
            algorithm = Checksums.algorithmOf(meta.etag());
            if (algorithm == null) {
                throw new HubException(repo.repoId(), "Cannot verify '" + path + "' of " + repo.repoId()
                        + ": its etag '" + meta.etag() + "' is neither a SHA-256 nor a git blob id. Use verification "
                        + "'size', or check HF_ENDPOINT (" + settings.endpoint() + ") is a Hugging Face Hub.");
            }
        }
        Path tmp = repo.blobs().resolve(meta.etag() + "." + RepoCache.shortId() + ".incomplete");
        try {
            String actual = null;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                // HF_HUB_ENABLE_HF_TRANSFER: a large file as parallel ranges, unless the server ignores Range.
                boolean split = settings.splitsIntoRanges(meta.size())
                        && ranges.receive(out, repo.repoId(), rev, path, meta, progress);
                if (!split) {
                    MessageDigest digest = receive(out, repo, rev, path, meta, algorithm, progress);
                    actual = digest == null ? null : Checksums.hex(digest);
                }
            }
            if (actual == null && algorithm != null) {
                // Ranges arrive out of order: hash the finished file, before it may enter blobs/.
                actual = Checksums.of(tmp, algorithm, n -> { });
            }
            if (actual != null) {
                if (!actual.equals(meta.etag())) {
                    Files.deleteIfExists(tmp);
                    throw new BadChecksumException(repo.repoId(), path, algorithm, meta.etag(), actual,
                            "Bad checksum for '" + path + "' of " + repo.repoId() + " at commit " + meta.commit()
                                    + ": expected " + algorithm + " " + meta.etag() + " but the downloaded bytes give "
                                    + actual + ". The download was discarded and nothing was stored in the cache. "
                                    + "Download it again; if this repeats, the server (" + meta.location().getHost()
                                    + ") is sending damaged bytes.");
                }
            }
            RepoCache.moveAtomically(tmp, repo.blob(meta.etag()));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Python's {@code http_get}: stream into {@code out}, resume with {@code Range} after a drop, check the
     * length. Returns the digest of the bytes, or null without one.
     */
    private MessageDigest receive(FileChannel out, RepoCache repo, String rev, String path, HubFileMetadata meta,
            String algorithm, ProgressListener progress) throws IOException {
        HubHttp.Target target = new HubHttp.Target(repo.repoId(), rev, path);
        Transfer t = new Transfer(out, meta.size(), algorithm, progress);
        int retries = STREAM_RETRIES;
        int attempts = 0;
        long highWater = 0; // the most bytes any attempt had written: only bytes past it are progress
        while (true) {
            attempts++;
            IOException drop = null;
            Sink sink = new Sink(t);
            ScheduledFuture<?> check = FileBodySink.watch(watchdog, settings.downloadTimeout(), sink);
            try {
                http.getBytes(meta.location(), t.written, target, info -> t.subscriberFor(info, sink));
            } catch (HubHttpException e) {
                if (!HubHttp.RETRY_STATUSES.contains(e.statusCode()) || retries-- <= 0) {
                    throw e;
                }
                drop = new IOException(e.getMessage(), e);
            } catch (IOException e) {
                drop = sink.stalled ? new HttpTimeoutException("no data for " + settings.downloadTimeout().toSeconds()
                        + " s (HF_HUB_DOWNLOAD_TIMEOUT)") : e;
            } finally {
                check.cancel(false);
                sink.close(); // later deliveries of this response, if any, are ignored
            }
            if (t.diskFailure != null) {
                throw t.diskFailure;
            }
            if (t.tooMuch) {
                throw new DownloadFailedException(repo.repoId(), rev, path, meta.location(), "Consistency check "
                        + "failed: '" + path + "' of " + repo.repoId() + " should be of size " + meta.size()
                        + " but the server sent more. Nothing was stored in the cache. Download it again.", null);
            }
            if (t.written == meta.size()) {
                return t.digest; // all bytes arrived, even if the end of the exchange failed
            }
            if (t.written > highWater) {
                highWater = t.written;
                retries = STREAM_RETRIES; // new bytes came: the connection works, start counting again
            }
            // Dropped, or ended early without an error: resume from what arrived.
            if (drop == null) {
                drop = new IOException("the connection closed after " + t.written + " of " + meta.size() + " bytes");
            }
            if (t.restarts > MAX_RESTARTS) {
                throw new DownloadFailedException(repo.repoId(), rev, path, meta.location(), "Download of '" + path
                        + "' of " + repo.repoId() + " from " + meta.location() + " failed: the server ignored Range "
                        + "and sent the file from byte 0 again " + t.restarts + " times, and every transfer broke "
                        + "off (" + highWater + " of " + meta.size() + " bytes at most; last error: " + drop
                        + "). Nothing was stored in the cache. Try again later, or use another HF_ENDPOINT.", drop);
            }
            if (attempts >= MAX_ATTEMPTS) {
                throw new DownloadFailedException(repo.repoId(), rev, path, meta.location(), "Download of '" + path
                        + "' of " + repo.repoId() + " from " + meta.location() + " failed: the transfer broke off "
                        + attempts + " times, the most one file gets, " + highWater + " of " + meta.size()
                        + " bytes arrived (last error: " + drop + "). Nothing was stored in the cache. Check your "
                        + "connection and try again.", drop);
            }
            if (retries-- <= 0) {
                throw failed(repo, rev, path, meta, t.written, drop);
            }
            Backoff.sleep(STREAM_RETRIES - retries);
        }
    }

    /** The state of one file's transfer across its attempts. */
    private static final class Transfer {
        final FileChannel out;
        final long expected;
        final String algorithm;
        final ProgressListener progress;
        // Written by the HTTP client's threads one delivery at a time, read by the downloading thread after
        // the sink is closed; the sink's lock orders both.
        long written;
        MessageDigest digest;
        int restarts;
        boolean tooMuch;
        IOException diskFailure;
        volatile long lastData = System.nanoTime();

        Transfer(FileChannel out, long expected, String algorithm, ProgressListener progress) {
            this.out = out;
            this.expected = expected;
            this.algorithm = algorithm;
            this.progress = progress;
            this.digest = algorithm == null ? null : Checksums.newDigest(algorithm, expected);
        }

        /** Called with the answer's status and headers, before its body. */
        HttpResponse.BodySubscriber<Void> subscriberFor(HttpResponse.ResponseInfo info, Sink sink) {
            lastData = System.nanoTime();
            synchronized (sink) {
                if (written > 0) {
                    OptionalLong start = rangeStart(info);
                    if (info.statusCode() != 206 || start.isEmpty() || start.getAsLong() != written) {
                        // The server ignored the Range (or answered another one): start over.
                        try {
                            out.truncate(0);
                            out.position(0);
                        } catch (IOException e) {
                            diskFailure = e;
                            return HttpResponse.BodySubscribers.replacing(null);
                        }
                        progress.advance(-written);
                        written = 0;
                        restarts++;
                        digest = algorithm == null ? null : Checksums.newDigest(algorithm, expected);
                        if (info.statusCode() == 206) {
                            return HttpResponse.BodySubscribers.replacing(null); // ask again, without Range
                        }
                    }
                }
            }
            return sink;
        }
    }

    /**
     * Writes one answer's body straight from the HTTP client's buffers to the file (no stream in between:
     * about 1.5 times the throughput of {@code ofInputStream} with parallel downloads), hashing and reporting
     * on the way.
     */
    private static final class Sink extends FileBodySink {
        final Transfer transfer;

        Sink(Transfer transfer) {
            this.transfer = transfer;
        }

        @Override
        void dataArrived() {
            transfer.lastData = System.nanoTime();
        }

        @Override
        long lastData() {
            return transfer.lastData;
        }

        @Override
        boolean write(ByteBuffer buffer) throws IOException {
            Transfer t = transfer;
            int n = buffer.remaining();
            if (t.written + n > t.expected) {
                t.tooMuch = true;
                fail(new IOException("more bytes than announced"));
                return false;
            }
            if (t.digest != null) {
                t.digest.update(buffer.duplicate());
            }
            while (buffer.hasRemaining()) {
                t.out.write(buffer);
            }
            t.written += n;
            t.progress.advance(n);
            return true;
        }

        @Override
        void diskFailed(IOException e) {
            transfer.diskFailure = e;
        }
    }

    private static DownloadFailedException failed(RepoCache repo, String rev, String path, HubFileMetadata meta,
            long written, Exception cause) {
        return new DownloadFailedException(repo.repoId(), rev, path, meta.location(), "Download of '" + path + "' of "
                + repo.repoId() + " from " + meta.location() + " failed: the transfer broke off "
                + (STREAM_RETRIES + 1) + " times in a row without progress, " + written + " of " + meta.size()
                + " bytes arrived (last error: " + cause + "). Nothing was stored in the cache. Check your "
                + "connection and try again.", cause);
    }

    /** The first byte of a {@code Content-Range: bytes a-b/n} answer. */
    private static OptionalLong rangeStart(HttpResponse.ResponseInfo r) {
        return r.headers().firstValue("Content-Range").map(v -> {
            Matcher m = CONTENT_RANGE.matcher(v.strip());
            return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
        }).orElse(OptionalLong.empty());
    }

    /** Python's {@code _normalize_etag}: drop a weak {@code W/} prefix and the quotes. */
    static String normalizeEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        while (e.startsWith("\"")) {
            e = e.substring(1);
        }
        while (e.endsWith("\"")) {
            e = e.substring(0, e.length() - 1);
        }
        return e.isEmpty() ? null : e;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("\n\n", " ").replace('\n', ' ');
    }
}
