package org.den4j.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.den4j.den.ProgressListener;
import org.den4j.den.io.FileTree;
import org.den4j.hub.internal.RepoCache;

/**
 * Keeps the models of a {@link ModelsConfig} in the Hub cache: downloads what is missing, reports what is
 * cached, missing or stale, checks cached files, and removes them.
 *
 * <pre>{@code
 * try (ModelManager models = new ModelManager(ModelsConfig.read(Path.of("config/models.yaml")),
 *         HubSettings.fromEnvironment())) {
 *     Path base = models.ensure("base");        // the snapshot folder (or local_dir), downloaded if needed
 * }
 * }</pre>
 *
 * <p>The cache is the one Python's {@code huggingface_hub} uses ({@code cache_dir}, else {@code HF_HUB_CACHE}),
 * so models fetched by either are found by both. The manager holds a {@link HubClient}; the caller closes the
 * manager, which closes the client.
 *
 * <p>It does not: download datasets or spaces, upload, or delete single revisions: {@link #clean(String)}
 * removes a model's whole repository folder from the cache ({@code models--org--name}), so two models of one
 * repository are cleaned together, and it never deletes a {@code local_dir}.
 */
public final class ModelManager implements AutoCloseable {
    /** Where a {@code local_dir} records which snapshot it holds, like Python's {@code .cache/huggingface}. */
    static final String LOCAL_DIR_MARKER = ".cache/den4j/snapshot.txt";

    private final ModelsConfig config;
    private final HubSettings settings;
    private final HubClient client;

    /**
     * A manager for the models of {@code config}, over {@code settings} with the config's {@code cache_dir}
     * (when it has one) as the cache.
     */
    public ModelManager(ModelsConfig config, HubSettings settings) {
        this(config, settings, RequestListener.NONE);
    }

