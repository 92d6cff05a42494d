package org.den4j.den.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.den4j.den.DenException;
import org.den4j.den.ModelInfo;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.DocumentStat;
import org.den4j.den.backend.StoredDocument;

/**
 * An in-memory view of the den's version and alias documents, refreshed by etag so that only
 * documents that changed since the last look are read again.
 */
public final class Catalog {
    private final DenBackend backend;
    private final Map<String, Cached<VersionDoc>> versions = new HashMap<>();
    private final Map<String, Cached<AliasDoc>> aliases = new HashMap<>();
    private View lastView;

    public Catalog(DenBackend backend) {
        this.backend = backend;
    }

    /** Reads what changed and returns a consistent view of the whole registry. */
    public synchronized View refresh() throws IOException {
        sync("models/");
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
            aliasByName.put(AliasDoc.nameOf(e.getKey()), e.getValue().value);
        }
        if (lastView != null && lastView.live().equals(live) && lastView.byName().equals(byName)
                && lastView.aliases().equals(aliasByName)) {
            // Unchanged: hand out the same instance so indexes can cache what they built from it.
            return lastView;
        }
        lastView = new View(List.copyOf(live), byName, aliasByName);
        return lastView;
    }

    /**
     * Reads what changed for one model name only and returns a view holding just that name, which
     * costs a listing of that name's documents instead of the whole registry.
     */
    public synchronized View refresh(String name) throws IOException {
        String prefix = "models/" + name + "/@";
        sync(prefix);
        TreeMap<Integer, VersionDoc> versionsOfName = new TreeMap<>();
        List<ModelInfo> live = new ArrayList<>();
        for (Map.Entry<String, Cached<VersionDoc>> e : versions.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                VersionDoc doc = e.getValue().value;
                versionsOfName.put(doc.model().version(), doc);
                if (doc.deleted() == null) {
                    live.add(doc.model());
                }
            }
        }
        live.sort(Comparator.comparingInt(ModelInfo::version));
        Map<String, TreeMap<Integer, VersionDoc>> byName = versionsOfName.isEmpty() ? Map.of()
                : Map.of(name, versionsOfName);
        Cached<AliasDoc> alias = aliases.get(AliasDoc.key(name));
        return new View(List.copyOf(live), byName, alias == null ? Map.of() : Map.of(name, alias.value));
    }

    private void sync(String prefix) throws IOException {
        List<DocumentStat> stats = backend.list(prefix);
        Set<String> seen = new HashSet<>();
        for (DocumentStat stat : stats) {
            String key = stat.key();
            if (VersionDoc.isKey(key)) {
                seen.add(key);
                Cached<VersionDoc> c = versions.get(key);
                if (c == null || !c.etag.equals(stat.etag())) {
                    backend.read(key).ifPresent(d -> versions.put(key, new Cached<>(d.etag(), parse(d, VersionDoc.class))));
                }
            } else if (AliasDoc.isKey(key)) {
                seen.add(key);
                Cached<AliasDoc> c = aliases.get(key);
                if (c == null || !c.etag.equals(stat.etag())) {
                    backend.read(key).ifPresent(d -> aliases.put(key, new Cached<>(d.etag(), parse(d, AliasDoc.class))));
                }
            }
        }
        versions.keySet().removeIf(k -> k.startsWith(prefix) && !seen.contains(k));
        aliases.keySet().removeIf(k -> k.startsWith(prefix) && !seen.contains(k));
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
