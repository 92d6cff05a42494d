package org.den4j.den;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.den4j.den.backend.BlobStat;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.LocalBackend;
import org.den4j.den.backend.StoredDocument;
import org.den4j.den.format.AliasDoc;
import org.den4j.den.format.DocumentKey;
import org.den4j.den.format.Json;
import org.den4j.den.format.ManifestJson;
import org.den4j.den.format.Sha256;
import org.den4j.den.format.VersionDoc;
import org.den4j.den.internal.CacheStore;
import org.den4j.den.internal.CachingBackend;
import org.den4j.den.internal.Catalog;
import org.den4j.den.internal.MemoryRegistryIndex;
import org.den4j.den.internal.Snapshots;
import org.den4j.den.internal.Suggestions;
import org.den4j.den.internal.ZipPacks;

/**
 * A den: a shared, content-addressed store of models with a registry of their metadata.
 *
 * <p>A model is a directory of files. Pushing stores each file once as a blob named by its SHA-256,
 * so models that share files (a base and its fine-tunes, two projects with the same base) share the
 * bytes. Fetching returns a local, read-only directory whose files link to the blobs.
 *
 * <pre>{@code
 * try (Den den = Den.open()) {
 *     PushResult pushed = den.push(PushRequest.builder(Path.of("qwen2-tiny"), "acme/qwen2-tiny").build());
 *     Path dir = den.fetch("acme/qwen2-tiny@1");
 *     List<ModelInfo> coders = den.search(RegistryQuery.builder().tag("icd10").build());
 * }
 * }</pre>
 *
 * <p>A den is thread-safe and several processes may use the same den at once. Whoever opens a den
 * closes it.
 */
public final class Den implements AutoCloseable {
    /** Pushes and fetches that move more bytes than this are worth a progress bar. */
    public static final long PROGRESS_THRESHOLD = 8L << 20;

    private final DenBackend backend;
    private final DenConfig config;
    private final Catalog catalog;
    private final Snapshots snapshots;
    private final Clock clock;
    private final RegistryIndex index;
    private final ExternalSources sources;

    /**
     * Opens a den on a backend; the den closes the backend when it is closed. {@code hf:} and other
     * external references are resolved with {@link ExternalSources#fromEnvironment()}.
     *
     * @param backend where the bytes live
     * @param config the configuration it was opened with
     * @param clock the clock for timestamps
     */
    public Den(DenBackend backend, DenConfig config, Clock clock) {
        this(backend, config, clock, ExternalSources.fromEnvironment());
    }

