package org.den4j.den.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.den4j.den.CorruptBlobException;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.den4j.den.ProgressListener;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.LocalBackend;
import org.den4j.den.format.Sha256;
import org.den4j.den.io.FileTree;

/**
 * Turns a manifest into a local, read-only model directory whose files link to the blobs.
 *
 * <p>The first materialization checks every blob's SHA-256; later fetches check sizes only, which
 * costs one {@code stat} per file and copies nothing.
 *
 * <p>Fetched files are hard links to the blobs, read-only; but root (or anyone who changes the mode) can
 * still write into one, and so into every model that shares the blob. A later fetch notices such a write:
 * a file whose size differs is a {@link CorruptBlobException}; a file modified after the directory was
 * made (its modification time is later than the directory's, which is set when it is complete) or that is
 * no longer the blob itself (another inode: replaced by an editor or {@code cp}) is hashed, and if its
 * bytes are not the manifest's the directory is made again from the blobs, verifying each: a damaged blob of
 * a cache is downloaded again, a damaged blob of a local den is a {@link CorruptBlobException} naming it.
 * Not noticed: a write that keeps the size and puts the old modification time back ({@code touch -r});
 * {@code den verify} hashes every blob and finds that too.
 */
public final class Snapshots {
    private final DenBackend backend;
    private final Path root;

    public Snapshots(DenBackend backend) {
        this.backend = backend;
        this.root = backend.snapshotRoot();
    }

    /** The directory a model with this digest is fetched to. */
    public Path pathOf(String digest) {
        return root.resolve(digest);
    }

    /**
     * The model directory when it was already made, checked by size; empty when it does not exist yet.
     *
     * @param model the model as {@code name@version}, named in errors
     * @throws CorruptBlobException when a file's size does not match the manifest
     */
    public Optional<Path> existing(String model, String digest, Manifest manifest) throws IOException {
        Path target = pathOf(digest);
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        checkSizes(model, target, manifest);
        return changedFiles(target, manifest).isEmpty() ? Optional.of(target) : Optional.empty();
    }

    /**
     * The files of a made directory whose bytes are no longer the manifest's: only those written after the
     * directory was made, or no longer the blob's inode, are hashed.
     */
    private List<FileEntry> changedFiles(Path dir, Manifest manifest) throws IOException {
        FileTime made = Files.getLastModifiedTime(dir);
        List<FileEntry> changed = new ArrayList<>();
        for (FileEntry file : manifest.files()) {
            Path p = dir.resolve(file.path());
            BasicFileAttributes attributes = Files.readAttributes(p, BasicFileAttributes.class);
            boolean written = attributes.lastModifiedTime().compareTo(made) > 0;
            Optional<Path> blob = backend.localBlob(file.sha256());
            boolean replaced = blob.isPresent() && attributes.fileKey() != null && !attributes.fileKey().equals(
                    Files.readAttributes(blob.get(), BasicFileAttributes.class).fileKey());
            if ((written || replaced) && !Sha256.of(p, n -> { }).equals(file.sha256())) {
                changed.add(file);
            }
        }
        return changed;
    }

