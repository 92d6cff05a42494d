package org.den4j.den.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
import org.den4j.den.DenException;
import org.den4j.den.ModelInfo;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.DocumentStat;
import org.den4j.den.backend.LocalBackend;
import org.den4j.den.backend.StoredDocument;
import org.den4j.den.format.AliasDoc;
import org.den4j.den.format.DocumentKey;
import org.den4j.den.format.Json;
import org.den4j.den.format.VersionDoc;

/**
 * An in-memory view of the den's version and alias documents.
 *
 * <p>With a backend that keeps a change journal, a refresh reads only the journal's new lines and
 * the documents they name, so an unchanged registry costs one {@code stat}. A new process starts from
 * a snapshot of the registry kept in the index directory and replays the journal after it; without
 * a snapshot (or a journal) it lists every document and compares etags.
 */
public final class Catalog {
    private static final int SNAPSHOT_EVERY = 1000;
    private static final String SNAPSHOT = "registry-snapshot.bin";

    private final DenBackend backend;
    private final Path indexDirectory;
    private final TreeMap<String, Cached<VersionDoc>> versions = new TreeMap<>();
    private final TreeMap<String, Cached<AliasDoc>> aliases = new TreeMap<>();
    private boolean loaded;
    private long position;
    private int replayedSinceSnapshot;
    private View lastView;

    /**
     * @param backend where the documents live
     * @param indexDirectory where to keep the registry snapshot, or null to keep none
     */
    public Catalog(DenBackend backend, Path indexDirectory) {
        this.backend = backend;
        this.indexDirectory = indexDirectory;
    }

    /** Reads what changed and returns a consistent view of the whole registry. */
    public synchronized View refresh() throws IOException {
        catchUp();
        if (lastView == null) {
            lastView = buildView();
        }
        return lastView;
    }

    /**
     * Reads what changed for one model name and returns a view holding just that name; without a
     * journal this lists that name's documents only.
     */
    public synchronized View refresh(String name) throws IOException {
        String prefix = DocumentKey.prefixOf(name);
        boolean wasLoaded = loaded;
        if (journaled()) {
            catchUp();
        } else if (wasLoaded) {
            // (A first call just listed every document.)
            sync(prefix);
        }
        TreeMap<Integer, VersionDoc> versionsOfName = new TreeMap<>();
        List<ModelInfo> live = new ArrayList<>();
        for (Cached<VersionDoc> c : versions.subMap(prefix, prefix + Character.MAX_VALUE).values()) {
            VersionDoc doc = c.value;
            if (doc.model().name().equals(name)) {
                versionsOfName.put(doc.model().version(), doc);
                if (doc.deleted() == null) {
                    live.add(doc.model());
                }
            }
        }
        live.sort(Comparator.comparingInt(ModelInfo::version));
        Map<String, TreeMap<Integer, VersionDoc>> byName = versionsOfName.isEmpty() ? Map.of()
                : Map.of(name, versionsOfName);
        Cached<AliasDoc> alias = aliases.get(DocumentKey.aliases(name));
        return new View(List.copyOf(live), byName, alias == null ? Map.of() : Map.of(name, alias.value));
    }

    /** Forgets the journal position and lists every document again, repairing anything missed. */
    public synchronized View resync() throws IOException {
        loaded = false;
        versions.clear();
        aliases.clear();
        lastView = null;
        fullLoad();
        return refresh();
    }

    private boolean journaled() throws IOException {
        if (!loaded) {
            catchUp();
        }
        return position >= 0;
    }

    private void catchUp() throws IOException {
        if (!loaded) {
            if (!loadSnapshot()) {
                fullLoad();
            }
        }
        if (position < 0) {
            // No journal: compare every document's etag.
            if (sync(DocumentKey.MODELS)) {
                lastView = null;
            }
            return;
        }
        Optional<DenBackend.Changes> changes;
        try {
            changes = backend.changesSince(position);
        } catch (IOException e) {
            // The journal was replaced or truncated: start over from the documents themselves.
            resyncQuietly();
            return;
        }
        if (changes.isEmpty() || changes.get().keys().isEmpty()) {
            changes.ifPresent(c -> position = c.position());
            return;
        }
        for (String key : new LinkedHashSet<>(changes.get().keys())) {
            if (reread(key)) {
                replayedSinceSnapshot++;
            }
        }
        position = changes.get().position();
        lastView = null;
        if (replayedSinceSnapshot >= SNAPSHOT_EVERY) {
            writeSnapshot();
        }
    }

    private void resyncQuietly() throws IOException {
        loaded = false;
        versions.clear();
        aliases.clear();
        lastView = null;
        fullLoad();
    }

    private void fullLoad() throws IOException {
        Optional<DenBackend.Changes> start = backend.changesSince(0);
        long end = -1;
        if (start.isPresent()) {
            end = start.get().position();
        }
        // Read the journal's end before listing: changes made during the listing are replayed later.
        sync(DocumentKey.MODELS);
        position = end;
        loaded = true;
        lastView = null;
        if (position >= 0) {
            writeSnapshot();
        }
    }

    /** Re-reads a registry document; returns false for keys that are not registry documents. */
    private boolean reread(String key) throws IOException {
        if (DocumentKey.isVersion(key)) {
            Optional<StoredDocument> d = backend.read(key);
            if (d.isPresent()) {
                versions.put(key, new Cached<>(d.get().etag(), parse(d.get(), VersionDoc.class)));
            } else {
                versions.remove(key);
            }
        } else if (DocumentKey.isAliases(key)) {
            Optional<StoredDocument> d = backend.read(key);
            if (d.isPresent()) {
                aliases.put(key, new Cached<>(d.get().etag(), parse(d.get(), AliasDoc.class)));
            } else {
                aliases.remove(key);
            }
        } else {
            return false;
        }
        return true;
    }

