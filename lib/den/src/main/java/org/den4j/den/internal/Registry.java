package org.den4j.den.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.den4j.den.AliasChange;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;
import org.den4j.den.Manifest;
import org.den4j.den.ModelInUseException;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.ModelNotFoundException;
import org.den4j.den.ModelRef;
import org.den4j.den.PushResult;
import org.den4j.den.RegistryStats;
import org.den4j.den.backend.BlobStat;
import org.den4j.den.format.AliasDoc;
import org.den4j.den.format.DocumentKey;
import org.den4j.den.format.Json;
import org.den4j.den.format.MetadataCodec;
import org.den4j.den.format.VersionDoc;

/**
 * Writes the registry's documents (version records and aliases) through the kernel's optimistic-write
 * loop, and reads and writes registry exports.
 */
public final class Registry {
    private final Store store;
    private final Lineage lineage;

    public Registry(Store store, Lineage lineage) {
        this.store = store;
        this.lineage = lineage;
    }

    /**
     * Records a stored manifest as the next version of {@code name}, or returns the version that already
     * has this content.
     */
    public PushResult commitVersion(String name, String description, List<String> tags, ModelMetadata metadata,
            Manifest manifest, ModelInfo parent, long newBytes, long reusedBytes) throws IOException {
        return commitVersion(name, description, tags, metadata, manifest, parent, newBytes, reusedBytes, null, null);
    }

    /**
     * As {@link #commitVersion(String, String, List, ModelMetadata, Manifest, ModelInfo, long, long)}, with the
     * record's creation and update times when the caller knows them (a registry import), or now when null.
     */
    public PushResult commitVersion(String name, String description, List<String> tags, ModelMetadata metadata,
            Manifest manifest, ModelInfo parent, long newBytes, long reusedBytes, Instant created, Instant updated)
            throws IOException {
        String digest = manifest.digest();
        // Versions are claimed with create-only writes: of two pushes racing for number N one wins and
        // the other looks again, finds the winner (same content: converge) or takes N+1.
        return store.retry(1000, () -> {
            Catalog.View view = store.catalog().refresh(name);
            Optional<ModelInfo> same = view.versionsOf(name).stream().filter(m -> m.digest().equals(digest)).findFirst();
            if (same.isPresent()) {
                return Optional.of(new PushResult(same.get(), true, newBytes, reusedBytes));
            }
            TreeMap<Integer, VersionDoc> all = view.byName().get(name);
            int version = all == null || all.isEmpty() ? 1 : all.lastKey() + 1;
            Instant now = store.clock().instant();
            Instant made = created == null ? now : created;
            ModelInfo info = new ModelInfo(name, version, digest, description, tags,
                    parent == null ? null : parent.digest(), parent == null ? null : parent.ref(), metadata,
                    made, updated == null ? made : updated, manifest.size(), manifest.files().size());
            return store.backend().create(DocumentKey.version(name, version), Json.bytes(new VersionDoc(info, null)))
                    ? Optional.of(new PushResult(info, false, newBytes, reusedBytes)) : Optional.empty();
        }, () -> new DenException("Could not claim a version number for " + name + " after 1000 attempts; too many "
                + "concurrent pushes of this name"));
    }

    /** Replaces the description, tags and metadata of a version; see {@code Den.update}. */
    public ModelInfo update(String ref, String description, List<String> tags, ModelMetadata metadata) {
        ModelInfo model = store.show(ref);
        try {
            return store.update(DocumentKey.version(model.name(), model.version()), VersionDoc.class, current -> {
                if (current == null) {
                    throw new ModelNotFoundException(ref, "Model " + ref + " was deleted meanwhile", List.of());
                }
                ModelInfo was = current.model();
                return new VersionDoc(was.withMetadata(description == null ? was.description() : description,
                        tags == null ? was.tags() : tags, metadata == null ? was.metadata() : metadata,
                        store.clock().instant()), current.deleted());
            }, () -> new DenException("Could not update " + ref + ": it kept changing under concurrent writers"))
                    .model();
        } catch (IOException e) {
            throw new DenException("Cannot update " + model.ref() + " in den " + store.location() + ": " + e, e);
        }
    }