    /**
     * Moves a directory whose files were written aside and deletes it; for a cache, deletes the damaged
     * blobs too, so that they are downloaded again.
     */
    private void discard(String model, Path target, List<FileEntry> changed) throws IOException {
        System.getLogger("org.den4j.den").log(System.Logger.Level.WARNING, "The fetched directory of " + model + " ("
                + target + ") was written to (" + changed.get(0).path() + (changed.size() > 1 ? " and "
                + (changed.size() - 1) + " more" : "") + "); making it again from the blobs");
        Path stale = root.resolve(".stale-" + UUID.randomUUID());
        try {
            Files.move(target, stale, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // another process got there first
        }
        makeWritable(stale);
        FileTree.delete(stale);
        if (backend instanceof CachingBackend cache) {
            for (FileEntry file : changed) {
                Optional<Path> blob = cache.localBlob(file.sha256());
                if (blob.isPresent() && !Sha256.of(blob.get(), n -> { }).equals(file.sha256())) {
                    Files.deleteIfExists(blob.get());
                }
            }
        }
    }

    /**
     * Returns the model directory, creating it from the blobs when it does not exist.
     *
     * @param model the model as {@code name@version}, named in errors
     * @throws CorruptBlobException when a blob is missing or does not match the manifest
     */
    public Path materialize(String model, String digest, Manifest manifest, ProgressListener progress)
            throws IOException {
        return materialize(model, digest, manifest, progress, true);
    }

    /**
     * Like {@link #materialize(String, String, Manifest, ProgressListener)}; with {@code verify} false
     * the blobs' hashes are trusted, as after a push that just hashed every byte it stored.
     */
    public Path materialize(String model, String digest, Manifest manifest, ProgressListener progress, boolean verify)
            throws IOException {
        Path target = pathOf(digest);
        boolean check = verify;
        if (Files.isDirectory(target)) {
            checkSizes(model, target, manifest);
            List<FileEntry> changed = changedFiles(target, manifest);
            if (changed.isEmpty()) {
                return target;
            }
            discard(model, target, changed);
            check = true; // the blobs may be what was written: hash each before linking it again
        }
        Path building = root.resolve(".tmp-" + UUID.randomUUID());
        Files.createDirectories(building);
        progress.start("fetch " + model, verify ? manifest.size() : 0);
        try {
            if (backend instanceof CachingBackend cache) {
                downloadMissing(cache, model, manifest, progress);
            }
            for (FileEntry file : manifest.files()) {
                Path dest = building.resolve(file.path());
                Files.createDirectories(dest.getParent());
                place(model, file, dest, progress, check);
            }
            // The directory's time says when it was complete: a file modified later was written through it.
            Files.setLastModifiedTime(building, FileTime.from(Instant.now()));
            try {
                Files.move(building, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another process materialized it first; theirs is as good as ours.
                FileTree.delete(building);
                checkSizes(model, target, manifest);
                return target;
            }
            makeReadOnly(target);
            return target;
        } catch (IOException | RuntimeException e) {
            FileTree.delete(building);
            throw e;
        } finally {
            progress.finish();
        }
    }

    /**
     * Brings the blobs a model lacks into the cache, up to four at once: one stream per file, each hashed
     * as it arrives, as a sharded model's files download side by side.
     */
    private static void downloadMissing(CachingBackend cache, String model, Manifest manifest, ProgressListener progress)
            throws IOException {
        java.util.Map<String, FileEntry> missing = new java.util.LinkedHashMap<>();
        for (FileEntry file : manifest.files()) {
            if (cache.localBlob(file.sha256()).isEmpty()) {
                missing.putIfAbsent(file.sha256(), file);
            }
        }
        if (missing.size() < 2) {
            return;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(4, missing.size()), r -> {
                    Thread t = new Thread(r, "den-fetch");
                    t.setDaemon(true);
                    return t;
                });
        try {
            java.util.List<java.util.concurrent.Future<Path>> futures = new java.util.ArrayList<>();
            for (FileEntry file : missing.values()) {
                futures.add(pool.submit(() -> cache.cachedBlob(model, file, progress::advance)));
            }
            for (java.util.concurrent.Future<Path> f : futures) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("Fetch of " + model + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Fetch of " + model + " was interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    private void place(String model, FileEntry file, Path dest, ProgressListener progress, boolean verify)
            throws IOException {
        if (backend instanceof CachingBackend cache) {
            // Download into the cache (verified there) once, then link: a cached model copies nothing.
            link(cache.cachedBlob(model, file, progress::advance), dest);
            return;
        }
        Optional<Path> local = backend.localBlob(file.sha256());
        if (local.isPresent()) {
            Path blob = local.get();
            if (verify) {
                verify(model, file, blob, progress);
            } else {
                checkSize(model, file, blob);
            }
            link(blob, dest);
            return;
        }
        // A remote blob: download to the destination while hashing.
        try (InputStream in = backend.openBlob(file.sha256())) {
            Sha256.Copy copy = Sha256.copy(in, dest, progress::advance);
            if (copy.size() != file.size() || !copy.sha256().equals(file.sha256())) {
                throw new CorruptBlobException(model, file.path(), file.sha256(), null, "downloaded " + copy.size()
                        + " bytes with sha256 " + copy.sha256() + ", expected " + file.size() + " bytes");
            }
        } catch (NoSuchFileException e) {
            throw new CorruptBlobException(model, file.path(), file.sha256(), null, "the blob is missing");
        }
    }

    private static void checkSize(String model, FileEntry file, Path blob) throws IOException {
        long size = Files.size(blob);
        if (size != file.size()) {
            throw new CorruptBlobException(model, file.path(), file.sha256(), blob, "size is " + size
                    + " bytes, expected " + file.size());
        }
    }

    private static void verify(String model, FileEntry file, Path blob, ProgressListener progress) throws IOException {
        checkSize(model, file, blob);
        String actual = Sha256.of(blob, progress::advance);
        if (!actual.equals(file.sha256())) {
            throw new CorruptBlobException(model, file.path(), file.sha256(), blob, "content hashes to " + actual);
        }
    }

    /** Hard link, else symbolic link, else copy: the first the file system allows. */
    static void link(Path blob, Path dest) throws IOException {
        try {
            Files.createLink(dest, blob);
            return;
        } catch (UnsupportedOperationException | IOException e) {
            // Different file system or links not allowed: try a symbolic link.
        }
        try {
            Files.createSymbolicLink(dest, blob);
            return;
        } catch (UnsupportedOperationException | IOException e) {
            // No symbolic links either (some Windows setups): copy.
        }
        Files.copy(blob, dest);
        LocalBackend.setPermissions(dest, PosixFilePermissions.fromString("r--r--r--"));
    }

    private static void checkSizes(String model, Path dir, Manifest manifest) throws IOException {
        for (FileEntry file : manifest.files()) {
            Path p = dir.resolve(file.path());
            long size;
            try {
                size = Files.size(p);
            } catch (NoSuchFileException e) {
                throw new CorruptBlobException(model, file.path(), file.sha256(), p,
                        "the file or its blob is missing from the fetched model");
            }
            if (size != file.size()) {
                throw new CorruptBlobException(model, file.path(), file.sha256(), p, "size is " + size + " bytes, expected "
                        + file.size());
            }
        }
    }

    private static void makeWritable(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    LocalBackend.setPermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }

    private static void makeReadOnly(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    LocalBackend.setPermissions(p, PosixFilePermissions.fromString("r-xr-xr-x"));
                }
            }
        }
    }
}
