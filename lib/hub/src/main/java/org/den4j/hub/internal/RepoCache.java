package org.den4j.hub.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * One repository's folder in the Hub cache, laid out exactly as Python's {@code huggingface_hub} lays it out.
 *
 * <pre>
 * $HF_HUB_CACHE/
 * ├── CACHEDIR.TAG
 * ├── .locks/models--org--name/&lt;etag&gt;.lock
 * └── models--org--name/
 *     ├── blobs/&lt;etag&gt;                      (sha256 for LFS files, git blob sha1 for others)
 *     ├── refs/main                          (the commit, no newline)
 *     ├── snapshots/&lt;commit&gt;/&lt;path&gt;         (relative symlink: ../../blobs/&lt;etag&gt;, one more ../ per folder)
 *     ├── .no_exist/&lt;commit&gt;/&lt;path&gt;         (empty: the Hub said there is no such file)
 *     └── trees/&lt;commit&gt;.json               (the tree listing, written by snapshot downloads)
 * </pre>
 */
public final class RepoCache {
    /** The cache-directory tag Python writes, so backup tools skip the cache. */
    public static final String CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n"
            + "# This file is a cache directory tag created by huggingface_hub.\n"
            + "# For information about cache directory tags, see:\n"
            + "#\thttps://bford.info/cachedir/\n";

    private final Path hubCache;
    private final String repoId;
    private final Path root;

    public RepoCache(Path hubCache, String repoId) {
        this.hubCache = hubCache.toAbsolutePath().normalize();
        this.repoId = repoId;
        this.root = this.hubCache.resolve(RepoNames.folderName(repoId));
    }

    public String repoId() {
        return repoId;
    }

    public Path hubCache() {
        return hubCache;
    }

    /** {@code models--org--name}. */
    public Path root() {
        return root;
    }

    public Path blobs() {
        return root.resolve("blobs");
    }

    /**
     * {@code blobs/<etag>}.
     *
     * @throws IllegalArgumentException when {@code etag} is neither 64 nor 40 hex digits
     */
    public Path blob(String etag) {
        return blobs().resolve(checkEtag(etag));
    }

    /**
     * {@code snapshots/<commit>}.
     *
     * @throws IllegalArgumentException when {@code commit} is not 40 hex digits, so that no other value can name a
     *     folder (callers check what a Hub sends first, with a message for the user)
     */
    public Path snapshot(String commit) {
        return root.resolve("snapshots").resolve(checkCommit(commit));
    }

    /** {@code snapshots/<commit>/<path>}, where a file of the repository appears. */
    public Path pointer(String commit, String path) {
        checkCommit(commit);
        Path snapshots = root.resolve("snapshots");
        Path pointer = snapshots.resolve(commit).resolve(path.replace('\\', '/')).normalize();
        if (!pointer.startsWith(snapshots.resolve(commit)) || pointer.equals(snapshots.resolve(commit))) {
            throw new IllegalArgumentException("Invalid pointer path: cannot create pointer path in snapshot folder "
                    + "for revision '" + commit + "' and filename '" + path + "'");
        }
        return pointer;
    }

    public Path ref(String revision) {
        return root.resolve("refs").resolve(revision);
    }

    public Path noExist(String commit, String path) {
        Path folder = root.resolve(".no_exist").resolve(checkCommit(commit));
        Path marker = folder.resolve(path).normalize();
        if (!marker.startsWith(folder) || marker.equals(folder)) {
            throw new IllegalArgumentException("Invalid path '" + path + "': it leaves " + folder);
        }
        return marker;
    }

    public Path tree(String commit) {
        return root.resolve("trees").resolve(checkCommit(commit) + ".json");
    }

    public Path lockFile(String etag) {
        return hubCache.resolve(".locks").resolve(RepoNames.folderName(repoId)).resolve(checkEtag(etag) + ".lock");
    }

    private static String checkCommit(String commit) {
        if (!Checksums.isSha1(commit)) {
            throw new IllegalArgumentException("Not a commit id (40 hex digits): '" + commit + "'");
        }
        return commit;
    }

    private static String checkEtag(String etag) {
        if (Checksums.algorithmOf(etag) == null) {
            throw new IllegalArgumentException("Not a blob name (64 or 40 hex digits): '" + etag + "'");
        }
        return etag;
    }

    /** The commit a revision stands for in the cache: itself when it is a commit, else {@code refs/<revision>}. */
    public Optional<String> commitOf(String revision) {
        if (RepoNames.isCommit(revision)) {
            return Optional.of(revision);
        }
        return readRef(revision);
    }