    /** Marks a version deleted and removes the aliases that pointed at it; see {@code Den.delete}. */
    public ModelInfo delete(String ref, boolean force) {
        Catalog.View view = store.view();
        ModelInfo model = store.resolve(view, ModelRef.parse(ref));
        boolean digestLivesOn = view.live().stream()
                .anyMatch(m -> m.digest().equals(model.digest()) && !m.ref().equals(model.ref()));
        List<String> derivatives = lineage.childrenOf(view, model.digest());
        if (!force && !digestLivesOn && !derivatives.isEmpty()) {
            throw new ModelInUseException(model.ref(), derivatives);
        }
        try {
            store.update(DocumentKey.version(model.name(), model.version()), VersionDoc.class, current -> {
                if (current == null) {
                    throw new ModelNotFoundException(ref, "Model " + ref + " was deleted meanwhile", List.of());
                }
                if (current.deleted() != null) {
                    throw new ModelNotFoundException(ref, "Model " + model.ref() + " was deleted meanwhile", List.of());
                }
                return new VersionDoc(current.model(), store.clock().instant());
            }, () -> new DenException("Could not delete " + model.ref() + ": it kept changing under concurrent "
                    + "writers"));
            AliasDoc aliases = view.aliases().getOrDefault(model.name(), AliasDoc.EMPTY);
            for (Map.Entry<String, Integer> e : aliases.aliases().entrySet()) {
                if (e.getValue() == model.version()) {
                    changeAlias(model.name(), e.getKey(), 0);
                }
            }
        } catch (IOException e) {
            throw new DenException("Cannot delete " + model.ref() + " from den " + store.location() + ": " + e, e);
        }
        return model;
    }

    /** Points an alias at an existing version; see {@code Den.alias}. */
    public void alias(String name, String alias, int version) {
        ModelRef.checkAlias(alias);
        store.show(ModelRef.of(name, version).toString());
        changeAlias(name, alias, version);
    }

    /** Removes an existing alias; see {@code Den.removeAlias}. */
    public void removeAlias(String name, String alias) {
        ModelRef.checkAlias(alias);
        Map<String, Integer> aliases = aliases(name);
        if (!aliases.containsKey(alias)) {
            store.show(name);
            throw new ModelNotFoundException(name + "@" + alias, "Model " + name + " has no alias '" + alias
                    + "' to remove; its aliases are " + aliases.keySet(), List.copyOf(aliases.keySet()));
        }
        changeAlias(name, alias, 0);
    }

    /** The aliases of a name and the versions they point to. */
    public Map<String, Integer> aliases(String name) {
        return store.viewOf(name).aliases().getOrDefault(name, AliasDoc.EMPTY).aliases();
    }

    /** Every change of every alias of a name, oldest first. */
    public List<AliasChange> aliasHistory(String name) {
        return store.viewOf(name).aliases().getOrDefault(name, AliasDoc.EMPTY).history();
    }

    /** Points {@code alias} at {@code version}, or removes it when {@code version} is 0, recording the change. */
    public void changeAlias(String name, String alias, int version) {
        try {
            store.update(DocumentKey.aliases(name), AliasDoc.class, doc -> {
                AliasDoc current = doc == null ? AliasDoc.EMPTY : doc;
                Map<String, Integer> next = new TreeMap<>(current.aliases());
                Integer previous = version == 0 ? next.remove(alias) : next.put(alias, version);
                List<AliasChange> history = new ArrayList<>(current.history());
                history.add(new AliasChange(alias, version, previous == null ? 0 : previous, store.clock().instant(),
                        System.getProperty("user.name", "unknown")));
                return new AliasDoc(next, history);
            }, () -> new DenException("Could not change alias " + name + "@" + alias + ": it kept changing under "
                    + "concurrent writers"));
        } catch (IOException e) {
            throw new DenException("Cannot change alias " + name + "@" + alias + " in den " + store.location() + ": "
                    + e, e);
        }
    }

    /** Figures about the den: counts, sizes and how much sharing saves. */
    public RegistryStats stats() {
        List<ModelInfo> all = store.view().live();
        Map<String, Integer> byType = new TreeMap<>();
        Map<String, Integer> byTag = new TreeMap<>();
        long logical = 0;
        for (ModelInfo m : all) {
            byType.merge(m.metadata().modelType() == null ? "unknown" : m.metadata().modelType(), 1, Integer::sum);
            for (String t : m.tags()) {
                byTag.merge(t, 1, Integer::sum);
            }
            logical += m.size();
        }
        List<BlobStat> blobs;
        try {
            blobs = store.backend().listBlobs();
        } catch (IOException e) {
            throw new DenException("Cannot list the blobs of den " + store.location() + ": " + e, e);
        }
        long stored = blobs.stream().mapToLong(BlobStat::size).sum();
        int names = (int) all.stream().map(ModelInfo::name).distinct().count();
        int base = (int) all.stream().filter(ModelInfo::isBase).count();
        return new RegistryStats(names, all.size(), base, logical, stored, blobs.size(), byType, byTag);
    }

    /**
     * Writes every live record to {@code file}, as YAML for {@code .yaml}/{@code .yml} and JSON otherwise; in the
     * Python model manager's form when {@code python} is true.
     */
    public void exportRegistry(Path file, boolean python) {
        try {
            List<ModelInfo> live = store.view().live();
            Object all = python ? MetadataCodec.toPython(live) : live;
            byte[] bytes = isYaml(file) ? Json.YAML.writeValueAsBytes(all)
                    : Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(all);
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".part");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DenException("Cannot export the registry to " + file + ": " + e, e);
        }
    }

    private static boolean isYaml(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }
}