    /** As {@link #ModelManager(ModelsConfig, HubSettings)}, telling {@code requests} about every HTTP request. */
    public ModelManager(ModelsConfig config, HubSettings settings, RequestListener requests) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(settings, "settings");
        this.settings = config.cacheDir() == null ? settings : settings.withHubCache(config.cacheDir());
        this.client = new HubClient(this.settings, requests);
    }

    /** The configuration. */
    public ModelsConfig config() {
        return config;
    }

    /** The settings in use, with the configuration's {@code cache_dir} applied. */
    public HubSettings settings() {
        return settings;
    }

    /**
     * Ensures every configured model, in the file's order; see {@link #ensure(String, ProgressListener)}.
     *
     * @return each id with its folder
     */
    public Map<String, Path> ensureAll(ProgressListener progress) {
        Map<String, Path> paths = new LinkedHashMap<>();
        for (ModelSpec m : config.models()) {
            paths.put(m.id(), ensure(m.id(), progress));
        }
        return paths;
    }

    /** {@link #ensureAll(ProgressListener)} without progress. */
    public Map<String, Path> ensureAll() {
        return ensureAll(ProgressListener.NONE);
    }

    /** {@link #ensure(String, ProgressListener)} without progress. */
    public Path ensure(String id) {
        return ensure(id, ProgressListener.NONE);
    }

    /**
     * Downloads the model's selected files that the cache lacks, checked at the configured level, and returns
     * its folder: the {@code local_dir} when configured (refreshed atomically when the snapshot changed),
     * else the snapshot folder in the cache.
     *
     * <p>Online, this asks the Hub which commit the revision names (one request, plus a listing when the
     * commit is new); files already cached are not downloaded again. Offline, or when the Hub cannot be
     * reached, a complete cached snapshot is used.
     *
     * @throws ModelNotInConfigException when the configuration has no such id
     * @throws BadChecksumException when a downloaded file does not match; nothing bad is left in the cache
     * @throws DownloadFailedException when a transfer keeps failing
     * @throws LocalEntryNotFoundException when the Hub cannot be reached (or offline) and the cache lacks files
     * @throws HubException for other Hub errors (unknown repository or revision, gated repository, ...)
     */
    public Path ensure(String id, ProgressListener progress) {
        ModelSpec m = config.model(id);
        Path snapshot = client.snapshotDownload(m.repoId(), m.revision(), m.allowPatterns(), null, config.verify(),
                progress);
        if (m.localDir() == null) {
            return snapshot;
        }
        materialize(m, snapshot);
        return m.localDir();
    }

    /** Whether every selected file of the model is cached (and its {@code local_dir} exists); no requests. */
    public boolean isCached(String id) {
        ModelSpec m = config.model(id);
        return client.isSnapshotCached(m.repoId(), m.revision(), m.allowPatterns(), null)
                && (m.localDir() == null || Files.isDirectory(m.localDir()));
    }

    /**
     * The model's folder when {@link #isCached(String) cached}: its {@code local_dir}, else the snapshot
     * folder; empty otherwise. No requests.
     */
    public Optional<Path> pathOf(String id) {
        ModelSpec m = config.model(id);
        if (!isCached(id)) {
            return Optional.empty();
        }
        if (m.localDir() != null) {
            return Optional.of(m.localDir());
        }
        RepoCache repo = new RepoCache(settings.hubCache(), m.repoId());
        return repo.commitOf(m.revision()).map(repo::snapshot);
    }

    /**
     * Each model's state: cached, missing or stale. Stale means the cache holds the revision at another commit
     * than the one the Hub names now, or the model's {@code local_dir} holds another commit than the cache; the
     * first takes one request per cached model, and is not known offline or
     * when the Hub cannot be reached ({@link ModelStatus#checkedOnline()} is then false).
     *
     * @throws HubException when the Hub answers with an error (unknown repository or revision, ...)
     */
    public List<ModelStatus> status() {
        List<ModelStatus> out = new ArrayList<>();
        for (ModelSpec m : config.models()) {
            RepoCache repo = new RepoCache(settings.hubCache(), m.repoId());
            String cached = repo.commitOf(m.revision()).orElse(null);
            if (cached == null || !isCached(m.id())) {
                out.add(new ModelStatus(m, ModelStatus.State.MISSING, cached, null, null));
                continue;
            }
            Path path = m.localDir() != null ? m.localDir() : repo.snapshot(cached);
            String current = null;
            if (!settings.offline()) {
                try {
                    current = client.repoInfo(m.repoId(), m.revision()).commit();
                } catch (HubUnreachableException e) {
                    current = null; // freshness unknown, as offline
                }
            }
            // A local_dir still holding an older snapshot is stale too, even when the cache is current.
            boolean stale = current != null && !current.equals(cached) || !localDirHolds(m, cached);
            ModelStatus.State state = stale ? ModelStatus.State.STALE : ModelStatus.State.CACHED;
            out.add(new ModelStatus(m, state, cached, current, path));
        }
        return out;
    }

    /**
     * Checks every model's cached files at the configured level (size or hash; {@code none} checks presence
     * only), downloading nothing. The listing of the commit comes from the cache when a download stored it.
     */
    public List<ModelCheck> verifyOnly(ProgressListener progress) {
        List<ModelCheck> out = new ArrayList<>();
        for (ModelSpec m : config.models()) {
            CacheCheck check;
            try {
                check = client.verifyCached(m.repoId(), m.revision(), m.allowPatterns(), null, config.verify(),
                        progress);
            } catch (LocalEntryNotFoundException e) {
                check = null;
            }
            out.add(new ModelCheck(m, check));
        }
        return out;
    }

    /** {@link #verifyOnly(ProgressListener)} without progress. */
    public List<ModelCheck> verifyOnly() {
        return verifyOnly(ProgressListener.NONE);
    }

    /**
     * Checks any folder against the files of a configured model (its repository, revision and file patterns),
     * downloading nothing: missing, extra and damaged files; see {@link HubClient#verifyFolder}.
     *
     * <p>The reference commit is the one the folder says it holds when it can: a {@code local_dir} written by
     * {@link #ensure} records it, and a snapshot folder of a Hub cache is named by it. Otherwise the model's
     * revision, resolved on the Hub (or in the cache offline).
     *
     * <pre>{@code
     * FolderCheck check = models.verify("base", Path.of("/models/base-copy"), Verification.SHA256);
     * check.missing(); check.extra(); check.damaged();
     * }</pre>
     *
     * @throws ModelNotInConfigException when the configuration has no such id
     * @throws HubException when the folder is not a directory, or for the Hub's errors
     */
    public FolderCheck verify(String id, Path folder, Verification level, ProgressListener progress) {
        ModelSpec m = config.model(id);
        String revision = commitHeldBy(folder, m.repoId()).orElse(m.revision());
        return client.verifyFolder(m.repoId(), revision, folder, m.allowPatterns(), null, level, progress);
    }

    /** {@link #verify(String, Path, Verification, ProgressListener)} without progress. */
    public FolderCheck verify(String id, Path folder, Verification level) {
        return verify(id, folder, level, ProgressListener.NONE);
    }

    /**
     * Checks a folder against the configured model it holds: the one its {@code local_dir} record or its snapshot
     * path names, else the configuration's only model; see {@link #verify(String, Path, Verification,
     * ProgressListener)}.
     *
     * @throws HubConfigException when the folder does not tell its model and the configuration has several (name
     *     the model then), or names a repository no configured model uses
     */
    public FolderCheck verify(Path folder, Verification level) {
        return verify(modelOf(folder), folder, level, ProgressListener.NONE);
    }

    /** The id of the configured model a folder holds, by its {@code local_dir} record or snapshot path. */
    private String modelOf(Path folder) {
        Optional<String> repoId = localDirRecord(folder).map(r -> r.substring(0, r.indexOf('@')))
                .or(() -> snapshotOf(folder).map(s -> s[0]));
        if (repoId.isPresent()) {
            for (ModelSpec m : config.models()) {
                if (m.repoId().equals(repoId.get())) {
                    return m.id();
                }
            }
            throw new HubConfigException(config.file(), "models", repoId.get(), folder + " holds " + repoId.get()
                    + ", which no model of " + (config.file() == null ? "the models configuration" : config.file())
                    + " uses; add it under models: with repo_id: " + repoId.get() + ", or name a model with "
                    + "--model ID");
        }
        if (config.models().size() == 1) {
            return config.models().get(0).id();
        }
        throw new HubConfigException(config.file(), "models", null, "Cannot tell which model " + folder
                + " holds: it has no " + LOCAL_DIR_MARKER + " and is not a snapshot folder of a Hub cache, and the "
                + "configuration has " + config.models().size() + " models (" + String.join(", ", config.ids())
                + "). Name the model: hub --verify-folder " + folder + " --model ID");
    }

    /** The commit a folder says it holds of {@code repoId}: its {@code local_dir} record, or its snapshot path. */
    private static Optional<String> commitHeldBy(Path folder, String repoId) {
        Optional<String> recorded = localDirRecord(folder).filter(r -> r.startsWith(repoId + "@"))
                .map(r -> r.substring(repoId.length() + 1));
        return recorded.or(() -> snapshotOf(folder).filter(s -> s[0].equals(repoId)).map(s -> s[1]));
    }

    /** {@code org/name@commit} from a {@code local_dir}'s record, when it has a well-formed one. */
    private static Optional<String> localDirRecord(Path folder) {
        try {
            String text = Files.readString(folder.resolve(LOCAL_DIR_MARKER), StandardCharsets.UTF_8);
            String first = text.split("[ \n]", 2)[0];
            return first.matches("[^@\s]+@[0-9a-f]{40}") ? Optional.of(first) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code {repoId, commit}} of a folder {@code models--org--name/snapshots/<commit>}, if it is one. */
    private static Optional<String[]> snapshotOf(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Path repoDir = parent == null ? null : parent.getParent();
        if (repoDir == null || abs.getFileName() == null || !abs.getFileName().toString().matches("[0-9a-f]{40}")
                || !parent.getFileName().toString().equals("snapshots") || repoDir.getFileName() == null
                || !repoDir.getFileName().toString().startsWith("models--")) {
            return Optional.empty();
        }
        String repoId = repoDir.getFileName().toString().substring("models--".length()).replace("--", "/");
        return Optional.of(new String[] {repoId, abs.getFileName().toString()});
    }

    /**
     * Removes the cache folders ({@code models--org--name}) of every configured model's repository.
     *
     * @return the folders removed (those that existed)
     */
    public List<Path> clean() {
        Set<Path> dirs = new LinkedHashSet<>();
        for (ModelSpec m : config.models()) {
            dirs.add(client.repoCacheDir(m.repoId()));
        }
        return removeAll(dirs);
    }

    /**
     * Removes the cache folder ({@code models--org--name}) of the model's repository, with every revision and
     * blob in it, also those another configured model of the same repository uses. A {@code local_dir} is
     * left alone.
     *
     * @return the folder removed, or an empty list when it did not exist
     * @throws ModelNotInConfigException when the configuration has no such id
     */
    public List<Path> clean(String id) {
        return removeAll(Set.of(client.repoCacheDir(config.model(id).repoId())));
    }

    /** Closes the Hub client. */
    @Override
    public void close() {
        client.close();
    }

    private List<Path> removeAll(Set<Path> dirs) {
        List<Path> removed = new ArrayList<>();
        for (Path dir : dirs) {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    FileTree.delete(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot remove " + dir + ": " + e.getMessage(), e);
                }
                removed.add(dir);
            }
        }
        return removed;
    }

    /** Whether the model has no {@code local_dir}, or its marker names that commit. */
    private static boolean localDirHolds(ModelSpec m, String commit) {
        if (m.localDir() == null) {
            return true;
        }
        try {
            return Files.readString(m.localDir().resolve(LOCAL_DIR_MARKER), StandardCharsets.UTF_8)
                    .startsWith(m.repoId() + "@" + commit + " ");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Copies the snapshot into the model's {@code local_dir}, unless the marker says it already holds that
     * snapshot. The copy is built beside it and swapped in by renames, so readers never see half a folder.
     */
    private void materialize(ModelSpec m, Path snapshot) {
        Path target = m.localDir().toAbsolutePath().normalize();
        String marker = m.repoId() + "@" + snapshot.getFileName() + " " + String.join(",", m.files()) + "\n";
        try {
            Path markerFile = target.resolve(LOCAL_DIR_MARKER);
            if (Files.isRegularFile(markerFile)
                    && Files.readString(markerFile, StandardCharsets.UTF_8).equals(marker)) {
                return;
            }
            Path parent = target.getParent();
            Files.createDirectories(parent);
            Path tmp = parent.resolve("." + target.getFileName() + ".tmp-" + RepoCache.shortId());
            try {
                try (Stream<Path> walk = Files.walk(snapshot)) {
                    for (Path p : walk.sorted().toList()) {
                        Path dest = tmp.resolve(snapshot.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(dest);
                        } else {
                            // Follows the snapshot's symlink to the blob: local_dir holds plain files.
                            Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                        }
                    }
                }
                Path tmpMarker = tmp.resolve(LOCAL_DIR_MARKER);
                Files.createDirectories(tmpMarker.getParent());
                Files.writeString(tmpMarker, marker, StandardCharsets.UTF_8);
                Path old = null;
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    old = parent.resolve("." + target.getFileName() + ".old-" + RepoCache.shortId());
                    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                if (old != null) {
                    FileTree.delete(old);
                }
            } finally {
                if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                    FileTree.delete(tmp);
                }
            }
        } catch (IOException e) {
            throw new HubException(m.repoId(), "Cannot write local_dir " + target + " for model '" + m.id() + "' ("
                    + e + "); check that its folder is writable, or remove local_dir from the configuration", e);
        }
    }
}
