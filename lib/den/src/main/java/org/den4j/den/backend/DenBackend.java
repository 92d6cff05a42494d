package org.den4j.den.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import org.den4j.den.BackendSpec;
import org.den4j.den.DenType;

/**
 * Where a den keeps its bytes: content-addressed blobs and small JSON documents.
 *
 * <p>Blobs are immutable and named by their SHA-256. Documents are written with
 * {@link #create create-only} or {@link #replace compare-and-swap} semantics, so that concurrent
 * writers never lose an update on any backend. Implementations are thread-safe and safe for several
 * processes; the caller that opened a backend closes it.
 *
 * <p>Keys use {@code /} separators and contain only characters that are valid model names plus
 * {@code @}.
 *
 * <p>Remote backends (object stores, den servers) plug in through {@link Provider}. They throw
 * {@link BackendUnreachableException} when the remote cannot be reached, so the read-through cache
 * that {@link org.den4j.den.Den#open(BackendSpec)} puts in front of them can serve cached models
 * offline.
 */
public interface DenBackend extends AutoCloseable {

    /** A human-readable location, for example a directory or {@code s3://bucket/prefix}. */
    String location();

    /** The size of a blob, or empty when it is not stored. */
    OptionalLong blobSize(String digest) throws IOException;

    /** Opens a blob for reading; the caller closes the stream. */
    InputStream openBlob(String digest) throws IOException;

    /**
     * Writes a blob to the new local file {@code target}, reporting bytes to {@code progress}. The
     * default copies {@link #openBlob}; remote backends override it with parallel ranged transfers that
     * resume after a dropped connection. The caller verifies the SHA-256 and deletes {@code target} on
     * failure.
     *
     * @param size the blob's size as its manifest records it
     * @throws java.nio.file.NoSuchFileException when the blob is not stored
     * @throws BackendUnreachableException when the backend cannot be reached
     */
    default void download(String digest, long size, Path target, LongConsumer progress) throws IOException {
        try (InputStream in = openBlob(digest);
             java.io.OutputStream out = java.nio.file.Files.newOutputStream(target,
                     java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                progress.accept(n);
            }
        }
    }

    /**
     * Like {@link #download}, and returns the SHA-256 (lower-case hex) of the bytes written. The default
     * hashes the file afterwards; backends that download in parts hash each part while later ones are still
     * in flight, so verifying costs no extra pass.
     */
    default String downloadWithDigest(String digest, long size, Path target, LongConsumer progress)
            throws IOException {
        download(digest, size, target, progress);
        return org.den4j.den.format.Sha256.of(target, n -> { });
    }

    /**
     * Stores the verified local file {@code file} as the blob {@code digest}, taking ownership of it
     * (the file may be moved). Storing a blob that already exists is not an error.
     *
     * @return true when the blob was new
     */
    boolean putBlob(String digest, Path file) throws IOException;

    /**
     * True when the backend checks every stored blob against its digest itself (a den server re-hashes
     * each upload), so a writer may pass it a file it keeps with {@link #putBlobChecked} instead of a
     * private copy.
     */
    default boolean checksUploads() {
        return false;
    }

    /**
     * Stores the blob {@code digest} from a file the caller keeps, for backends that {@link #checksUploads()
     * check uploads}: content that no longer hashes to {@code digest} (the file changed) is refused.
     *
     * @return true when the blob was new
     * @throws UnsupportedOperationException when the backend does not check uploads
     */
    default boolean putBlobChecked(String digest, Path source) throws IOException {
        throw new UnsupportedOperationException(location() + " does not check uploads; copy the file and use putBlob");
    }

    /** Marks a blob as just used, so garbage collection's grace period starts again. */
    void touchBlob(String digest) throws IOException;

    /** Deletes a blob; deleting a missing blob is not an error. */
    void deleteBlob(String digest) throws IOException;

    /**
     * Sets a damaged blob aside so it is never served again and a later push can store it afresh;
     * a backend without a place for that deletes it.
     */
    default void quarantineBlob(String digest) throws IOException {
        deleteBlob(digest);
    }

    /** Every stored blob. */
    List<BlobStat> listBlobs() throws IOException;

