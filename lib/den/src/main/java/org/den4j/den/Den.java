package org.den4j.den;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.den4j.den.backend.BackendUnreachableException;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.format.Json;
import org.den4j.den.internal.CachingBackend;
import org.den4j.den.internal.Entries;
import org.den4j.den.internal.Lineage;
import org.den4j.den.internal.Maintenance;
import org.den4j.den.internal.Providers;
import org.den4j.den.internal.PushEngine;
import org.den4j.den.internal.Registry;
import org.den4j.den.internal.Store;
import org.den4j.den.internal.Transfer;
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
 *
 * <p>Open one with {@link #open()} (the {@code DEN4J_*} environment), {@link #open(DenConfig)} (a
 * configuration) or {@link #at(Path)} (a directory). The other {@code open} overloads, {@link #openCached}
 * and the constructors are thin forms of {@link #open(BackendSpec, DenConfig, ExternalSources)} for
 * backends files, other external sources, and backends made by the caller (tests, the den server).
 *
 * <p>{@code Den} is a facade: the push engine, transfer (sync, move), maintenance (verify, gc),
 * lineage and registry writes are separate classes over one store kernel.
 */
public final class Den implements AutoCloseable {
    /** Pushes and fetches that move more bytes than this are worth a progress bar. */
    public static final long PROGRESS_THRESHOLD = 8L << 20;

    private final Store store;
    private final DenConfig config;
    private final RegistryIndex index;
    private final ExternalSources sources;
    private final Lineage lineage;
    private final Registry registry;
    private final Entries entries;
    private final PushEngine pushes;
    private final Transfer transfer;
    private final Maintenance maintenance;

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
        this.sources = java.util.Objects.requireNonNull(sources, "sources");
        try {
            this.index = Providers.openIndex(config, backend);
        } catch (RuntimeException e) {
            try {
                backend.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        this.config = config;
        this.store = new Store(backend, clock);
        this.lineage = new Lineage(store);
        this.registry = new Registry(store, lineage);
        this.entries = new Entries(store, registry);
        this.pushes = new PushEngine(store, registry, entries);
        this.transfer = new Transfer(store, registry, lineage);
        this.maintenance = new Maintenance(store);
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
        return new Den(Providers.openBackend(spec, config), config, Clock.systemUTC(), sources);
    }

    /**
     * Opens a den on a remote backend the caller made, behind the read-through local cache that
     * {@code spec} describes; the den closes the backend.
     */
    public static Den openCached(DenBackend remote, BackendSpec spec, DenConfig config, ExternalSources sources) {
        return new Den(Providers.cached(remote, spec), config, Clock.systemUTC(), sources);
    }

    /**
     * The read-through local cache in front of this den, or empty for a local den (which needs none).
     */
    public Optional<DenCache> cache() {
        return store.cache().map(c -> new DenCache(c.store()));
    }

    /**
     * Pins or unpins a model in the local cache: fetches it (pinning) and keeps it whatever the
     * eviction policy, size limit or expiration say.
     *
     * @return the model
     * @throws DenInputException when the den is local and has no cache
     */
    public ModelInfo pin(String ref, boolean pinned) {
        CachingBackend c = store.cache().orElseThrow(() -> new DenInputException("Den " + location()
                + " is local and has no cache to pin " + ref + " in; pinning applies to remote dens (s3, http)"));
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
        return store.location();
    }

    // ---------------------------------------------------------------- listing and resolving

    /** Every model version, by name then version. */
    public List<ModelInfo> list() {
        return store.view().live();
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
        return lineage.derivatives(ref);
    }

    /** True when {@code ref} names a model in the den. */
    public boolean has(String ref) {
        return store.has(ref);
    }

    /**
     * The model a reference names.
     *
     * @throws ModelNotFoundException naming what exists and the closest names
     * @throws DenInputException when the reference is malformed
     */
    public ModelInfo show(String ref) {
        return store.show(ref);
    }

    /** The files of a model. */
    public Manifest manifest(String ref) {
        return store.readManifest(show(ref));
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
     * @throws NoFilesException when {@code ref} names a registry entry without files (the message says where
     *     the bytes can be obtained)
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
        CachingBackend cache = store.cache().orElse(null);
        ModelInfo model;
        Manifest manifest;
        try {
            model = show(ref);
            if (!model.hasFiles()) {
                throw Entries.noFiles(model);
            }
            manifest = store.readManifest(model);
        } catch (DenException e) {
            if (cache != null && (cache.offline() || BackendUnreachableException.isUnreachable(e))) {
                throw new DenException("Cannot fetch " + ref + ": den " + location() + " is unreachable and " + ref
                        + " is not in the local cache " + cache.store().root() + "; reconnect, or fetch it once while "
                        + "the den is reachable", e);
            }
            throw e;
        }
        try {
            if (cache != null) {
                cache.beginFetch(model.ref(), model.digest(), manifest);
            }
            Path dir = store.snapshots().materialize(model.ref(), model.digest(), manifest, progress);
            if (cache != null) {
                cache.finishFetchQuietly(model.ref(), model.digest());
            }
            return dir;
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
        if (!model.hasFiles()) {
            return Optional.empty();
        }
        try {
            return store.snapshots().existing(model.ref(), model.digest(), store.readManifest(model));
        } catch (IOException e) {
            throw new DenException("Cannot look at the local copy of " + model.ref() + " in den " + location() + ": "
                    + e, e);
        }
    }

    /**
     * Checks, before any training work starts, that the model {@code ref} names may be fine-tuned on this
     * machine. Models of a local den and external references ({@code hf:}) always may. A den server decides for
     * its models ({@code DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE} where it runs, which it advertises); for another
     * remote den (s3) the client's setting decides: {@code allow_local_fine_tune} of its backend in the backends
     * file, else {@code DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE}, false by default. {@code train} and
     * {@code train-coder} call this. It cannot see where a folder came from: a model copied out of a remote den
     * and trained as a folder is not checked.
     *
     * @return the model, or null for an external reference
     * @throws FineTuneRefusedException when the den's policy forbids it, naming the den and the setting
     * @throws ModelNotFoundException when {@code ref} names no model
     */
    public ModelInfo checkLocalFineTune(String ref) {
        if (ExternalSources.schemeOf(ref) != null) {
            return null;
        }
        ModelInfo model = show(ref);
        DenBackend backend = store.cache().<DenBackend>map(CachingBackend::remote).orElse(store.backend());
        if (backend instanceof org.den4j.den.backend.HttpBackend http) {
            if (!http.policy().allowLocalFineTune()) {
                throw new FineTuneRefusedException(ref, location(), "DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE",
                        "Cannot fine-tune " + model.ref() + " here: den server " + location() + " does not allow its "
                        + "models to be fine-tuned locally (it runs with DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE=false). "
                        + "Ask its operator to restart it with --allow-local-fine-tune, or train a model of a local den");
            }
        } else if (!config.type().isLocal() && !config.allowLocalFineTune()) {
            String where = config.backendsJson() != null ? "allow_local_fine_tune of its backend in "
                    + config.backendsJson() + " (or DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE)" : "DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE";
            throw new FineTuneRefusedException(ref, location(), config.backendsJson() != null ? "allow_local_fine_tune"
                    : "DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE", "Cannot fine-tune "
                    + model.ref() + " here: " + config.type().configName() + " den " + location() + " does not allow "
                    + "its models to be fine-tuned locally (" + where + " is false, the default); set it to true if "
                    + "the den's owners allow it, or train a model of a local den");
        }
        return model;
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
     * <p>When the name's latest version is a registry entry without files ({@link #register}), the push
     * attaches the files to it: the new version takes the entry's description, tags and metadata where the
     * request gives none, the entry's aliases move to it, and the entry retires (a version's digest never
     * changes, so files make a new version).
     *
     * @throws DenInputException when the directory is missing or empty, or a name or tag is invalid
     * @throws ModelNotFoundException when the parent names no model
     */
    public PushResult push(PushRequest request) {
        return pushes.push(request);
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
        return pushes.commit(name, manifest, description, tags, parentRef, metadata);
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
        return transfer.sync(target.transfer, refs, progress);
    }

    /**
     * Copies a model to {@code target} (as {@link #sync}), then deletes it here.
     *
     * @param force delete here even when other models here derive from it
     * @throws ModelInUseException when derivatives exist here and {@code force} is false (nothing is copied)
     */
    public TransferReport move(String ref, Den target, boolean force, ProgressListener progress) {
        return transfer.move(ref, target.transfer, force, progress);
    }

    // ---------------------------------------------------------------- metadata, delete, aliases

    /**
     * Replaces the description, tags and registry metadata of a model version.
     *
     * @throws ModelNotFoundException when {@code ref} names no model
     */
    public ModelInfo update(String ref, String description, List<String> tags, ModelMetadata metadata) {
        return registry.update(ref, description, tags, metadata);
    }

    /**
     * Deletes a model version. Its number is never reused; its bytes go at the next {@link #gc()}.
     *
     * @param force delete even when other models derive from it
     * @throws ModelInUseException when derivatives exist and {@code force} is false
     * @throws ModelNotFoundException when {@code ref} names no model
     */
    public ModelInfo delete(String ref, boolean force) {
        return registry.delete(ref, force);
    }

    /**
     * Points an alias of a model name at one of its versions, creating or moving it.
     *
     * @throws ModelNotFoundException when the version does not exist
     * @throws DenInputException when the alias is not valid
     */
    public void alias(String name, String alias, int version) {
        registry.alias(name, alias, version);
    }

    /**
     * Removes an alias.
     *
     * @throws ModelNotFoundException when the name has no such alias
     */
    public void removeAlias(String name, String alias) {
        registry.removeAlias(name, alias);
    }

    /** The aliases of a name and the versions they point to. */
    public Map<String, Integer> aliases(String name) {
        return registry.aliases(name);
    }

    /** Every change of every alias of a name, oldest first. */
    public List<AliasChange> aliasHistory(String name) {
        return registry.aliasHistory(name);
    }

    // ---------------------------------------------------------------- registry

    /**
     * The versions matching a query, by name then version (or by the query's metric order), answered by
     * the den's registry index; metric conditions and the order apply to what the index found.
     */
    public List<ModelInfo> search(RegistryQuery query) {
        return org.den4j.den.internal.MetricSearch.search(index, list(), query);
    }

    /** Figures about the den: counts, sizes and how much sharing saves. */
    public RegistryStats stats() {
        return registry.stats();
    }

    /**
     * The lineage tree that holds {@code ref}, from its base model down to every derivative.
     *
     * @throws ModelNotFoundException when {@code ref} names no model
     */
    public LineageNode tree(String ref) {
        return lineage.tree(ref);
    }

    /** Every lineage tree: one per model version that has no parent in the den. */
    public List<LineageNode> forest() {
        return lineage.forest();
    }

    /**
     * Writes every model's registry record to a file, as YAML when it ends in {@code .yaml} or
     * {@code .yml} and as JSON otherwise.
     */
    public void exportRegistry(Path file) {
        exportRegistry(file, false);
    }

    /**
     * Writes every model's registry record to a file, in den4j's form or, when {@code python} is true, the
     * Python model manager's snake_case form ({@link org.den4j.den.format.MetadataCodec#toPython(List)});
     * {@link #importRegistry} reads both.
     */
    public void exportRegistry(Path file, boolean python) {
        registry.exportRegistry(file, python);
    }

    /**
     * Brings in a registry file (JSON or YAML; den4j's export or the Python model manager's, see
     * {@link org.den4j.den.format.MetadataCodec}): a record of a model this den has replaces that model's
     * description, tags and metadata (the version with the record's digest, else the latest); a record of a
     * model it lacks becomes a registry entry without files. A record with a digest whose name has other
     * files here is refused, with the reason.
     *
     * @throws DenInputException when the file cannot be read or a record has a key of neither form (nothing
     *     is applied then)
     */
    public RegistryImport importRegistry(Path file) {
        return entries.importRegistry(file);
    }

    // ---------------------------------------------------------------- entries without files

    /**
     * Registers a model the den has no files of: an entry that lists, searches and shows like any model but
     * cannot be fetched ({@link NoFilesException} says where the bytes are). Registering a name whose latest
     * version is such an entry updates it. Push the files under the name later to attach them.
     *
     * <pre>{@code
     * ModelInfo entry = den.register("acme/coder", MetadataCodec.read(Path.of("coder.yaml")));
     * }</pre>
     *
     * @throws DenInputException when the name is invalid, the document names another model, or the name holds
     *     files already
     */
    public ModelInfo register(String name, MetadataDocument doc) {
        return entries.register(name, doc);
    }

    /**
     * Registers an external model without fetching its weights: for {@code hf:org/name@rev}, only
     * {@code config.json} and {@code README.md} are read ({@link ExternalSource#describe}). The entry's
     * {@code extra.source} is the reference at its resolved commit, which a fetch of the entry names.
     *
     * @param name the den name, or null for the source's default ({@code org/name} for {@code hf:})
     * @throws DenInputException when {@code ref} has no scheme, no source has it, or it names nothing
     */
    public ModelInfo registerExternal(String ref, String name, ProgressListener progress) {
        String scheme = ExternalSources.schemeOf(ref);
        if (scheme == null) {
            throw new DenInputException("'" + ref + "' is not an external reference; write scheme:..., for example "
                    + "hf:org/name@main");
        }
        ImportedModel described;
        try (ExternalSource source = sources.open(scheme)) {
            described = source.describe(ExternalSources.pathOf(ref), progress == null ? ProgressListener.NONE
                    : progress);
        }
        return register(name == null ? described.name() : name, new MetadataDocument(null, null,
                described.description(), described.tags(), null, null, described.metadata()));
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
                .progress(listener).followSymlinksWithin(imported.linkRoot()).build());
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
            ZipPacks.export(dir, store.readManifest(model), Json.bytes(model), zip);
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
        return pushes.importPack(source, request);
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
        return maintenance.verify(models, progress);
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
        return maintenance.gc(grace);
    }

    @Override
    public void close() {
        store.catalog().saveSnapshot();
        try (RegistryIndex i = index) {
            store.backend().close();
        } catch (IOException e) {
            throw new DenException("Cannot close den " + location() + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "Den[" + config.type().configName() + " " + location() + "]";
    }
}