    /**
     * Opens a den on a backend, resolving external references such as {@code hf:org/name} with
     * {@code sources}; the den closes the backend when it is closed.
     */
    public Den(DenBackend backend, DenConfig config, Clock clock, ExternalSources sources) {
        this.backend = backend;
        this.sources = java.util.Objects.requireNonNull(sources, "sources");
        try {
            this.index = openIndex(config, backend);
        } catch (RuntimeException e) {
            try {
                backend.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        this.config = config;
        this.clock = clock;
        this.catalog = new Catalog(backend, indexDirectory(backend));
        this.snapshots = new Snapshots(backend);
    }

    private static Path indexDirectory(DenBackend backend) {
        return backend.snapshotRoot() == null ? null : backend.snapshotRoot().resolveSibling("index");
    }

    private static RegistryIndex openIndex(DenConfig config, DenBackend backend) {
        String name = config.registryIndex();
        if (name.equals(DenConfig.MEMORY_INDEX)) {
            return new MemoryRegistryIndex();
        }
        List<String> known = new ArrayList<>(List.of(DenConfig.MEMORY_INDEX));
        for (RegistryIndex.Provider provider : java.util.ServiceLoader.load(RegistryIndex.Provider.class)) {
            if (provider.name().equalsIgnoreCase(name)) {
                return provider.open(indexDirectory(backend));
            }
            known.add(provider.name());
        }
        throw new DenConfigException("DEN4J_REGISTRY_INDEX", "DEN4J_REGISTRY_INDEX=" + name
                + " names no registry index on the class path; use one of " + String.join(", ", known)
                + (known.contains("duckdb") ? "" : " (the duckdb index needs the den4j-den-duckdb module)"));
    }

    /** Opens the den the {@code DEN4J_*} environment describes, or the user-local default. */
    public static Den open() {
        return open(DenConfig.fromEnvironment());
    }

    /**
     * Opens the den a configuration describes.
     *
     * @throws DenConfigException when the type has no backend yet or the location is unusable
     */
    public static Den open(DenConfig config) {
        return open(config, ExternalSources.fromEnvironment());
    }

    /**
     * Opens the den a configuration describes, resolving external references such as
     * {@code hf:org/name@rev} with {@code sources}. With a backends file ({@code DEN4J_BACKENDS_JSON})
     * this opens its default backend.
     *
     * @throws DenConfigException when the type has no backend on the class path or the location is unusable
     */
    public static Den open(DenConfig config, ExternalSources sources) {
        return open(config, null, sources);
    }

    /**
     * Opens a backend by name from the backends file of {@code config} ({@code DEN4J_BACKENDS_JSON}), or
     * its default backend when {@code backend} is null.
     *
     * @throws DenConfigException when no backend has that name (the message lists the known ones)
     */
    public static Den open(DenConfig config, String backend, ExternalSources sources) {
        return open(Backends.of(config).spec(backend), config, sources);
    }

    /** Opens one configured backend; see {@link #open(BackendSpec, DenConfig, ExternalSources)}. */
    public static Den open(BackendSpec spec) {
        return open(spec, DenConfig.fromEnvironment(), ExternalSources.fromEnvironment());
    }

    /**
     * Opens one configured backend. Local types open a directory; other types are opened by the
     * {@link DenBackend.Provider} of that type found on the class path (for example {@code s3} in the
     * den4j-den-s3 module), behind the read-through local cache that {@link BackendSpec#cache()} describes.
     *
     * @param base supplies the registry index setting
     * @throws DenConfigException when no provider opens the type, or the spec is unusable
     */
    public static Den open(BackendSpec spec, DenConfig base, ExternalSources sources) {
        DenConfig config = spec.toConfig(base);
        if (spec.type().isLocal()) {
            return new Den(new LocalBackend(spec.localRoot(config), spec.type() == DenType.LOCAL_MACHINE), config,
                    Clock.systemUTC(), sources);
        }
        for (DenBackend.Provider provider : java.util.ServiceLoader.load(DenBackend.Provider.class)) {
            if (provider.type() == spec.type()) {
                DenBackend remote = provider.open(spec);
                return provider.cached() ? openCached(remote, spec, config, sources)
                        : new Den(remote, config, Clock.systemUTC(), sources);
            }
        }
        String fix = switch (spec.type()) {
            case S3 -> "add org.den4j:den4j-den-s3 to the class path";
            case HF -> "no hf den provider exists yet; fetch or import Hub models with hf:org/name@REV references";
            default -> "add the module that provides it to the class path";
        };
        throw new DenConfigException(BackendSpec.ENVIRONMENT.equals(spec.name()) ? "DEN4J_TYPE" : spec.name(),
                "Den type " + spec.type().configName() + (BackendSpec.ENVIRONMENT.equals(spec.name()) ? ""
                        : " (backend " + spec.name() + ")") + " has no backend provider on the class path; " + fix
                        + ", or use local_user or local_machine");
    }

    /**
     * Opens a den on a remote backend the caller made, behind the read-through local cache that
     * {@code spec} describes; the den closes the backend.
     */
    public static Den openCached(DenBackend remote, BackendSpec spec, DenConfig config, ExternalSources sources) {
        try {
            CacheStore store = new CacheStore(spec.cache(), Clock.systemUTC());
            return new Den(new CachingBackend(remote, store), config, Clock.systemUTC(), sources);
        } catch (IOException | RuntimeException e) {
            try {
                remote.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new DenConfigException("DEN4J_LOCAL_CACHE_PATH", "Cannot prepare the local cache "
                    + spec.cache().path() + " for den " + remote.location() + ": " + e);
        }
    }

    /**
     * The read-through local cache in front of this den, or empty for a local den (which needs none).
     */
    public Optional<DenCache> cache() {
        return backend instanceof CachingBackend c ? Optional.of(new DenCache(c.store())) : Optional.empty();
    }

    /**
     * Pins or unpins a model in the local cache: fetches it (pinning) and keeps it whatever the
     * eviction policy, size limit or expiration say.
     *
     * @return the model
     * @throws DenInputException when the den is local and has no cache
     */
    public ModelInfo pin(String ref, boolean pinned) {
        if (!(backend instanceof CachingBackend c)) {
            throw new DenInputException("Den " + location() + " is local and has no cache to pin " + ref
                    + " in; pinning applies to remote dens (s3, http)");
        }
        ModelInfo model = show(ref);
        if (pinned) {
            fetch(model.ref());
        }
        try {
            if (!c.store().pin(model.digest(), pinned) && pinned) {
                throw new DenException("Cannot pin " + model.ref() + ": it left the cache right after its fetch; "
                        + "fetch and pin it again");
            }
        } catch (IOException e) {
            throw new DenException("Cannot pin " + model.ref() + " in the cache " + c.store().root() + ": " + e, e);
        }
        return model;
    }

    /** Opens a user-local den at {@code root}, creating it when missing. */
    public static Den at(Path root) {
        return open(DenConfig.defaults().withPath(root));
    }

    /** The configuration this den was opened with. */
    public DenConfig config() {
        return config;
    }

    /** Where the den lives, for messages: a directory or a URL. */
    public String location() {
        return backend.location();
    }

    // ---------------------------------------------------------------- listing and resolving

    /** Every model version, by name then version. */
    public List<ModelInfo> list() {
        return view().live();
    }

    /** Versions that have no parent. */
    public List<ModelInfo> listBase() {
        return list().stream().filter(ModelInfo::isBase).toList();
    }

    /**
     * The versions derived from {@code ref}, directly or through other derivatives.
     *
     * @throws ModelNotFoundException when {@code ref} names no model
     */
    public List<ModelInfo> listDerivatives(String ref) {
        Catalog.View view = view();
        ModelInfo root = resolve(view, ModelRef.parse(ref));
        Map<String, List<ModelInfo>> children = childrenByParent(view);
        List<ModelInfo> result = new ArrayList<>();
        collect(root.digest(), children, result, new HashSet<>());
        result.sort(Comparator.comparing(ModelInfo::name).thenComparingInt(ModelInfo::version));
        return result;
    }

    private static void collect(String digest, Map<String, List<ModelInfo>> children, List<ModelInfo> out,
            Set<String> seen) {
        if (!seen.add(digest)) {
            return;
        }
        for (ModelInfo child : children.getOrDefault(digest, List.of())) {
            out.add(child);
            collect(child.digest(), children, out, seen);
        }
    }

    /** True when {@code ref} names a model in the den. */
    public boolean has(String ref) {
        try {
            resolve(ModelRef.parse(ref));
            return true;
        } catch (ModelNotFoundException e) {
            return false;
        }
    }

    /**
     * The model a reference names.
     *
     * @throws ModelNotFoundException naming what exists and the closest names
     * @throws DenInputException when the reference is malformed
     */
    public ModelInfo show(String ref) {
        return resolve(ModelRef.parse(ref));
    }

    /** The files of a model. */
    public Manifest manifest(String ref) {
        return readManifest(show(ref));
    }

    /** Resolves with the least reading: a name reference looks at that name's documents only. */
    private ModelInfo resolve(ModelRef ref) {
        return resolve(ref.isDigest() ? view() : viewOf(ref.name()), ref);
    }

    private ModelInfo resolve(Catalog.View view, ModelRef ref) {
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

    private Catalog.View view() {
        try {
            return catalog.refresh();
        } catch (IOException e) {
            throw new DenException("Cannot read the registry of den " + location() + ": " + e, e);
        }
    }

    private Catalog.View viewOf(String name) {
        try {
            return catalog.refresh(ModelRef.checkName(name));
        } catch (IOException e) {
            throw new DenException("Cannot read the registry of den " + location() + " for " + name + ": " + e, e);
        }
    }

    private Manifest readManifest(ModelInfo model) {
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

    // ---------------------------------------------------------------- fetch

    /** Fetches a model; see {@link #fetch(String, ProgressListener)}. */
    public Path fetch(String ref) {
        return fetch(ref, ProgressListener.NONE);
    }

    /**
     * Returns a local, read-only directory holding the model's files, ready to load.
     *
     * <p>The directory's files link to the blobs. It is made when a model is pushed to a local den (the
     * push has just hashed every byte) or, for a model that arrived otherwise, at its first fetch, which
     * checks every file's SHA-256. Every later fetch checks sizes and copies nothing; damage that keeps
     * a file's size is found by {@link #verify()}, which sets the damaged blob aside. Do not write into
     * the directory: its files are the den's blobs.
     *
     * <p>An external reference such as {@code hf:org/name@rev} goes to the {@link ExternalSource} of its
     * scheme and stores nothing in the den: for {@code hf:} the directory is the Hub cache's snapshot
     * folder ({@code $HF_HUB_CACHE/models--org--name/snapshots/<commit>}). Use
     * {@link #importExternal(String, String, ProgressListener)} to register the model in the den.
     *
     * @throws ModelNotFoundException when {@code ref} names no model
     * @throws CorruptBlobException when a stored file is damaged; it is never silently used
     * @throws DenInputException when no source on the class path has the reference's scheme
     */
    public Path fetch(String ref, ProgressListener progress) {
        String scheme = ExternalSources.schemeOf(ref);
        if (scheme != null) {
            try (ExternalSource source = sources.open(scheme)) {
                return source.fetch(ExternalSources.pathOf(ref), progress);
            }
        }
        ModelInfo model;
        Manifest manifest;
        try {
            model = show(ref);
            manifest = readManifest(model);
        } catch (DenException e) {
            if (backend instanceof CachingBackend c && (c.offline()
                    || org.den4j.den.backend.BackendUnreachableException.isUnreachable(e))) {
                throw new DenException("Cannot fetch " + ref + ": den " + location() + " is unreachable and " + ref
                        + " is not in the local cache " + c.store().root() + "; reconnect, or fetch it once while the "
                        + "den is reachable", e);
            }
            throw e;
        }
        try {
            if (backend instanceof CachingBackend c) {
                c.beginFetch(model.ref(), model.digest(), manifest);
                Path dir = snapshots.materialize(model.ref(), model.digest(), manifest, progress);
                try {
                    c.finishFetch(model.digest());
                } catch (IOException | RuntimeException e) {
                    // Bookkeeping only: the model is fetched.
                    System.getLogger("org.den4j.den").log(System.Logger.Level.WARNING, "Could not update the local "
                            + "cache " + c.store().root() + " after fetching " + model.ref() + ": " + e);
                }
                return dir;
            }
            return snapshots.materialize(model.ref(), model.digest(), manifest, progress);
        } catch (IOException e) {
            throw new DenException("Cannot fetch " + model.ref() + " from den " + location() + ": " + e, e);
        }
    }

    /**
     * The local directory of a model that is already fetched (or was pushed) here, checked by size as
     * {@link #fetch(String)} checks it; empty when a fetch would have to build, verify or download it.
     * Changes nothing in the den, so it is safe for probing and for warming up a new JVM. External
     * references such as {@code hf:org/name} are always empty.
     *
     * @throws ModelNotFoundException when {@code ref} names no model
     * @throws CorruptBlobException when a stored file's size does not match its manifest
     */
    public Optional<Path> localCopy(String ref) {
        if (ExternalSources.schemeOf(ref) != null) {
            return Optional.empty();
        }
        ModelInfo model = show(ref);
        try {
            return snapshots.existing(model.ref(), model.digest(), readManifest(model));
        } catch (IOException e) {
            throw new DenException("Cannot look at the local copy of " + model.ref() + " in den " + location() + ": "
                    + e, e);
        }
    }

    // ---------------------------------------------------------------- push

    /**
     * Stores a model directory as a new version of its name.
     *
     * <p>Files are stored once: bytes the den already holds are not stored again. Pushing content
     * that the name already has returns that version ({@link PushResult#alreadyPresent()}). The new
     * version becomes visible only after all its bytes are stored, so a push that dies leaves no
     * half-visible model.
     *
     * @throws DenInputException when the directory is missing or empty, or a name or tag is invalid
     * @throws ModelNotFoundException when the parent names no model
     */
    public PushResult push(PushRequest request) {
        Path dir = request.directory().toAbsolutePath().normalize();
        if (!Files.exists(dir)) {
            throw new DenInputException("Model directory " + dir + " does not exist; pass the directory that holds "
                    + "the model files");
        }
        if (!Files.isDirectory(dir)) {
            throw new DenInputException("Model path " + dir + " is a file, not a directory; pass the directory that "
                    + "holds it (or import a zip with den import)");
        }
        ModelInfo parent = request.parent() == null ? null : show(request.parent());
        List<Path> files = listFiles(dir);
        if (files.isEmpty()) {
            throw new DenInputException("Model directory " + dir + " holds no files; a model needs at least one file");
        }
        long total = 0;
        for (Path f : files) {
            try {
                total += Files.size(f);
            } catch (IOException e) {
                throw new DenInputException("Cannot read " + f + ": " + e, e);
            }
        }
        ProgressListener progress = request.progress();
        AtomicLong newBytes = new AtomicLong();
        AtomicLong reusedBytes = new AtomicLong();
        List<FileEntry> entries;
        try (DenBackend.Staging staging = backend.openStaging()) {
            progress.start("push " + request.name(), total);
            try {
                Set<Long> parentSizes = parent == null ? Set.of() : readManifest(parent).files().stream()
                        .map(FileEntry::size).collect(Collectors.toSet());
                entries = storeFiles(dir, files, staging.directory(), progress, newBytes, reusedBytes, parentSizes,
                        total);
            } finally {
                progress.finish();
            }
            Manifest manifest = new Manifest(entries);
            String digest = manifest.digest();
            backend.create(DocumentKey.manifest(digest), Json.bytes(manifest));
            PushResult result = commitVersion(request, manifest, digest, parent, newBytes.get(), reusedBytes.get());
            prepareFetch(result.model(), manifest);
            return result;
        } catch (IOException e) {
            throw new DenException("Push of " + request.name() + " from " + dir + " to den " + location() + " failed: "
                    + e + "; nothing was made visible, push again", e);
        }
    }

    /**
     * Registers a model whose files are already stored as blobs, as a new version of its name: a push
     * without a local directory, for files uploaded one by one (as clients of a den server do).
     *
     * @param name the model name
     * @param manifest the files; every blob must be stored with the listed size
     * @param description what it is, or null
     * @param tags free-form tags, or null
     * @param parentRef a reference to the model it derives from, or null
     * @param metadata registry metadata, or null
     * @throws DenInputException when a blob is missing or has another size, naming the files
     * @throws ModelNotFoundException when the parent names no model
     */
    public PushResult commit(String name, Manifest manifest, String description, List<String> tags, String parentRef,
            ModelMetadata metadata) {
        PushRequest request = new PushRequest(Path.of("."), name, description, tags, parentRef, metadata, null);
        ModelInfo parent = parentRef == null ? null : show(parentRef);
        try {
            List<String> missing = new ArrayList<>();
            for (FileEntry f : manifest.files()) {
                OptionalLong size = backend.blobSize(f.sha256());
                if (size.isEmpty() || size.getAsLong() != f.size()) {
                    missing.add(f.path() + " (sha256:" + f.sha256() + (size.isEmpty() ? ", not stored"
                            : ", stored with " + size.getAsLong() + " bytes instead of " + f.size()) + ")");
                }
            }
            if (!missing.isEmpty()) {
                throw new DenInputException("Cannot commit " + name + " to den " + location() + ": "
                        + missing.size() + " of its files are not stored: " + String.join(", ", missing)
                        + "; upload those blobs first");
            }
            String digest = manifest.digest();
            backend.create(DocumentKey.manifest(digest), Json.bytes(manifest));
            return commitVersion(request, manifest, digest, parent, 0, manifest.size());
        } catch (IOException e) {
            throw new DenException("Commit of " + name + " to den " + location() + " failed: " + e
                    + "; nothing was made visible, commit again", e);
        }
    }

    /**
     * Links the pushed model's directory right away on a local den, so even the first fetch copies
     * and hashes nothing: the push just hashed every byte, and blobs it reused match by name and size.
     */
    private void prepareFetch(ModelInfo model, Manifest manifest) {
        if (manifest.files().stream().anyMatch(f -> backend.localBlob(f.sha256()).isEmpty())) {
            return;
        }
        try {
            snapshots.materialize(model.ref(), model.digest(), manifest, ProgressListener.NONE, false);
        } catch (IOException | DenException e) {
            // The first fetch builds it instead, verifying every blob.
            System.getLogger("org.den4j.den").log(System.Logger.Level.DEBUG, "Deferred linking " + model.ref(), e);
        }
    }

    private static List<Path> listFiles(Path dir) {
        try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new DenInputException("Cannot list model directory " + dir + ": " + e, e);
        }
    }

    private List<FileEntry> storeFiles(Path dir, List<Path> files, Path staging, ProgressListener progress,
            AtomicLong newBytes, AtomicLong reusedBytes, Set<Long> parentSizes, long total) throws IOException {
        int threads = Math.max(1, Math.min(4, Math.min(files.size(), Runtime.getRuntime().availableProcessors())));
        if (threads == 1 || total < PROGRESS_THRESHOLD) {
            // Small models: threads would cost more than they save.
            List<FileEntry> entries = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                entries.add(storeFile(dir, files.get(i), staging.resolve("f" + i), progress, newBytes, reusedBytes,
                        parentSizes));
            }
            return entries;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "den-push");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<FileEntry>> futures = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                Path tmp = staging.resolve("f" + i);
                futures.add(pool.submit(() -> storeFile(dir, file, tmp, progress, newBytes, reusedBytes, parentSizes)));
            }
            List<FileEntry> entries = new ArrayList<>();
            for (Future<FileEntry> f : futures) {
                entries.add(f.get());
            }
            return entries;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new DenException("Push failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DenException("Push interrupted; nothing was made visible", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private FileEntry storeFile(Path dir, Path file, Path tmp, ProgressListener progress, AtomicLong newBytes,
            AtomicLong reusedBytes, Set<Long> parentSizes) throws IOException {
        String relative = dir.relativize(file).toString().replace('\\', '/');
        long size = Files.size(file);
        if (backend.checksUploads()) {
            return storeChecked(relative, file, progress, newBytes, reusedBytes);
        }
        if (parentSizes.contains(size)) {
            // Probably a file the parent has: hash it first and copy nothing if the den holds it.
            String sha = Sha256.of(file, progress::advance);
            OptionalLong existing = backend.blobSize(sha);
            if (existing.isPresent() && existing.getAsLong() == size) {
                backend.touchBlob(sha);
                reusedBytes.addAndGet(size);
                return new FileEntry(relative, size, sha);
            }
        }
        // Copy and hash in one pass; the copy, not the source, becomes the blob, so a source that
        // changes during the push cannot produce a blob that does not match its name.
        Sha256.Copy copy = Sha256.copy(file, tmp, parentSizes.contains(size) ? n -> { } : progress::advance);
        OptionalLong existing = backend.blobSize(copy.sha256());
        if (existing.isPresent() && existing.getAsLong() == copy.size()) {
            Files.deleteIfExists(tmp);
            backend.touchBlob(copy.sha256());
            reusedBytes.addAndGet(copy.size());
        } else if (backend.putBlob(copy.sha256(), tmp)) {
            newBytes.addAndGet(copy.size());
        } else {
            reusedBytes.addAndGet(copy.size());
        }
        return new FileEntry(relative, copy.size(), copy.sha256());
    }

    /**
     * Stores a file on a backend that checks every upload against its digest (a den server): hash the
     * file, then upload it as it is. No private copy is needed: a file that changes after it was hashed
     * is refused by the backend, so the push fails instead of storing a blob under a wrong name.
     */
    private FileEntry storeChecked(String relative, Path file, ProgressListener progress,
            AtomicLong newBytes, AtomicLong reusedBytes) throws IOException {
        AtomicLong hashed = new AtomicLong();
        String sha = Sha256.of(file, n -> {
            hashed.addAndGet(n);
            progress.advance(n);
        });
        long bytes = hashed.get(); // what was hashed, even if the file changed size since it was listed
        OptionalLong existing = backend.blobSize(sha);
        if (existing.isPresent() && existing.getAsLong() == bytes) {
            backend.touchBlob(sha);
            reusedBytes.addAndGet(bytes);
        } else if (backend.putBlobChecked(sha, file)) {
            newBytes.addAndGet(bytes);
        } else {
            reusedBytes.addAndGet(bytes);
        }
        return new FileEntry(relative, bytes, sha);
    }

    private PushResult commitVersion(PushRequest request, Manifest manifest, String digest, ModelInfo parent,
            long newBytes, long reusedBytes) throws IOException {
        String name = request.name();
        // Versions are claimed with create-only writes: of two pushes racing for number N one wins and
        // the other looks again, finds the winner (same content: converge) or takes N+1.
        for (int attempt = 0; attempt < 1000; attempt++) {
            Catalog.View view = catalog.refresh(name);
            Optional<ModelInfo> same = view.versionsOf(name).stream().filter(m -> m.digest().equals(digest)).findFirst();
            if (same.isPresent()) {
                return new PushResult(same.get(), true, newBytes, reusedBytes);
            }
            TreeMap<Integer, VersionDoc> all = view.byName().get(name);
            int version = all == null || all.isEmpty() ? 1 : all.lastKey() + 1;
            Instant now = clock.instant();
            ModelInfo info = new ModelInfo(name, version, digest, request.description(), request.tags(),
                    parent == null ? null : parent.digest(), parent == null ? null : parent.ref(), request.metadata(),
                    now, now, manifest.size(), manifest.files().size());
            if (backend.create(DocumentKey.version(name, version), Json.bytes(new VersionDoc(info, null)))) {
                return new PushResult(info, false, newBytes, reusedBytes);
            }
        }
        throw new DenException("Could not claim a version number for " + name + " after 1000 attempts; too many "
                + "concurrent pushes of this name");
    }

    // ---------------------------------------------------------------- between dens

    /**
     * Copies models that {@code target} lacks into it: every live model, or those {@code refs} name.
     * Only blobs the target does not hold travel (each verified by SHA-256 on the way); descriptions,
     * tags, registry metadata, aliases and lineage come along, parents before their derivatives.
     *
     * @param refs the models to copy, or empty for every model
     * @throws ModelNotFoundException when a reference names no model here
     * @throws CorruptBlobException when a blob read here does not match its digest (nothing of that model
     *     becomes visible in the target)
     */
    public TransferReport sync(Den target, List<String> refs, ProgressListener progress) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        Catalog.View view = view();
        List<ModelInfo> models = new ArrayList<>();
        if (refs == null || refs.isEmpty()) {
            models.addAll(view.live());
        } else {
            for (String ref : refs) {
                models.add(resolve(view, ModelRef.parse(ref)));
            }
        }
        // Parents first, so each derivative can name its parent in the target.
        Map<String, ModelInfo> byDigest = new HashMap<>();
        for (ModelInfo m : view.live()) {
            byDigest.putIfAbsent(m.digest(), m);
        }
        List<ModelInfo> ordered = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ModelInfo m : models) {
            addWithAncestors(m, byDigest, ordered, seen);
        }
        Transfer t = new Transfer();
        for (ModelInfo m : ordered) {
            copyModel(m, target, listener, t);
        }
        return new TransferReport(t.copied, t.alreadyThere, t.blobsCopied, t.bytesCopied, t.blobsSkipped,
                t.bytesSkipped);
    }

    /**
     * Copies a model to {@code target} (as {@link #sync}), then deletes it here.
     *
     * @param force delete here even when other models here derive from it
     * @throws ModelInUseException when derivatives exist here and {@code force} is false (nothing is copied)
     */
    public TransferReport move(String ref, Den target, boolean force, ProgressListener progress) {
        ModelInfo model = show(ref);
        if (!force) {
            List<String> derivatives = childrenByParent(view()).getOrDefault(model.digest(), List.of()).stream()
                    .map(ModelInfo::ref).toList();
            if (!derivatives.isEmpty()) {
                throw new ModelInUseException(model.ref(), derivatives);
            }
        }
        TransferReport report = sync(target, List.of(model.ref()), progress);
        delete(model.ref(), force);
        return report;
    }

    private static void addWithAncestors(ModelInfo m, Map<String, ModelInfo> byDigest, List<ModelInfo> out,
            Set<String> seen) {
        if (m.parent() != null && byDigest.containsKey(m.parent()) && !seen.contains(m.parent() + "|" + byDigest.get(
                m.parent()).ref())) {
            addWithAncestors(byDigest.get(m.parent()), byDigest, out, seen);
        }
        if (seen.add(m.digest() + "|" + m.ref())) {
            out.add(m);
        }
    }

    private static final class Transfer {
        final List<String> copied = new ArrayList<>();
        final List<String> alreadyThere = new ArrayList<>();
        int blobsCopied;
        long bytesCopied;
        int blobsSkipped;
        long bytesSkipped;
    }

    private void copyModel(ModelInfo model, Den target, ProgressListener progress, Transfer t) {
        Optional<ModelInfo> existing = target.viewOf(model.name()).versionsOf(model.name()).stream()
                .filter(m -> m.digest().equals(model.digest())).findFirst();
        if (existing.isPresent()) {
            t.alreadyThere.add(existing.get().ref());
            return;
        }
        Manifest manifest = readManifest(model);
        try (DenBackend.Staging staging = target.backend.openStaging()) {
            progress.start("copy " + model.ref() + " to " + target.location(), manifest.size());
            try {
                Set<String> done = new HashSet<>();
                for (FileEntry file : manifest.files()) {
                    if (!done.add(file.sha256())) {
                        continue;
                    }
                    OptionalLong there = target.backend.blobSize(file.sha256());
                    if (there.isPresent() && there.getAsLong() == file.size()) {
                        target.backend.touchBlob(file.sha256());
                        t.blobsSkipped++;
                        t.bytesSkipped += file.size();
                        progress.advance(file.size());
                        continue;
                    }
                    Path tmp = staging.directory().resolve(file.sha256());
                    Optional<Path> local = backend.localBlob(file.sha256());
                    if (local.isPresent()) {
                        Files.copy(local.get(), tmp);
                        progress.advance(file.size());
                    } else {
                        backend.download(file.sha256(), file.size(), tmp, progress::advance);
                    }
                    String actual = Sha256.of(tmp, n -> { });
                    if (!actual.equals(file.sha256()) || Files.size(tmp) != file.size()) {
                        throw new CorruptBlobException(model.ref(), file.path(), file.sha256(), null, "read "
                                + Files.size(tmp) + " bytes with sha256 " + actual + " from den " + location()
                                + "; nothing was copied to " + target.location());
                    }
                    target.backend.putBlob(file.sha256(), tmp);
                    t.blobsCopied++;
                    t.bytesCopied += file.size();
                }
            } finally {
                progress.finish();
            }
            target.backend.create(DocumentKey.manifest(model.digest()), Json.bytes(manifest));
            ModelInfo parent = null;
            if (model.parent() != null) {
                String parentName = model.parentRef() == null ? null : ModelRef.parse(model.parentRef()).name();
                parent = parentName == null || !target.has(parentName) ? null : target.viewOf(parentName)
                        .versionsOf(parentName).stream().filter(p -> p.digest().equals(model.parent())).findFirst()
                        .orElse(null);
            }
            PushRequest request = new PushRequest(staging.directory(), model.name(), model.description(), model.tags(),
                    parent == null ? null : parent.ref(), model.metadata(), ProgressListener.NONE);
            PushResult result = target.commitVersion(request, manifest, model.digest(), parent, 0, 0);
            t.copied.add(result.model().ref());
            // Aliases that point at this version here point at the copy there.
            for (Map.Entry<String, Integer> alias : aliases(model.name()).entrySet()) {
                if (alias.getValue() == model.version()) {
                    target.changeAlias(model.name(), alias.getKey(), result.model().version());
                }
            }
        } catch (IOException e) {
            throw new DenException("Copy of " + model.ref() + " from den " + location() + " to den " + target.location()
                    + " failed: " + e + "; nothing was made visible there, run it again (blobs already copied stay)", e);
        }
    }

    // ---------------------------------------------------------------- metadata, delete, aliases

    /**
     * Replaces the description, tags and registry metadata of a model version.
     *
     * @throws ModelNotFoundException when {@code ref} names no model
     */
    public ModelInfo update(String ref, String description, List<String> tags, ModelMetadata metadata) {
        for (int attempt = 0; attempt < 100; attempt++) {
            ModelInfo model = show(ref);
            String key = DocumentKey.version(model.name(), model.version());
            try {
                StoredDocument doc = backend.read(key).orElseThrow(() -> new ModelNotFoundException(ref,
                        "Model " + ref + " was deleted meanwhile", List.of()));
                VersionDoc current = Json.MAPPER.readValue(doc.content(), VersionDoc.class);
                ModelInfo updated = current.model().withMetadata(description == null ? model.description() : description,
                        tags == null ? model.tags() : tags, metadata == null ? model.metadata() : metadata,
                        clock.instant());
                if (backend.replace(key, Json.bytes(new VersionDoc(updated, current.deleted())), doc.etag())) {
                    return updated;
                }
            } catch (IOException e) {
                throw new DenException("Cannot update " + model.ref() + " in den " + location() + ": " + e, e);
            }
        }
        throw new DenException("Could not update " + ref + ": it kept changing under concurrent writers");
    }

    /**
     * Deletes a model version. Its number is never reused; its bytes go at the next {@link #gc()}.
     *
     * @param force delete even when other models derive from it
     * @throws ModelInUseException when derivatives exist and {@code force} is false
     * @throws ModelNotFoundException when {@code ref} names no model
     */
    public ModelInfo delete(String ref, boolean force) {
        Catalog.View view = view();
        ModelInfo model = resolve(view, ModelRef.parse(ref));
        boolean digestLivesOn = view.live().stream()
                .anyMatch(m -> m.digest().equals(model.digest()) && !m.ref().equals(model.ref()));
        List<String> derivatives = childrenByParent(view).getOrDefault(model.digest(), List.of()).stream()
                .map(ModelInfo::ref).toList();
        if (!force && !digestLivesOn && !derivatives.isEmpty()) {
            throw new ModelInUseException(model.ref(), derivatives);
        }
        String key = DocumentKey.version(model.name(), model.version());
        try {
            for (int attempt = 0; attempt < 100; attempt++) {
                StoredDocument doc = backend.read(key).orElseThrow(() -> new ModelNotFoundException(ref,
                        "Model " + ref + " was deleted meanwhile", List.of()));
                VersionDoc current = Json.MAPPER.readValue(doc.content(), VersionDoc.class);
                if (current.deleted() != null) {
                    throw new ModelNotFoundException(ref, "Model " + model.ref() + " was deleted meanwhile", List.of());
                }
                if (backend.replace(key, Json.bytes(new VersionDoc(current.model(), clock.instant())), doc.etag())) {
                    break;
                }
            }
            AliasDoc aliases = view.aliases().getOrDefault(model.name(), AliasDoc.EMPTY);
            for (Map.Entry<String, Integer> e : aliases.aliases().entrySet()) {
                if (e.getValue() == model.version()) {
                    changeAlias(model.name(), e.getKey(), 0);
                }
            }
        } catch (IOException e) {
            throw new DenException("Cannot delete " + model.ref() + " from den " + location() + ": " + e, e);
        }
        return model;
    }

    /**
     * Points an alias of a model name at one of its versions, creating or moving it.
     *
     * @throws ModelNotFoundException when the version does not exist
     * @throws DenInputException when the alias is not valid
     */
    public void alias(String name, String alias, int version) {
        ModelRef.checkAlias(alias);
        show(ModelRef.of(name, version).toString());
        changeAlias(name, alias, version);
    }

    /**
     * Removes an alias.
     *
     * @throws ModelNotFoundException when the name has no such alias
     */
    public void removeAlias(String name, String alias) {
        ModelRef.checkAlias(alias);
        if (!aliases(name).containsKey(alias)) {
            show(name);
            throw new ModelNotFoundException(name + "@" + alias, "Model " + name + " has no alias '" + alias
                    + "' to remove; its aliases are " + aliases(name).keySet(), List.copyOf(aliases(name).keySet()));
        }
        changeAlias(name, alias, 0);
    }

    /** The aliases of a name and the versions they point to. */
    public Map<String, Integer> aliases(String name) {
        return viewOf(name).aliases().getOrDefault(name, AliasDoc.EMPTY).aliases();
    }

    /** Every change of every alias of a name, oldest first. */
    public List<AliasChange> aliasHistory(String name) {
        return viewOf(name).aliases().getOrDefault(name, AliasDoc.EMPTY).history();
    }

    private void changeAlias(String name, String alias, int version) {
        String key = DocumentKey.aliases(name);
        try {
            for (int attempt = 0; attempt < 100; attempt++) {
                Optional<StoredDocument> doc = backend.read(key);
                AliasDoc current = doc.isPresent() ? Json.MAPPER.readValue(doc.get().content(), AliasDoc.class)
                        : AliasDoc.EMPTY;
                Map<String, Integer> next = new TreeMap<>(current.aliases());
                Integer previous = version == 0 ? next.remove(alias) : next.put(alias, version);
                List<AliasChange> history = new ArrayList<>(current.history());
                history.add(new AliasChange(alias, version, previous == null ? 0 : previous, clock.instant(),
                        System.getProperty("user.name", "unknown")));
                if (backend.replace(key, Json.bytes(new AliasDoc(next, history)), doc.map(StoredDocument::etag)
                        .orElse(null))) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new DenException("Cannot change alias " + name + "@" + alias + " in den " + location() + ": " + e, e);
        }
        throw new DenException("Could not change alias " + name + "@" + alias + ": it kept changing under concurrent "
                + "writers");
    }

    // ---------------------------------------------------------------- registry

    /** The versions matching a query, by name then version, answered by the den's registry index. */
    public List<ModelInfo> search(RegistryQuery query) {
        return index.search(list(), query);
    }

    /** Figures about the den: counts, sizes and how much sharing saves. */
    public RegistryStats stats() {
        List<ModelInfo> all = list();
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
            blobs = backend.listBlobs();
        } catch (IOException e) {
            throw new DenException("Cannot list the blobs of den " + location() + ": " + e, e);
        }
        long stored = blobs.stream().mapToLong(BlobStat::size).sum();
        int names = (int) all.stream().map(ModelInfo::name).distinct().count();
        int base = (int) all.stream().filter(ModelInfo::isBase).count();
        return new RegistryStats(names, all.size(), base, logical, stored, blobs.size(), byType, byTag);
    }

    /**
     * The lineage tree that holds {@code ref}, from its base model down to every derivative.
     *
     * @throws ModelNotFoundException when {@code ref} names no model
     */
    public LineageNode tree(String ref) {
        Catalog.View view = view();
        ModelInfo model = resolve(view, ModelRef.parse(ref));
        Map<String, ModelInfo> byDigest = new HashMap<>();
        for (ModelInfo m : view.live()) {
            byDigest.putIfAbsent(m.digest(), m);
        }
        ModelInfo top = model;
        Set<String> seen = new HashSet<>();
        while (top.parent() != null && byDigest.containsKey(top.parent()) && seen.add(top.digest())) {
            top = byDigest.get(top.parent());
        }
        return node(top, childrenByParent(view), new HashSet<>());
    }

    /** Every lineage tree: one per model version that has no parent in the den. */
    public List<LineageNode> forest() {
        Catalog.View view = view();
        Set<String> digests = view.live().stream().map(ModelInfo::digest).collect(Collectors.toSet());
        Map<String, List<ModelInfo>> children = childrenByParent(view);
        return view.live().stream().filter(m -> m.parent() == null || !digests.contains(m.parent()))
                .map(m -> node(m, children, new HashSet<>())).toList();
    }

    private static LineageNode node(ModelInfo model, Map<String, List<ModelInfo>> children, Set<String> path) {
        if (!path.add(model.ref())) {
            return new LineageNode(model, List.of());
        }
        List<LineageNode> kids = children.getOrDefault(model.digest(), List.of()).stream()
                .map(c -> node(c, children, path)).toList();
        path.remove(model.ref());
        return new LineageNode(model, kids);
    }

    private static Map<String, List<ModelInfo>> childrenByParent(Catalog.View view) {
        Map<String, List<ModelInfo>> children = new HashMap<>();
        for (ModelInfo m : view.live()) {
            if (m.parent() != null) {
                children.computeIfAbsent(m.parent(), p -> new ArrayList<>()).add(m);
            }
        }
        for (List<ModelInfo> list : children.values()) {
            list.sort(Comparator.comparing(ModelInfo::created).thenComparing(ModelInfo::ref));
        }
        return children;
    }

    /**
     * Writes every model's registry record to a file, as YAML when it ends in {@code .yaml} or
     * {@code .yml} and as JSON otherwise.
     */
    public void exportRegistry(Path file) {
        try {
            byte[] bytes = isYaml(file) ? Json.YAML.writeValueAsBytes(list())
                    : Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(list());
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".part");
            Files.write(tmp, bytes);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DenException("Cannot export the registry to " + file + ": " + e, e);
        }
    }

