package org.den4j.den.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.den4j.den.CachePruneReport;
import org.den4j.den.CacheSettings;
import org.den4j.den.CachedModel;
import org.den4j.den.DenConfigException;
import org.den4j.den.DenException;
import org.den4j.den.EvictionPolicy;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.den4j.den.backend.LocalBackend;
import org.den4j.den.format.Json;
import org.den4j.den.format.Sha256;
import org.den4j.den.io.FileLocks;
import org.den4j.den.io.FileTree;

/**
 * The read-through local cache of remote dens: verified blobs by SHA-256, the models fetched from
 * them, and their use counts.
 *
 * <pre>
 * blobs/sha256/ab/abcd...        verified blobs, read-only, shared by every remote
 * models/DIGEST.json             one fetched model: its blobs, references, use times and count, pin
 * inuse/DIGEST.lock              shared-locked by every open den that fetched the model
 * remotes/ID/location            the remote's location, ID being a hash of it
 * remotes/ID/docs/KEY            documents read from the remote (first line: etag)
 * remotes/ID/snapshots/DIGEST/   fetched models: hard links to the blobs
 * tmp/                           downloads in flight
 * cache.lock                     held while model records and blobs change
 * </pre>
 *
 * <p>Several processes may share a cache: changes to records and blobs happen under an exclusive
 * file lock, downloads land in {@code tmp/} and enter by an atomic rename, and a model that any open
 * den fetched holds a shared lock that eviction respects.
 */
public final class CacheStore {
    private static final String ENTRY_SUFFIX = ".json";

    private final CacheSettings settings;
    private final Clock clock;
    private final Path root;
    private final Path blobs;
    private final Path models;
    private final Path inuse;
    private final Path tmp;
    private final Path remotes;
    private final Path lockFile;
    private final FileLocks locks = new FileLocks();

    /**
     * Opens (creating when missing) the cache the settings describe.
     *
     * @throws DenConfigException naming {@code DEN4J_LOCAL_CACHE_PATH} when the directory is unusable
     */
    public CacheStore(CacheSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.root = settings.path();
        this.blobs = root.resolve("blobs").resolve("sha256");
        this.models = root.resolve("models");
        this.inuse = root.resolve("inuse");
        this.tmp = root.resolve("tmp");
        this.remotes = root.resolve("remotes");
        this.lockFile = root.resolve("cache.lock");
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new DenConfigException("DEN4J_LOCAL_CACHE_PATH", "Cache path " + root
                    + " is a file, not a directory; point DEN4J_LOCAL_CACHE_PATH at a directory");
        }
        try {
            for (Path dir : List.of(blobs, models, inuse, tmp, remotes)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new DenConfigException("DEN4J_LOCAL_CACHE_PATH", "Cache path " + root + " is not writable (" + e
                    + "); choose a writable directory with DEN4J_LOCAL_CACHE_PATH");
        }
    }

    /** The settings it was opened with. */
    public CacheSettings settings() {
        return settings;
    }

    /** The cache directory. */
    public Path root() {
        return root;
    }

    /** A cached blob. */
    public Path blobPath(String digest) {
        return blobs.resolve(digest.substring(0, 2)).resolve(digest);
    }

