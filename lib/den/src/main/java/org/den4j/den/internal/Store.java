package org.den4j.den.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;
import org.den4j.den.Manifest;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelNotFoundException;
import org.den4j.den.ModelRef;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.StoredDocument;
import org.den4j.den.format.AliasDoc;
import org.den4j.den.format.DocumentKey;
import org.den4j.den.format.Json;
import org.den4j.den.format.ManifestJson;

/**
 * The den's kernel, which the engines (push, transfer, maintenance, lineage, registry writes) share:
 * the backend, the registry view, resolving references, reading manifests, and the one
 * optimistic-write loop every document writer uses.
 */
public final class Store {
    private final DenBackend backend;
    private final Catalog catalog;
    private final Snapshots snapshots;
    private final Clock clock;
    private final CachingBackend cache;

    /**
     * @param backend where the bytes live; a {@link CachingBackend} makes the den a cached remote den
     * @param clock the clock for timestamps
     */
    public Store(DenBackend backend, Clock clock) {
        this.backend = backend;
        this.clock = clock;
        this.catalog = new Catalog(backend, indexDirectory(backend));
        this.snapshots = new Snapshots(backend);
        this.cache = backend instanceof CachingBackend c ? c : null;
    }

    /** Where a den on {@code backend} keeps its registry index and snapshot, or null for none. */
    public static Path indexDirectory(DenBackend backend) {
        return backend.snapshotRoot() == null ? null : backend.snapshotRoot().resolveSibling("index");
    }

    public DenBackend backend() {
        return backend;
    }

    public Catalog catalog() {
        return catalog;
    }

    public Snapshots snapshots() {
        return snapshots;
    }

    public Clock clock() {
        return clock;
    }

    /** The read-through cache in front of a remote den; empty for a local den. */
    public Optional<CachingBackend> cache() {
        return Optional.ofNullable(cache);
    }

    /** Where the den lives, for messages. */
    public String location() {
        return backend.location();
    }

    // ---------------------------------------------------------------- reading

    /** The whole registry, brought up to date. */
    public Catalog.View view() {
        try {
            return catalog.refresh();
        } catch (IOException e) {
            throw new DenException("Cannot read the registry of den " + location() + ": " + e, e);
        }
    }

    /** The registry documents of one name, brought up to date. */
    public Catalog.View viewOf(String name) {
        try {
            return catalog.refresh(ModelRef.checkName(name));
        } catch (IOException e) {
            throw new DenException("Cannot read the registry of den " + location() + " for " + name + ": " + e, e);
        }
    }

    /** The model a reference names; see {@link #resolve(ModelRef)}. */
    public ModelInfo show(String ref) {
        return resolve(ModelRef.parse(ref));
    }

    /** True when {@code ref} names a model. */
    public boolean has(String ref) {
        try {
            show(ref);
            return true;
        } catch (ModelNotFoundException e) {
            return false;
        }
    }

    /** Resolves with the least reading: a name reference looks at that name's documents only. */
    public ModelInfo resolve(ModelRef ref) {
        return resolve(ref.isDigest() ? view() : viewOf(ref.name()), ref);
    }