    /**
     * Applies registry records from a JSON or YAML export to the models of this den with the same
     * name and digest (description, tags and metadata); returns the models updated.
     *
     * <p>Records of models this den does not hold are skipped: a registry file carries metadata, not bytes.
     *
     * @throws DenInputException when the file cannot be parsed
     */
    public List<ModelInfo> importRegistry(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DenInputException("Registry file " + file + " does not exist; pass a file written by "
                    + "den export-registry");
        }
        List<ModelInfo> records;
        try {
            var type = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, ModelInfo.class);
            records = isYaml(file) ? Json.YAML.readValue(file.toFile(), type) : Json.MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new DenInputException("Registry file " + file + " is not a registry export (" + e.getMessage()
                    + "); write it with den export-registry", e);
        }
        List<ModelInfo> updated = new ArrayList<>();
        for (ModelInfo record : records) {
            Optional<ModelInfo> match = list().stream()
                    .filter(m -> m.name().equals(record.name()) && m.digest().equals(record.digest())).findFirst();
            match.ifPresent(m -> updated.add(update(m.ref(), record.description(), record.tags(), record.metadata())));
        }
        return updated;
    }

    private static boolean isYaml(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    // ---------------------------------------------------------------- external sources

    /** Imports an external model under its default name; see {@link #importExternal(String, String, ProgressListener)}. */
    public PushResult importExternal(String ref) {
        return importExternal(ref, null, ProgressListener.NONE);
    }

    /**
     * Fetches a model from the {@link ExternalSource} of its scheme, such as {@code hf:org/name@rev}, and
     * pushes it into the den with the registry metadata the source derives (for {@code hf:}: architecture,
     * model type, inputs and outputs, the {@code config.json}, license and tags from the model card, the
     * source URL at the resolved commit).
     *
     * @param ref an external reference, {@code scheme:...}
     * @param name the den name, or null for the source's default ({@code org/name} for {@code hf:})
     * @throws DenInputException when {@code ref} has no scheme, no source has it, or it names nothing
     */
    public PushResult importExternal(String ref, String name, ProgressListener progress) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        ImportedModel imported = fetchExternal(ref, listener);
        return push(PushRequest.builder(imported.directory(), name == null ? imported.name() : name)
                .description(imported.description()).tags(imported.tags()).metadata(imported.metadata())
                .progress(listener).build());
    }

    /**
     * Fetches a model from the {@link ExternalSource} of its scheme and describes it, without storing
     * anything in the den; push {@link ImportedModel#directory()} with its metadata to register it (as
     * {@link #importExternal(String, String, ProgressListener)} does).
     *
     * @throws DenInputException when {@code ref} has no scheme, no source has it, or it names nothing
     */
    public ImportedModel fetchExternal(String ref, ProgressListener progress) {
        String scheme = ExternalSources.schemeOf(ref);
        if (scheme == null) {
            throw new DenInputException("'" + ref + "' is not an external reference; write scheme:..., for example "
                    + "hf:org/name@main");
        }
        try (ExternalSource source = sources.open(scheme)) {
            return source.materialize(ExternalSources.pathOf(ref), progress == null ? ProgressListener.NONE : progress);
        }
    }

    // ---------------------------------------------------------------- zip packs

    /**
     * Writes a model as a zip pack: its files plus its registry record.
     *
     * @throws ModelNotFoundException when {@code ref} names no model
     */
    public void exportZip(String ref, Path zip) {
        ModelInfo model = show(ref);
        Path dir = fetch(ref);
        try {
            ZipPacks.export(dir, readManifest(model), Json.bytes(model), zip);
        } catch (IOException e) {
            throw new DenException("Cannot export " + model.ref() + " to " + zip + ": " + e, e);
        }
    }

    /**
     * Imports a zip pack or a model directory under a name. A pack's registry record supplies the
     * description, tags and metadata that the request leaves empty.
     *
     * @throws DenInputException when the zip is invalid or an entry escapes the target directory
     */
    public PushResult importPack(Path source, PushRequest request) {
        if (Files.isDirectory(source)) {
            return push(new PushRequest(source, request.name(), request.description(), request.tags(), request.parent(),
                    request.metadata(), request.progress()));
        }
        if (!Files.isRegularFile(source)) {
            throw new DenInputException("Import source " + source + " does not exist; pass a zip made by den export or "
                    + "a model directory");
        }
        try (DenBackend.Staging staging = backend.openStaging()) {
            Path dir = staging.directory().resolve("pack");
            Files.createDirectories(dir);
            byte[] info = ZipPacks.extract(source, dir);
            PushRequest.Builder b = PushRequest.builder(dir, request.name()).description(request.description())
                    .tags(request.tags()).parent(request.parent()).metadata(request.metadata())
                    .progress(request.progress());
            if (info != null) {
                ModelInfo packed = Json.MAPPER.readValue(info, ModelInfo.class);
                if (request.description().isEmpty()) {
                    b.description(packed.description());
                }
                if (request.tags().isEmpty()) {
                    b.tags(packed.tags());
                }
                if (request.metadata().equals(ModelMetadata.EMPTY)) {
                    b.metadata(packed.metadata());
                }
                if (request.parent() == null && packed.parent() != null && has("sha256:" + packed.parent())) {
                    b.parent("sha256:" + packed.parent());
                }
            }
            return push(b.build());
        } catch (IOException e) {
            throw new DenException("Cannot import " + source + " into den " + location() + ": " + e, e);
        }
    }

    // ---------------------------------------------------------------- integrity and cleanup

    /** Checks every model; see {@link #verify(String)}. */
    public VerifyReport verify() {
        return verify(list(), ProgressListener.NONE);
    }

    /**
     * Re-hashes every stored file of a model and reports damaged or missing ones.
     *
     * @throws ModelNotFoundException when {@code ref} names no model
     */
    public VerifyReport verify(String ref) {
        return verify(List.of(show(ref)), ProgressListener.NONE);
    }

    /**
     * Re-hashes the files of the given models, each distinct blob once. A damaged blob is set aside
     * (never served again) and the fetched directories of the models that use it are removed, so a
     * fetch fails until a push of the model stores the blob afresh.
     */
    public VerifyReport verify(List<ModelInfo> models, ProgressListener progress) {
        Map<String, String> verdicts = new HashMap<>();
        List<VerifyReport.Problem> problems = new ArrayList<>();
        int files = 0;
        long bytes = 0;
        long total = 0;
        Map<ModelInfo, Manifest> manifests = new LinkedHashMap<>();
        for (ModelInfo m : models) {
            try {
                Manifest manifest = readManifest(m);
                manifests.put(m, manifest);
                total += manifest.size();
            } catch (DenException e) {
                problems.add(new VerifyReport.Problem(m.ref(), "(manifest)", m.digest(), e.getMessage()));
            }
        }
        progress.start("verify", total);
        try {
            for (Map.Entry<ModelInfo, Manifest> e : manifests.entrySet()) {
                for (FileEntry file : e.getValue().files()) {
                    files++;
                    String verdict = verdicts.get(file.sha256());
                    if (verdict == null) {
                        verdict = checkBlob(file, progress);
                        verdicts.put(file.sha256(), verdict);
                        bytes += file.size();
                    }
                    if (!verdict.isEmpty()) {
                        problems.add(new VerifyReport.Problem(e.getKey().ref(), file.path(), file.sha256(), verdict));
                    }
                }
            }
        } finally {
            progress.finish();
        }
        quarantine(verdicts, problems);
        return new VerifyReport(models.size(), files, bytes, problems);
    }

    private void quarantine(Map<String, String> verdicts, List<VerifyReport.Problem> problems) {
        Set<String> damaged = verdicts.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty() && !e.getValue().equals("blob is missing"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        if (damaged.isEmpty()) {
            return;
        }
        try {
            for (String digest : damaged) {
                backend.quarantineBlob(digest);
            }
            Set<String> affectedModels = problems.stream().map(VerifyReport.Problem::model).collect(Collectors.toSet());
            for (ModelInfo m : list()) {
                if (affectedModels.contains(m.ref())) {
                    Path dir = snapshots.pathOf(m.digest());
                    if (Files.exists(dir)) {
                        deleteTree(dir);
                    }
                }
            }
        } catch (IOException e) {
            throw new DenException("Found damaged blobs in den " + location() + " but could not set them aside: " + e
                    + "; delete the damaged models, run den gc, and push them again", e);
        }
    }

    private String checkBlob(FileEntry file, ProgressListener progress) {
        try {
            OptionalLong size = backend.blobSize(file.sha256());
            if (size.isEmpty()) {
                return "blob is missing";
            }
            if (size.getAsLong() != file.size()) {
                return "size is " + size.getAsLong() + " bytes, expected " + file.size();
            }
            try (InputStream in = backend.openBlob(file.sha256())) {
                String actual = Sha256.of(in, progress::advance);
                return actual.equals(file.sha256()) ? "" : "content hashes to " + actual;
            }
        } catch (NoSuchFileException e) {
            return "blob is missing";
        } catch (IOException e) {
            return "cannot read blob: " + e;
        }
    }

    /** Collects garbage with a one-hour grace period; see {@link #gc(Duration)}. */
    public GcReport gc() {
        return gc(Duration.ofHours(1));
    }

    /**
     * Removes what no model needs: blobs no live model references (when untouched for longer than
     * {@code grace}, so a push in flight keeps the blobs it just stored), fetched directories of deleted
     * models, and the temporary files of pushes that died.
     */
    public GcReport gc(Duration grace) {
        try {
            DenBackend.CleanupResult staging = backend.cleanStaleStaging();
            // Look at every document, not the journal: gc must not miss a live model.
            Catalog.View view = catalog.resync();
            Set<String> liveDigests = view.live().stream().map(ModelInfo::digest).collect(Collectors.toSet());
            Set<String> referenced = new HashSet<>();
            for (String digest : liveDigests) {
                Optional<StoredDocument> doc = backend.read(DocumentKey.manifest(digest));
                if (doc.isPresent()) {
                    Manifest manifest = ManifestJson.parse(doc.get().content());
                    for (FileEntry f : manifest.files()) {
                        referenced.add(f.sha256());
                    }
                }
            }
            // Manifests of deleted models go; those of pushes in flight have no version record yet
            // and stay (they are small, and their push may still claim a version).
            for (Map.Entry<String, TreeMap<Integer, VersionDoc>> e : view.byName().entrySet()) {
                for (VersionDoc doc : e.getValue().values()) {
                    if (doc.deleted() != null && !liveDigests.contains(doc.model().digest())) {
                        backend.delete(DocumentKey.manifest(doc.model().digest()));
                    }
                }
            }
            Instant cutoff = clock.instant().minus(grace);
            int blobsRemoved = 0;
            long freed = staging.bytes();
            for (BlobStat blob : backend.listBlobs()) {
                if (!referenced.contains(blob.digest()) && !blob.lastModified().isAfter(cutoff)) {
                    backend.deleteBlob(blob.digest());
                    blobsRemoved++;
                    freed += blob.size();
                }
            }
            int snapshotsRemoved = 0;
            int tempRemoved = staging.entries();
            Path snapRoot = backend.snapshotRoot();
            if (Files.isDirectory(snapRoot)) {
                try (Stream<Path> s = Files.list(snapRoot)) {
                    for (Path p : s.toList()) {
                        String n = p.getFileName().toString();
                        if (n.startsWith(".tmp-")) {
                            if (!Files.getLastModifiedTime(p).toInstant().isAfter(cutoff)) {
                                deleteTree(p);
                                tempRemoved++;
                            }
                        } else if (!liveDigests.contains(n)) {
                            try {
                                deleteTree(p);
                                snapshotsRemoved++;
                            } catch (IOException | UncheckedIOException e) {
                                // Another user's directory in a machine den: its owner's gc removes it.
                                System.getLogger("org.den4j.den").log(System.Logger.Level.WARNING,
                                        "gc could not remove fetched directory " + p + ": " + e);
                            }
                        }
                    }
                }
            }
            return new GcReport(blobsRemoved, freed, tempRemoved, snapshotsRemoved);
        } catch (IOException e) {
            throw new DenException("Garbage collection of den " + location() + " failed: " + e
                    + "; nothing that a model needs was removed, run gc again", e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        LocalBackend.deleteTree(p);
    }

    @Override
    public void close() {
        catalog.saveSnapshot();
        try (RegistryIndex i = index) {
            backend.close();
        } catch (IOException e) {
            throw new DenException("Cannot close den " + location() + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "Den[" + config.type().configName() + " " + location() + "]";
    }
}