    /** The blob as a local file that can be linked, when the backend keeps blobs on a local disk. */
    default Optional<Path> localBlob(String digest) {
        return Optional.empty();
    }

    /** Reads a document, or empty when it does not exist. */
    Optional<StoredDocument> read(String key) throws IOException;

    /**
     * Creates a document only when no document has the key.
     *
     * @return false when the key already existed (nothing was written)
     */
    boolean create(String key, byte[] content) throws IOException;

    /**
     * Replaces a document only when its etag is still {@code expectedEtag}; with a null etag the
     * document must not exist.
     *
     * @return false when another writer changed it first (nothing was written)
     */
    boolean replace(String key, byte[] content, String expectedEtag) throws IOException;

    /** Deletes a document; deleting a missing document is not an error. */
    void delete(String key) throws IOException;

    /** The documents whose keys start with {@code prefix}. */
    List<DocumentStat> list(String prefix) throws IOException;

    /**
     * The keys of documents written or deleted since {@code position} in the backend's change
     * journal, and the position after them; empty when the backend keeps no journal (readers then
     * list all documents to notice changes). Position 0 is the journal's start.
     *
     * <p>A key appears after its document changed, so a reader that re-reads the listed keys sees
     * every change up to the returned position.
     */
    default Optional<Changes> changesSince(long position) throws IOException {
        return Optional.empty();
    }

    /**
     * Opens a private staging directory on local disk for one writer; files staged there can be passed
     * to {@link #putBlob}. Closing it deletes what is left.
     */
    Staging openStaging() throws IOException;

    /** Removes staging areas of writers that died, and returns how many entries and bytes went. */
    default CleanupResult cleanStaleStaging() throws IOException {
        return new CleanupResult(0, 0);
    }

    /** The local directory where fetched models are assembled, when the backend has one. */
    Path snapshotRoot();

    @Override
    void close() throws IOException;

    /**
     * Opens the backends of one den type; found with {@link java.util.ServiceLoader}.
     *
     * <p>A module registers its provider in
     * {@code META-INF/services/org.den4j.den.backend.DenBackend$Provider}; {@link org.den4j.den.Den#open}
     * then opens dens of that type and puts the read-through local cache in front of the backend
     * (unless {@link #cached()} is false). For example the {@code den4j-den-s3} module provides
     * {@code s3}:
     *
     * <pre>{@code
     * public final class S3BackendProvider implements DenBackend.Provider {
     *     public DenType type() { return DenType.S3; }
     *     public DenBackend open(BackendSpec spec) { return new S3Backend(S3Settings.from(spec)); }
     * }
     * }</pre>
     */
    interface Provider {
        /** The den type this provider opens. */
        DenType type();

        /**
         * Opens a backend; the caller closes it.
         *
         * @throws org.den4j.den.DenConfigException when the spec's location, host, credentials or
         *     options cannot be used, naming the setting and the fix
         */
        DenBackend open(BackendSpec spec);

        /** Whether {@link org.den4j.den.Den#open} puts the read-through local cache in front (default true). */
        default boolean cached() {
            return true;
        }
    }

    /** A private directory for one writer. */
    interface Staging extends AutoCloseable {
        /** The directory. */
        Path directory();

        /** When the writer started. */
        Instant started();

        @Override
        void close() throws IOException;

        /** A staging directory that exists from now and is deleted, with all it holds, when closed. */
        static Staging deletedOnClose(Path directory) {
            Instant started = Instant.now();
            return new Staging() {
                @Override
                public Path directory() {
                    return directory;
                }

                @Override
                public Instant started() {
                    return started;
                }

                @Override
                public void close() throws IOException {
                    org.den4j.den.io.FileTree.delete(directory);
                }
            };
        }
    }

    /**
     * Documents changed in a stretch of the change journal.
     *
     * @param keys the keys, oldest first, possibly repeated
     * @param position the journal position after them
     */
    record Changes(List<String> keys, long position) {
    }

    /**
     * What a cleanup removed.
     *
     * @param entries files and directories removed
     * @param bytes bytes freed
     */
    record CleanupResult(int entries, long bytes) {
    }
}