    /**
     * The model a reference names in a view.
     *
     * @throws ModelNotFoundException naming what exists and the closest names
     * @throws DenInputException when a digest prefix is ambiguous
     */
    public ModelInfo resolve(Catalog.View view, ModelRef ref) {
        if (ref.isDigest()) {
            List<ModelInfo> matches = view.live().stream().filter(m -> m.digest().startsWith(ref.digestPrefix()))
                    .toList();
            Set<String> digests = matches.stream().map(ModelInfo::digest).collect(Collectors.toSet());
            if (digests.isEmpty()) {
                throw new ModelNotFoundException(ref.toString(), "No model with digest " + ref + " in den " + location()
                        + "; list digests with den list", List.of());
            }
            if (digests.size() > 1) {
                throw new DenInputException("Digest prefix " + ref + " matches " + digests.size()
                        + " models (" + matches.stream().map(ModelInfo::ref).collect(Collectors.joining(", "))
                        + "); give more hex digits");
            }
            return matches.stream().max(Comparator.comparing(ModelInfo::created)).orElseThrow();
        }
        List<ModelInfo> versions = view.versionsOf(ref.name());
        if (versions.isEmpty()) {
            Set<String> names = view().names();
            List<String> close = Suggestions.closest(ref.name(), names, 3);
            throw new ModelNotFoundException(ref.toString(), "No model named '" + ref.name() + "' in den " + location()
                    + (close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?")
                    + " (it holds " + names.size() + (names.size() == 1 ? " name" : " names") + "; see den list)", close);
        }
        if (ref.alias() != null) {
            AliasDoc aliases = view.aliases().getOrDefault(ref.name(), AliasDoc.EMPTY);
            Integer version = aliases.aliases().get(ref.alias());
            if (version == null) {
                throw new ModelNotFoundException(ref.toString(), "Model " + ref.name() + " has no alias '" + ref.alias()
                        + "'" + (aliases.aliases().isEmpty() ? "" : "; its aliases are " + describeAliases(aliases))
                        + "; versions are " + versionList(versions), List.copyOf(aliases.aliases().keySet()));
            }
            return versions.stream().filter(m -> m.version() == version).findFirst()
                    .orElseThrow(() -> new ModelNotFoundException(ref.toString(), "Alias " + ref + " points to version "
                            + version + ", which was deleted; move it with den alias " + ref.name() + " " + ref.alias()
                            + " VERSION", List.of()));
        }
        if (ref.version() > 0) {
            return versions.stream().filter(m -> m.version() == ref.version()).findFirst()
                    .orElseThrow(() -> new ModelNotFoundException(ref.toString(), "Model " + ref.name()
                            + " has no version " + ref.version() + "; versions are " + versionList(versions),
                            versions.stream().map(ModelInfo::ref).toList()));
        }
        return versions.get(versions.size() - 1);
    }

    private static String versionList(List<ModelInfo> versions) {
        return versions.stream().map(m -> String.valueOf(m.version())).collect(Collectors.joining(", "))
                + " (latest " + versions.get(versions.size() - 1).version() + ")";
    }

    private static String describeAliases(AliasDoc doc) {
        return doc.aliases().entrySet().stream().map(e -> e.getKey() + "->" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /**
     * The manifest of a model, checked against its digest.
     *
     * @throws DenException when it is missing, altered or unreadable
     */
    public Manifest readManifest(ModelInfo model) {
        try {
            StoredDocument doc = backend.read(DocumentKey.manifest(model.digest())).orElseThrow(() -> new DenException(
                    "Manifest of " + model.ref() + " (sha256:" + model.digest() + ") is missing from den " + location()
                            + "; push the model again to repair it"));
            Manifest manifest = ManifestJson.parse(doc.content());
            if (!manifest.digest().equals(model.digest())) {
                throw new DenException("Manifest of " + model.ref() + " hashes to sha256:" + manifest.digest()
                        + " instead of sha256:" + model.digest() + "; it was altered: push the model again to repair it");
            }
            return manifest;
        } catch (IOException e) {
            throw new DenException("Cannot read the manifest of " + model.ref() + " from den " + location() + ": " + e, e);
        }
    }

    /** Stores a manifest under its digest; storing one that exists is not an error. */
    public void storeManifest(Manifest manifest) throws IOException {
        backend.create(DocumentKey.manifest(manifest.digest()), Json.bytes(manifest));
    }

    // ---------------------------------------------------------------- optimistic writes

    /** One try of an optimistic write. */
    public interface Attempt<T> {
        /** The result, or empty when another writer got there first and the write must be tried again. */
        Optional<T> run() throws IOException;
    }

    /** A change to one document. */
    public interface Edit<D> {
        /** The new document, given the current one (null when there is none); may throw to give up. */
        D apply(D current) throws IOException;
    }

    /**
     * Runs {@code attempt} until it succeeds: the one retry loop of the den's create-only and
     * compare-and-swap writes.
     *
     * @param exhausted the exception to throw after {@code attempts} lost races
     */
    public <T> T retry(int attempts, Attempt<T> attempt, Supplier<? extends RuntimeException> exhausted)
            throws IOException {
        for (int i = 0; i < attempts; i++) {
            Optional<T> result = attempt.run();
            if (result.isPresent()) {
                return result.get();
            }
        }
        throw exhausted.get();
    }

    /**
     * Reads, edits and compare-and-swaps the document {@code key} (of JSON type {@code type}), again from
     * the read when another writer changed it meanwhile, up to 100 times.
     *
     * @return the document written
     * @param exhausted the exception to throw when it kept changing under concurrent writers
     */
    public <D> D update(String key, Class<D> type, Edit<D> edit, Supplier<? extends RuntimeException> exhausted)
            throws IOException {
        return retry(100, () -> {
            Optional<StoredDocument> doc = backend.read(key);
            D current = doc.isPresent() ? Json.MAPPER.readValue(doc.get().content(), type) : null;
            D next = edit.apply(current);
            return backend.replace(key, Json.bytes(next), doc.map(StoredDocument::etag).orElse(null))
                    ? Optional.of(next) : Optional.empty();
        }, exhausted);
    }
}