    /**
     * Saves a snapshot when documents were replayed since the last one, so the next process starts
     * from here instead of reading those documents again.
     */
    public synchronized void saveSnapshot() {
        if (loaded && position >= 0 && replayedSinceSnapshot > 0) {
            writeSnapshot();
        }
    }

    /** Brings the documents under {@code prefix} up to date by etag; returns true when any changed. */
    private boolean sync(String prefix) throws IOException {
        boolean changed = false;
        List<DocumentStat> stats = backend.list(prefix);
        Set<String> seen = new HashSet<>();
        for (DocumentStat stat : stats) {
            String key = stat.key();
            if (DocumentKey.isVersion(key)) {
                seen.add(key);
                Cached<VersionDoc> c = versions.get(key);
                if (c == null || !c.etag.equals(stat.etag())) {
                    reread(key);
                    changed = true;
                }
            } else if (DocumentKey.isAliases(key)) {
                seen.add(key);
                Cached<AliasDoc> c = aliases.get(key);
                if (c == null || !c.etag.equals(stat.etag())) {
                    reread(key);
                    changed = true;
                }
            }
        }
        changed |= versions.keySet().removeIf(k -> k.startsWith(prefix) && !seen.contains(k));
        changed |= aliases.keySet().removeIf(k -> k.startsWith(prefix) && !seen.contains(k));
        return changed;
    }

    private View buildView() {
        Map<String, TreeMap<Integer, VersionDoc>> byName = new TreeMap<>();
        List<ModelInfo> live = new ArrayList<>();
        for (Cached<VersionDoc> c : versions.values()) {
            VersionDoc doc = c.value;
            byName.computeIfAbsent(doc.model().name(), n -> new TreeMap<>()).put(doc.model().version(), doc);
            if (doc.deleted() == null) {
                live.add(doc.model());
            }
        }
        live.sort(Comparator.comparing(ModelInfo::name).thenComparingInt(ModelInfo::version));
        Map<String, AliasDoc> aliasByName = new HashMap<>();
        for (Map.Entry<String, Cached<AliasDoc>> e : aliases.entrySet()) {
            aliasByName.put(DocumentKey.nameOf(e.getKey()).orElseThrow(), e.getValue().value);
        }
        return new View(List.copyOf(live), byName, aliasByName);
    }

    private boolean loadSnapshot() {
        if (indexDirectory == null) {
            return false;
        }
        Path file = indexDirectory.resolve(SNAPSHOT);
        try {
            RegistrySnapshot snap = SnapshotCodec.read(file);
            Optional<DenBackend.Changes> check = backend.changesSince(snap.position());
            if (check.isEmpty()) {
                return false;
            }
            for (RegistrySnapshot.Entry<VersionDoc> e : snap.versions()) {
                versions.put(e.key(), new Cached<>(e.etag(), e.doc()));
            }
            for (RegistrySnapshot.Entry<AliasDoc> e : snap.aliases()) {
                aliases.put(e.key(), new Cached<>(e.etag(), e.doc()));
            }
            position = snap.position();
            loaded = true;
            return true;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            // A damaged or outdated snapshot is only a cache: rebuild it from the documents.
            versions.clear();
            aliases.clear();
            return false;
        }
    }

    private void writeSnapshot() {
        replayedSinceSnapshot = 0;
        if (indexDirectory == null) {
            return;
        }
        try {
            Files.createDirectories(indexDirectory);
            List<RegistrySnapshot.Entry<VersionDoc>> v = new ArrayList<>();
            versions.forEach((k, c) -> v.add(new RegistrySnapshot.Entry<>(k, c.etag, c.value)));
            List<RegistrySnapshot.Entry<AliasDoc>> a = new ArrayList<>();
            aliases.forEach((k, c) -> a.add(new RegistrySnapshot.Entry<>(k, c.etag, c.value)));
            Path tmp = Files.createTempFile(indexDirectory, SNAPSHOT, ".part");
            try {
                SnapshotCodec.write(new RegistrySnapshot(position, v, a), tmp);
                LocalBackend.setPermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
                LocalBackend.moveReplacing(tmp, indexDirectory.resolve(SNAPSHOT));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            // Only a cache: the next process lists the documents instead.
            System.getLogger("org.den4j.den").log(System.Logger.Level.DEBUG, "Cannot write registry snapshot in "
                    + indexDirectory + ": " + e);
        }
    }

    private static <T> T parse(StoredDocument doc, Class<T> type) {
        try {
            return Json.MAPPER.readValue(doc.content(), type);
        } catch (IOException e) {
            throw new DenException("Registry document " + doc.key() + " is not valid JSON (" + e.getMessage()
                    + "); restore it from a backup or delete it and run den verify", e);
        }
    }

    private record Cached<T>(String etag, T value) {
    }

    /**
     * A consistent snapshot of the registry.
     *
     * @param live every version not deleted, by name then version
     * @param byName every version record by name, deleted ones included
     * @param aliases the alias document of each name that has one
     */
    public record View(List<ModelInfo> live, Map<String, TreeMap<Integer, VersionDoc>> byName,
            Map<String, AliasDoc> aliases) {
        /** The live versions of a name, oldest first. */
        public List<ModelInfo> versionsOf(String name) {
            TreeMap<Integer, VersionDoc> all = byName.get(name);
            if (all == null) {
                return List.of();
            }
            return all.values().stream().filter(d -> d.deleted() == null).map(VersionDoc::model).toList();
        }

        /** Names with at least one live version. */
        public Set<String> names() {
            Set<String> names = new java.util.TreeSet<>();
            for (ModelInfo m : live) {
                names.add(m.name());
            }
            return names;
        }
    }
}
