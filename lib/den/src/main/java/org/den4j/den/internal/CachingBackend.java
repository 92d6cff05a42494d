package org.den4j.den.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.den4j.den.CorruptBlobException;
import org.den4j.den.DenException;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.den4j.den.backend.BackendUnreachableException;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.DocumentStat;
import org.den4j.den.backend.ForwardingBackend;
import org.den4j.den.backend.LocalBackend;
import org.den4j.den.backend.StoredDocument;
import org.den4j.den.format.DocumentKey;

/**
 * A remote backend with the read-through local cache in front.
 *
 * <p>Blobs download once into the {@link CacheStore}, are verified by SHA-256 before they enter it,
 * and fetched models are hard links to them. Manifests (immutable: named by their digest) are served
 * from the cache; other documents are read from the remote and kept, so that when the remote is
 * unreachable the registry and the cached models still work, with a warning. Writes go to the remote.
 * What it does not override goes to the remote as it is: in particular {@code openBlob} reads the
 * remote's copy, so that {@code verify} checks what the den holds, not the cache.
 */
public final class CachingBackend extends ForwardingBackend {
    private static final System.Logger LOG = System.getLogger("org.den4j.den");

    private final DenBackend remote;
    private final CacheStore store;
    private final Path docs;
    private final Path snapshots;
    private final Map<String, CacheStore.InUse> held = new ConcurrentHashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile boolean offline;
    private final AtomicBoolean grew = new AtomicBoolean();
    private volatile long lastPrune = System.nanoTime();
    private static final long PRUNE_EVERY_NANOS = 60_000_000_000L;
    /** The etags the latest listings gave, so a document whose cached copy has that etag is not read again. */
    private final Map<String, String> listedEtags = new ConcurrentHashMap<>();
    private volatile long retryAt;
    private volatile IOException lastUnreachable;

    /**
     * Puts a cache in front of {@code remote}; closing this closes the remote.
     *
     * @throws IOException when the cache directory cannot be prepared
     */
    public CachingBackend(DenBackend remote, CacheStore store) throws IOException {
        super(remote);
        this.remote = remote;
        this.store = store;
        Path dir = store.remoteDirectory(remote.location());
        this.docs = dir.resolve("docs");
        this.snapshots = dir.resolve("snapshots");
    }

    /** The remote behind the cache. */
    public DenBackend remote() {
        return remote;
    }

    /** The cache. */
    public CacheStore store() {
        return store;
    }

    /** True after a request found the remote unreachable (and none succeeded since). */
    public boolean offline() {
        return offline;
    }

    // ---------------------------------------------------------------- the cache's own work

    /**
     * Marks a model as in use by this backend (until it closes) and records it in the cache before its
     * blobs download, so no prune can take them meanwhile.
     */
    public void beginFetch(String ref, String digest, Manifest manifest) throws IOException {
        if (!held.containsKey(digest)) {
            held.put(digest, store.holdInUse(digest));
        }
        store.register(digest, ref, remote.location(), manifest);
    }

    /**
     * Counts a fetch, and prunes the cache to its limits (pinned and in-use models stay) when blobs entered
     * it since the last prune, or a minute passed: a fetch of a cached model stays cheap. A failure is
     * logged, not thrown: it is bookkeeping only, and the model is fetched.
     */
    public void finishFetchQuietly(String ref, String digest) {
        try {
            store.recordUse(digest);
            long now = System.nanoTime();
            if (grew.getAndSet(false) || now - lastPrune > PRUNE_EVERY_NANOS) {
                lastPrune = now;
                store.prune();
            }
        } catch (IOException | RuntimeException e) {
            System.getLogger("org.den4j.den").log(System.Logger.Level.WARNING, "Could not update the local cache "
                    + store.root() + " after fetching " + ref + ": " + e);
        }
    }