    /** The content of {@code refs/<revision>}, if the file exists and holds a 40-hex commit id. */
    public Optional<String> readRef(String revision) {
        Path ref = ref(revision);
        try {
            if (!Files.isRegularFile(ref)) {
                return Optional.empty();
            }
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            // Only a commit id may name a snapshot folder: anything else would be a path of the caller's choosing.
            return Checksums.isSha1(commit) ? Optional.of(commit) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + ref, e);
        }
    }

    /**
     * Stores {@code refs/<revision>} = {@code commit} unless the revision is the commit itself or the ref
     * already says so. Written atomically (temporary file, then rename) so that concurrent readers never see
     * a partially written ref, as Python does.
     */
    public void writeRef(String revision, String commit) throws IOException {
        checkCommit(commit);
        if (revision.equals(commit)) {
            return;
        }
        Path ref = ref(revision);
        if (readRef(revision).filter(commit::equals).isPresent()) {
            return;
        }
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + "." + shortId() + ".tmp");
        try {
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            moveAtomically(tmp, ref);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@link #writeRef} that only warns, for paths where the ref is a nicety (as Python's "best effort"). */
    public void writeRefQuietly(String revision, String commit) {
        try {
            writeRef(revision, commit);
        } catch (IOException | UncheckedIOException e) {
            // A read-only cache still serves files; the ref only speeds up later offline look-ups.
        }
    }

    /** Creates the empty {@code .no_exist/<commit>/<path>} marker; failures are ignored, as in Python. */
    public void markNoExist(String commit, String path) {
        Path marker = noExist(commit, path);
        try {
            if (!Files.exists(marker)) {
                Files.createDirectories(marker.getParent());
                Files.createFile(marker);
            }
        } catch (FileAlreadyExistsException e) {
            // written concurrently
        } catch (IOException e) {
            // Python logs and carries on: the marker only saves a request later.
        }
    }

    /** Writes {@code CACHEDIR.TAG} at the cache root if it is missing; failures are ignored. */
    public void tagCacheDir() {
        Path tag = hubCache.resolve("CACHEDIR.TAG");
        if (Files.exists(tag)) {
            return;
        }
        try {
            Files.createDirectories(hubCache);
            Path tmp = hubCache.resolve("CACHEDIR.TAG." + shortId() + ".tmp");
            Files.writeString(tmp, CACHEDIR_TAG, StandardCharsets.UTF_8);
            moveAtomically(tmp, tag);
        } catch (IOException e) {
            // optional, as in Python
        }
    }

    /**
     * Makes {@code pointer} show {@code blob}: a relative symlink ({@code ../../blobs/<etag>}), or where
     * symlinks are disabled or unsupported, the file itself, moved there when the blob is new (as Python
     * does, so the blob leaves {@code blobs/}) and copied otherwise.
     */
    public void link(Path blob, Path pointer, boolean newBlob, boolean symlinksDisabled) throws IOException {
        Files.createDirectories(pointer.getParent());
        Files.deleteIfExists(pointer);
        if (!symlinksDisabled) {
            Path target = pointer.getParent().relativize(blob);
            try {
                Files.createSymbolicLink(pointer, target);
                return;
            } catch (FileAlreadyExistsException e) {
                // Cached twice concurrently between the delete and the link: fine if it shows the same blob.
                if (Files.isSymbolicLink(pointer) && Files.exists(pointer)
                        && Files.isSameFile(pointer, blob)) {
                    return;
                }
                throw e;
            } catch (UnsupportedOperationException | IOException e) {
                // no symlinks on this file system: fall back to a real file
            }
        }
        Path tmp = pointer.resolveSibling(pointer.getFileName() + "." + shortId() + ".tmp");
        try {
            if (newBlob) {
                moveAtomically(blob, pointer);
            } else {
                Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
                moveAtomically(tmp, pointer);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames {@code from} to {@code to} atomically where the file system can, replacing {@code to}. */
    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Eight hex digits, as Python's {@code uuid4().hex[:8]} in temporary names. */
    public static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    /**
     * Whether {@code pointer} shows a file of this cache: a real file, or a symlink whose target is a real file
     * in this repository's {@code blobs/}. A link that points anywhere else (written by something other than
     * this client) does not count, so it is never served; a download replaces it.
     */
    public boolean isPresent(Path pointer) {
        if (!Files.isSymbolicLink(pointer)) {
            return Files.isRegularFile(pointer, LinkOption.NOFOLLOW_LINKS);
        }
        try {
            Path target = pointer.getParent().resolve(Files.readSymbolicLink(pointer)).normalize();
            return target.getParent() != null && target.getParent().equals(blobs())
                    && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return false;
        }
    }

    /** A lock that is held until closed. */
    public interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Takes the {@code .locks/.../<etag>.lock} file lock, waiting for other threads and processes that hold
     * it. Best effort, as Python's {@code WeakFileLock}: where the file system cannot lock, the returned
     * handle locks nothing; the cache stays correct because every download writes its own temporary file.
     */
    public Held lock(String etag) throws IOException {
        Path lockFile = lockFile(etag);
        Files.createDirectories(lockFile.getParent());
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            return () -> { };
        }
        try {
            long wait = 5;
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null; // another thread of this JVM holds it
                } catch (IOException e) {
                    channel.close();
                    return () -> { };
                }
                if (lock != null) {
                    FileLock held = lock;
                    return () -> {
                        try {
                            held.release();
                        } finally {
                            channel.close();
                        }
                    };
                }
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    channel.close();
                    throw new IOException("Interrupted while waiting for " + lockFile, e);
                }
                wait = Math.min(100, wait * 2);
            }
        } catch (RuntimeException | IOException e) {
            channel.close();
            throw e;
        }
    }
}
