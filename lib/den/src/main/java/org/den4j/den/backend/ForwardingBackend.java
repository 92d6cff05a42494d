package org.den4j.den.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * A backend that passes every call to another one; a decorator extends it and overrides only what it
 * changes (as Okio's {@code ForwardingFileSystem} does for file systems).
 *
 * <pre>{@code
 * final class CountingBackend extends ForwardingBackend {
 *     final AtomicLong reads = new AtomicLong();
 *     CountingBackend(DenBackend delegate) { super(delegate); }
 *     @Override public Optional<StoredDocument> read(String key) throws IOException {
 *         reads.incrementAndGet();
 *         return super.read(key);
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #downloadWithDigest} is deliberately not forwarded: its default calls this backend's
 * {@link #download}, so a decorator that overrides {@code download} (a cache serving its own copy) is
 * never bypassed. Closing this backend closes the delegate.
 */
public abstract class ForwardingBackend implements DenBackend {
    private final DenBackend delegate;

    /** Forwards to {@code delegate}, which this backend then owns. */
    protected ForwardingBackend(DenBackend delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The backend calls are forwarded to. */
    public final DenBackend delegate() {
        return delegate;
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public OptionalLong blobSize(String digest) throws IOException {
        return delegate.blobSize(digest);
    }

    @Override
    public InputStream openBlob(String digest) throws IOException {
        return delegate.openBlob(digest);
    }

    @Override
    public void download(String digest, long size, Path target, LongConsumer progress) throws IOException {
        delegate.download(digest, size, target, progress);
    }

    @Override
    public boolean putBlob(String digest, Path file) throws IOException {
        return delegate.putBlob(digest, file);
    }

    @Override
    public boolean checksUploads() {
        return delegate.checksUploads();
    }

    @Override
    public boolean putBlobChecked(String digest, Path source) throws IOException {
        return delegate.putBlobChecked(digest, source);
    }

    @Override
    public void touchBlob(String digest) throws IOException {
        delegate.touchBlob(digest);
    }

    @Override
    public void deleteBlob(String digest) throws IOException {
        delegate.deleteBlob(digest);
    }

    @Override
    public void quarantineBlob(String digest) throws IOException {
        delegate.quarantineBlob(digest);
    }

    @Override
    public List<BlobStat> listBlobs() throws IOException {
        return delegate.listBlobs();
    }

    @Override
    public Optional<Path> localBlob(String digest) {
        return delegate.localBlob(digest);
    }

    @Override
    public Optional<StoredDocument> read(String key) throws IOException {
        return delegate.read(key);
    }

    @Override
    public boolean create(String key, byte[] content) throws IOException {
        return delegate.create(key, content);
    }

    @Override
    public boolean replace(String key, byte[] content, String expectedEtag) throws IOException {
        return delegate.replace(key, content, expectedEtag);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public List<DocumentStat> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public Optional<Changes> changesSince(long position) throws IOException {
        return delegate.changesSince(position);
    }

    @Override
    public Staging openStaging() throws IOException {
        return delegate.openStaging();
    }

    @Override
    public CleanupResult cleanStaleStaging() throws IOException {
        return delegate.cleanStaleStaging();
    }

    @Override
    public Path snapshotRoot() {
        return delegate.snapshotRoot();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