    /**
     * The cached blob of one file of a model, downloaded and verified first when it is not cached.
     *
     * @param model the model reference, for messages
     * @throws CorruptBlobException when the download does not match the manifest (nothing is cached)
     * @throws DenException when the remote is unreachable and the blob is not cached
     */
    public Path cachedBlob(String model, FileEntry file, LongConsumer progress) throws IOException {
        Optional<Path> cached = store.blob(file.sha256());
        if (cached.isPresent()) {
            long size = Files.size(cached.get());
            if (size == file.size()) {
                return cached.get();
            }
            // Cannot happen to a verified blob unless someone wrote into the cache: drop it, download again.
            Files.deleteIfExists(cached.get());
        }
        Path download = store.newDownload();
        String actual;
        try {
            try {
                actual = call(() -> remote.downloadWithDigest(file.sha256(), file.size(), download, progress));
            } catch (NoSuchFileException e) {
                throw new CorruptBlobException(model, file.path(), file.sha256(), null, "the blob is missing from den "
                        + remote.location());
            } catch (IOException e) {
                if (unreachable(e)) {
                    throw new DenException("Cannot fetch " + model + ": den " + remote.location() + " is unreachable ("
                            + rootMessage(e) + ") and " + model + " is not in the local cache " + store.root()
                            + "; reconnect, or fetch it once while the den is reachable", e);
                }
                throw e;
            }
            long size = Files.size(download);
            if (size != file.size() || !actual.equals(file.sha256())) {
                throw new CorruptBlobException(model, file.path(), file.sha256(), null, "downloaded " + size
                        + " bytes with sha256 " + actual + " from den " + remote.location() + ", expected " + file.size()
                        + " bytes; the copy on the server is damaged and was not cached");
            }
            Path blob = store.addBlob(file.sha256(), download);
            grew.set(true);
            return blob;
        } finally {
            Files.deleteIfExists(download);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** After the remote was found unreachable, requests go straight to the cache for this long. */
    private static final long RETRY_AFTER_NANOS = 5_000_000_000L;

    /** True while a recent request found the remote unreachable: do not wait for it again yet. */
    private boolean skipRemote() {
        return offline && System.nanoTime() - retryAt < 0;
    }

    /** Calls the remote, or fails at once with the last unreachable error while the remote is known to be down. */
    private <T> T call(RemoteCall<T> call) throws IOException {
        if (skipRemote()) {
            throw lastUnreachable;
        }
        T result = call.run();
        markOnline();
        return result;
    }

    private interface RemoteCall<T> {
        T run() throws IOException;
    }

    private void markOffline(IOException e) {
        lastUnreachable = e instanceof BackendUnreachableException b ? b : new BackendUnreachableException(
                remote.location(), e);
        retryAt = System.nanoTime() + RETRY_AFTER_NANOS;
        offline = true;
        if (warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "Den " + remote.location() + " is unreachable (" + rootMessage(e)
                    + "); using the local cache " + store.root() + ": cached models still fetch, others cannot");
        }
    }

    private void markOnline() {
        if (offline) {
            offline = false;
            warned.set(false);
        }
    }

    private boolean unreachable(IOException e) {
        if (e == lastUnreachable) {
            return true;
        }
        if (BackendUnreachableException.isUnreachable(e)) {
            markOffline(e);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- blobs

    @Override
    public OptionalLong blobSize(String digest) throws IOException {
        try {
            return call(() -> remote.blobSize(digest));
        } catch (IOException e) {
            Optional<Path> cached = store.blob(digest);
            if (unreachable(e) && cached.isPresent()) {
                return OptionalLong.of(Files.size(cached.get()));
            }
            throw e;
        }
    }

    @Override
    public void download(String digest, long size, Path target, LongConsumer progress) throws IOException {
        Optional<Path> cached = store.blob(digest);
        if (cached.isPresent()) {
            Files.copy(cached.get(), target);
            progress.accept(size);
            return;
        }
        remote.download(digest, size, target, progress);
    }

    @Override
    public Optional<Path> localBlob(String digest) {
        return store.blob(digest);
    }

    // ---------------------------------------------------------------- documents

    @Override
    public Optional<StoredDocument> read(String key) throws IOException {
        boolean immutable = key.startsWith(DocumentKey.MANIFESTS);
        if (immutable) {
            Optional<StoredDocument> cached = cachedDocument(key);
            if (cached.isPresent()) {
                return cached;
            }
        }
        String listed = listedEtags.remove(key);
        if (listed != null) {
            Optional<StoredDocument> cached = cachedDocument(key);
            if (cached.isPresent() && cached.get().etag().equals(listed)) {
                // Listed a moment ago with this etag: the kept copy is current, no request needed.
                return cached;
            }
        }
        try {
            Optional<StoredDocument> doc = call(() -> remote.read(key));
            if (doc.isPresent()) {
                keep(doc.get());
            } else {
                Files.deleteIfExists(docPath(key));
            }
            return doc;
        } catch (IOException e) {
            if (unreachable(e)) {
                Optional<StoredDocument> cached = cachedDocument(key);
                if (cached.isPresent()) {
                    return cached;
                }
            }
            throw e;
        }
    }

    @Override
    public boolean create(String key, byte[] content) throws IOException {
        listedEtags.remove(key);
        return remote.create(key, content);
    }

    @Override
    public boolean replace(String key, byte[] content, String expectedEtag) throws IOException {
        listedEtags.remove(key);
        return remote.replace(key, content, expectedEtag);
    }

    @Override
    public void delete(String key) throws IOException {
        listedEtags.remove(key);
        remote.delete(key);
        Files.deleteIfExists(docPath(key));
    }

    @Override
    public List<DocumentStat> list(String prefix) throws IOException {
        try {
            List<DocumentStat> listed = call(() -> remote.list(prefix));
            for (DocumentStat stat : listed) {
                if (stat.etag() != null) {
                    listedEtags.put(stat.key(), stat.etag());
                }
            }
            forgetMissing(prefix, listed);
            return listed;
        } catch (IOException e) {
            if (unreachable(e)) {
                return cachedList(prefix);
            }
            throw e;
        }
    }

    @Override
    public Optional<Changes> changesSince(long position) throws IOException {
        try {
            return call(() -> remote.changesSince(position));
        } catch (IOException e) {
            if (unreachable(e)) {
                // Readers list the cached documents instead.
                return Optional.empty();
            }
            throw e;
        }
    }

    private Path docPath(String key) {
        if (key.startsWith("/") || key.contains("..") || key.contains("\\")) {
            throw new IllegalArgumentException("Document key " + key + " leaves the cache");
        }
        return docs.resolve(key);
    }

    /** Keeps a copy of a document: its etag on the first line, then its bytes. */
    private void keep(StoredDocument doc) throws IOException {
        Path target = docPath(doc.key());
        Optional<StoredDocument> current = cachedDocument(doc.key());
        if (current.isPresent() && current.get().etag().equals(doc.etag())) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path t = store.tmp().resolve(UUID.randomUUID() + ".doc");
        try {
            byte[] etag = (doc.etag().replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] bytes = Arrays.copyOf(etag, etag.length + doc.content().length);
            System.arraycopy(doc.content(), 0, bytes, etag.length, doc.content().length);
            Files.write(t, bytes);
            LocalBackend.moveReplacing(t, target);
        } finally {
            Files.deleteIfExists(t);
        }
    }

    private Optional<StoredDocument> cachedDocument(String key) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(docPath(key));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        int nl = 0;
        while (nl < bytes.length && bytes[nl] != '\n') {
            nl++;
        }
        if (nl >= bytes.length) {
            return Optional.empty();
        }
        String etag = new String(bytes, 0, nl, StandardCharsets.UTF_8);
        return Optional.of(new StoredDocument(key, Arrays.copyOfRange(bytes, nl + 1, bytes.length), etag));
    }

    private List<DocumentStat> cachedList(String prefix) throws IOException {
        List<DocumentStat> result = new ArrayList<>();
        for (Path p : cachedFiles(prefix)) {
            String key = docs.relativize(p).toString().replace('\\', '/');
            cachedDocument(key).ifPresent(d -> result.add(new DocumentStat(key, d.etag())));
        }
        return result;
    }

    private List<Path> cachedFiles(String prefix) throws IOException {
        Path start = docs;
        int slash = prefix.lastIndexOf('/');
        if (slash > 0) {
            start = docPath(prefix.substring(0, slash));
        }
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<Path> result = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String key = docs.relativize(p).toString().replace('\\', '/');
                if (key.startsWith(prefix) && Files.isRegularFile(p)) {
                    result.add(p);
                }
            }
        }
        return result;
    }

    /** Drops cached documents the remote no longer lists, so an offline view does not resurrect them. */
    private void forgetMissing(String prefix, List<DocumentStat> listed) throws IOException {
        if (prefix.startsWith(DocumentKey.MANIFESTS)) {
            return;
        }
        Set<String> keys = new HashSet<>();
        for (DocumentStat s : listed) {
            keys.add(s.key());
        }
        for (Path p : cachedFiles(prefix)) {
            String key = docs.relativize(p).toString().replace('\\', '/');
            if (!keys.contains(key)) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---------------------------------------------------------------- staging and lifecycle

    @Override
    public Staging openStaging() throws IOException {
        Path dir = Files.createDirectory(store.tmp().resolve("staging-" + UUID.randomUUID()));
        return Staging.deletedOnClose(dir);
    }

    @Override
    public Path snapshotRoot() {
        return snapshots;
    }

    @Override
    public void close() throws IOException {
        try {
            for (CacheStore.InUse h : held.values()) {
                h.close();
            }
            held.clear();
        } finally {
            remote.close();
        }
    }
}