    /** The cached blob, when present. */
    public Optional<Path> blob(String digest) {
        Path p = blobPath(digest);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** The directory of one remote's documents and fetched models, made when missing. */
    public Path remoteDirectory(String location) throws IOException {
        String id = Sha256.hex(digestOf(location)).substring(0, 16);
        Path dir = remotes.resolve(id);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.resolve("docs"));
            Files.createDirectories(dir.resolve("snapshots"));
            Path t = Files.createTempFile(tmp, "location", ".part");
            Files.writeString(t, location + "\n");
            LocalBackend.moveReplacing(t, dir.resolve("location"));
        }
        return dir;
    }

    private static java.security.MessageDigest digestOf(String text) {
        java.security.MessageDigest sha = Sha256.newDigest();
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        return sha;
    }

    /** A new file name for a download in flight; it does not exist yet. */
    public Path newDownload() {
        return tmp.resolve(UUID.randomUUID() + ".part");
    }

    /** The cache's temporary directory, on the same file system as the blobs. */
    public Path tmp() {
        return tmp;
    }

    // ---------------------------------------------------------------- model records

    /** A model record on disk. */
    record Entry(String digest, List<String> refs, String location, Map<String, Long> blobs, long size,
            Instant stored, Instant lastUsed, long uses, boolean pinned) {
        Entry {
            refs = refs == null ? List.of() : List.copyOf(refs);
            blobs = blobs == null ? Map.of() : Map.copyOf(blobs);
        }
    }

    /**
     * Records that a model is about to be fetched through the cache, so its blobs count as used from
     * the first download on. The caller holds {@link #holdInUse} first.
     */
    public void register(String digest, String ref, String location, Manifest manifest) throws IOException {
        locks.withLock(lockFile, () -> {
            Optional<Entry> existing = readEntry(digest);
            Instant now = clock.instant();
            Entry next;
            if (existing.isPresent()) {
                Entry e = existing.get();
                LinkedHashSet<String> refs = new LinkedHashSet<>(e.refs());
                refs.add(ref);
                next = new Entry(digest, List.copyOf(refs), e.location(), e.blobs(), e.size(), e.stored(), e.lastUsed(),
                        e.uses(), e.pinned());
                if (next.equals(e)) {
                    return null;
                }
            } else {
                Map<String, Long> blobSizes = new TreeMap<>();
                for (FileEntry f : manifest.files()) {
                    blobSizes.put(f.sha256(), f.size());
                }
                next = new Entry(digest, List.of(ref), location, blobSizes, manifest.size(), now, now, 0, false);
            }
            writeEntry(next);
            return null;
        });
    }

    /** Counts one fetch of a model: its last use becomes now and its use count grows. */
    public void recordUse(String digest) throws IOException {
        locks.withLock(lockFile, () -> {
            Optional<Entry> e = readEntry(digest);
            if (e.isPresent()) {
                Entry x = e.get();
                writeEntry(new Entry(x.digest(), x.refs(), x.location(), x.blobs(), x.size(), x.stored(),
                        clock.instant(), x.uses() + 1, x.pinned()));
            }
            return null;
        });
    }

    /**
     * Pins or unpins a cached model: a pinned model is never evicted, whatever the policy, size limit or
     * expiration say.
     *
     * @return false when no cached model has that digest
     */
    public boolean pin(String digest, boolean pinned) throws IOException {
        return locks.withLock(lockFile, () -> {
            Optional<Entry> e = readEntry(digest);
            if (e.isEmpty()) {
                return false;
            }
            Entry x = e.get();
            writeEntry(new Entry(x.digest(), x.refs(), x.location(), x.blobs(), x.size(), x.stored(), x.lastUsed(),
                    x.uses(), pinned));
            return true;
        });
    }

    /**
     * Moves a verified download into the cache as a blob.
     *
     * @throws DenException when the policy is {@code none} and the blob would take the cache past its limit
     */
    public Path addBlob(String digest, Path verified) throws IOException {
        return locks.withLock(lockFile, () -> {
            Path target = blobPath(digest);
            if (Files.exists(target)) {
                Files.deleteIfExists(verified);
                return target;
            }
            long size = Files.size(verified);
            if (settings.evictionPolicy() == EvictionPolicy.NONE) {
                long current = size();
                if (current + size > settings.maxSize()) {
                    Files.deleteIfExists(verified);
                    throw new DenException("The local cache " + root + " holds " + current + " bytes and a blob of "
                            + size + " bytes would take it past DEN4J_LOCAL_CACHE_MAX_SIZE=" + settings.maxSize()
                            + " with DEN4J_LOCAL_CACHE_EVICTION_POLICY=none; run den cache prune or clear, raise the "
                            + "limit, or choose an eviction policy such as lru");
                }
            }
            Files.createDirectories(target.getParent());
            LocalBackend.setPermissions(verified, PosixFilePermissions.fromString("r--r--r--"));
            LocalBackend.moveReplacing(verified, target);
            return target;
        });
    }

    // ---------------------------------------------------------------- in use

    /** A shared lock that marks a model as in use until closed. */
    public interface InUse extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Marks a model as in use by this process until the returned handle is closed; eviction skips it.
     * A second hold in the same JVM shares the first one's lock.
     */
    public InUse holdInUse(String digest) throws IOException {
        Path file = inuse.resolve(digest + ".lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.lock(0, Long.MAX_VALUE, true);
        } catch (OverlappingFileLockException e) {
            // Another den in this JVM holds it: the model is marked already.
            channel.close();
            return () -> { };
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return () -> {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // Closing the channel releases the lock anyway.
            }
        };
    }

    private boolean inUse(String digest) {
        Path file = inuse.resolve(digest + ".lock");
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, false);
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // Cannot tell: keep it.
            return true;
        }
    }

    // ---------------------------------------------------------------- listing and eviction

    /** The cached models, least recently used first. */
    public List<CachedModel> list() throws IOException {
        List<CachedModel> result = new ArrayList<>();
        for (Entry e : readEntries()) {
            result.add(new CachedModel(e.digest(), e.refs(), e.location(), e.size(), e.stored(), e.lastUsed(), e.uses(),
                    e.pinned(), inUse(e.digest())));
        }
        result.sort(Comparator.comparing(CachedModel::lastUsed));
        return result;
    }

    /** The bytes of the cached blobs. */
    public long size() throws IOException {
        long total = 0;
        for (Map.Entry<String, Long> b : blobSizes().entrySet()) {
            total += b.getValue();
        }
        return total;
    }

    private Map<String, Long> blobSizes() throws IOException {
        Map<String, Long> sizes = new HashMap<>();
        try (Stream<Path> files = Files.walk(blobs, 2)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.length() == 64) {
                    try {
                        sizes.put(name, Files.size(p));
                    } catch (NoSuchFileException e) {
                        // deleted meanwhile
                    }
                }
            }
        }
        return sizes;
    }

    /**
     * Drops expired models, blobs no model needs, and then, while the cache is over its size limit, models
     * in the order of the eviction policy. Pinned models and models in use are never dropped.
     */
    public CachePruneReport prune() throws IOException {
        return evict(false);
    }

    /** Drops every model that is neither pinned nor in use, and every blob no remaining model needs. */
    public CachePruneReport clear() throws IOException {
        return evict(true);
    }

    private CachePruneReport evict(boolean all) throws IOException {
        return locks.withLock(lockFile, () -> {
            List<Entry> entries = readEntries();
            Instant now = clock.instant();
            List<Entry> kept = new ArrayList<>();
            List<Entry> removable = new ArrayList<>();
            List<Entry> removed = new ArrayList<>();
            for (Entry e : entries) {
                if (e.pinned() || inUse(e.digest())) {
                    kept.add(e);
                } else if (all || !Duration.between(e.lastUsed(), now).minus(settings.expiration()).isNegative()) {
                    removed.add(e);
                } else {
                    removable.add(e);
                }
            }
            Map<String, Long> sizes = blobSizes();
            if (settings.evictionPolicy() != EvictionPolicy.NONE) {
                removable.sort(order(settings.evictionPolicy()));
                while (!removable.isEmpty() && bytesNeeded(kept, removable, sizes) > settings.maxSize()) {
                    removed.add(removable.remove(0));
                }
            }
            kept.addAll(removable);
            Set<String> needed = new HashSet<>();
            for (Entry e : kept) {
                needed.addAll(e.blobs().keySet());
            }
            long freed = 0;
            for (Entry e : removed) {
                deleteSnapshots(e.digest());
                Files.deleteIfExists(entryPath(e.digest()));
            }
            for (Map.Entry<String, Long> b : sizes.entrySet()) {
                if (!needed.contains(b.getKey())) {
                    Files.deleteIfExists(blobPath(b.getKey()));
                    freed += b.getValue();
                }
            }
            cleanTmp(now);
            List<String> labels = removed.stream().map(e -> e.refs().isEmpty() ? "sha256:" + e.digest() : e.refs().get(0))
                    .toList();
            return new CachePruneReport(labels, freed, size());
        });
    }

    private static long bytesNeeded(List<Entry> kept, List<Entry> removable, Map<String, Long> sizes) {
        Set<String> needed = new HashSet<>();
        for (Entry e : kept) {
            needed.addAll(e.blobs().keySet());
        }
        for (Entry e : removable) {
            needed.addAll(e.blobs().keySet());
        }
        long total = 0;
        for (String d : needed) {
            total += sizes.getOrDefault(d, 0L);
        }
        return total;
    }

    private static Comparator<Entry> order(EvictionPolicy policy) {
        return switch (policy) {
            case LFU -> Comparator.comparingLong(Entry::uses).thenComparing(Entry::lastUsed);
            case LRS -> Comparator.comparing(Entry::stored);
            default -> Comparator.comparing(Entry::lastUsed);
        };
    }

    private void deleteSnapshots(String digest) throws IOException {
        try (Stream<Path> dirs = Files.list(remotes)) {
            for (Path remote : (Iterable<Path>) dirs::iterator) {
                Path snapshot = remote.resolve("snapshots").resolve(digest);
                if (Files.exists(snapshot)) {
                    FileTree.delete(snapshot);
                }
            }
        }
    }

    private void cleanTmp(Instant now) throws IOException {
        Instant cutoff = now.minus(Duration.ofHours(6));
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                        FileTree.delete(p);
                    }
                } catch (NoSuchFileException e) {
                    // finished meanwhile
                }
            }
        }
    }

    private Path entryPath(String digest) {
        return models.resolve(digest + ENTRY_SUFFIX);
    }

    private Optional<Entry> readEntry(String digest) throws IOException {
        try {
            return Optional.of(Json.MAPPER.readValue(Files.readAllBytes(entryPath(digest)), Entry.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // A damaged record is only bookkeeping: the model is fetched again when needed.
            Files.deleteIfExists(entryPath(digest));
            return Optional.empty();
        }
    }

    private List<Entry> readEntries() throws IOException {
        List<Entry> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(models)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(ENTRY_SUFFIX)) {
                    readEntry(name.substring(0, name.length() - ENTRY_SUFFIX.length())).ifPresent(result::add);
                }
            }
        }
        return result;
    }

    private void writeEntry(Entry entry) throws IOException {
        // Write then rename, so a reader never sees half a record.
        Path t = Files.createTempFile(tmp, "model", ".part");
        try {
            Files.write(t, Json.bytes(entry));
            LocalBackend.moveReplacing(t, entryPath(entry.digest()));
        } finally {
            Files.deleteIfExists(t);
        }
    }
}
