package org.den4j.den.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.den4j.den.Den;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.ProgressListener;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.format.Json;
import org.den4j.den.format.Sha256;

/**
 * Stores model directories as blobs plus a manifest and records them as versions: hashing and copying
 * files (in parallel for large models), reusing blobs the den holds, and linking the fetched directory
 * of a fresh push on a local den.
 */
public final class PushEngine {
    private final Store store;
    private final Registry registry;
    private final Entries entries;

    public PushEngine(Store store, Registry registry, Entries entries) {
        this.store = store;
        this.registry = registry;
        this.entries = entries;
    }

    /** Stores a model directory as a new version of its name; see {@code Den.push}. */
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
        ModelInfo parent = parentOf(request.parent());
        List<Path> files = listFiles(dir, request.linkRoot());
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
        try (DenBackend.Staging staging = store.backend().openStaging()) {
            progress.start("push " + request.name(), total);
            try {
                Set<Long> parentSizes = parent == null ? Set.of() : store.readManifest(parent).files().stream()
                        .map(FileEntry::size).collect(Collectors.toSet());
                entries = storeFiles(dir, files, staging.directory(), progress, newBytes, reusedBytes, parentSizes,
                        total);
            } finally {
                progress.finish();
            }
            Manifest manifest = new Manifest(entries);
            store.storeManifest(manifest);
            PushResult result = record(request.name(), request.description(), request.tags(), request.metadata(),
                    manifest, parent, newBytes.get(), reusedBytes.get());
            prepareFetch(result.model(), manifest);
            return result;
        } catch (IOException e) {
            throw new DenException("Push of " + request.name() + " from " + dir + " to den " + store.location()
                    + " failed: " + e + "; nothing was made visible, push again", e);
        }
    }

    /** Records a model whose blobs are already stored; see {@code Den.commit}. */
    public PushResult commit(String name, Manifest manifest, String description, List<String> tags, String parentRef,
            ModelMetadata metadata) {
        PushRequest request = new PushRequest(Path.of("."), name, description, tags, parentRef, metadata, null, null);
        ModelInfo parent = parentOf(parentRef);
        try {
            List<String> missing = new ArrayList<>();
            for (FileEntry f : manifest.files()) {
                OptionalLong size = store.backend().blobSize(f.sha256());
                if (size.isEmpty() || size.getAsLong() != f.size()) {
                    missing.add(f.path() + " (sha256:" + f.sha256() + (size.isEmpty() ? ", not stored"
                            : ", stored with " + size.getAsLong() + " bytes instead of " + f.size()) + ")");
                }
            }
            if (!missing.isEmpty()) {
                throw new DenInputException("Cannot commit " + name + " to den " + store.location() + ": "
                        + missing.size() + " of its files are not stored: " + String.join(", ", missing)
                        + "; upload those blobs first");
            }
            store.storeManifest(manifest);
            return record(request.name(), request.description(), request.tags(), request.metadata(), manifest, parent,
                    0, manifest.size());
        } catch (IOException e) {
            throw new DenException("Commit of " + name + " to den " + store.location() + " failed: " + e
                    + "; nothing was made visible, commit again", e);
        }
    }

    /**
     * Records the version, attaching the files to the registry entry without files that the name has, if any:
     * the new version takes the entry's description, tags and metadata where the push gives none, and the entry
     * retires (see {@link Entries}).
     */
    private PushResult record(String name, String description, List<String> tags, ModelMetadata metadata,
            Manifest manifest, ModelInfo parent, long newBytes, long reusedBytes) throws IOException {
        ModelInfo entry = entries.pendingEntry(name).orElse(null);
        if (entry != null) {
            description = description == null || description.isEmpty() ? entry.description() : description;
            tags = tags == null || tags.isEmpty() ? entry.tags() : tags;
            metadata = metadata == null || metadata.equals(ModelMetadata.EMPTY) ? entry.metadata() : metadata;
        }
        PushResult result = registry.commitVersion(name, description, tags, metadata, manifest, parent, newBytes,
                reusedBytes);
        if (entry != null && !result.alreadyPresent()) {
            entries.attach(result.model());
        }
        return result;
    }

    private ModelInfo parentOf(String ref) {
        if (ref == null) {
            return null;
        }
        ModelInfo parent = store.show(ref);
        if (!parent.hasFiles()) {
            throw new DenInputException("Parent " + parent.ref() + " is a registry entry without files; a parent must "
                    + "hold the files its derivatives came from: push them under " + parent.name() + " first");
        }
        return parent;
    }

    /**
     * Links the pushed model's directory right away on a local den, so even the first fetch copies
     * and hashes nothing: the push just hashed every byte, and blobs it reused match by name and size.
     */
    private void prepareFetch(ModelInfo model, Manifest manifest) {
        if (manifest.files().stream().anyMatch(f -> store.backend().localBlob(f.sha256()).isEmpty())) {
            return;
        }
        try {
            store.snapshots().materialize(model.ref(), model.digest(), manifest, ProgressListener.NONE, false);
        } catch (IOException | DenException e) {
            // The first fetch builds it instead, verifying every blob.
            System.getLogger("org.den4j.den").log(System.Logger.Level.DEBUG, "Deferred linking " + model.ref(), e);
        }
    }

    /**
     * The regular files of {@code dir}, sorted. A symbolic link that leaves the folder, or a special file, is
     * refused with a message naming it: pushing {@code /etc/passwd} or {@code /proc/self/status} because a link
     * pointed there, or silently leaving out a FIFO, would store something else than the folder shows. Links
     * that stay inside are followed only when asked.
     */
    static List<Path> listFiles(Path dir, Path linkRoot) {
        Path real;
        Path root;
        try {
            real = dir.toRealPath();
            root = linkRoot == null ? null : linkRoot.toRealPath();
        } catch (IOException e) {
            throw new DenInputException("Cannot read model directory " + dir + ": " + e, e);
        }
        FileVisitOption[] options = root != null ? new FileVisitOption[] {FileVisitOption.FOLLOW_LINKS}
                : new FileVisitOption[0];
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir, options)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String relative = dir.relativize(p).toString();
                if (!p.equals(dir) && (Files.isSymbolicLink(p) || (root != null && !p.toRealPath().startsWith(root)))) {
                    Path target;
                    try {
                        target = p.toRealPath();
                    } catch (IOException e) {
                        throw new DenInputException("Model directory " + dir + " holds a symbolic link '" + relative
                                + "' that points nowhere (" + Files.readSymbolicLink(p) + "); remove it, then push");
                    }
                    Path allowed = root != null ? root : real;
                    if (!target.startsWith(allowed)) {
                        throw new DenInputException("Model directory " + dir + " holds a symbolic link '" + relative
                                + "' that points outside " + (root != null && !root.equals(real) ? root : "it")
                                + " (to " + target + "); den push stores only what is inside the folder: copy the "
                                + "file in, or remove the link");
                    }
                    if (root == null) {
                        throw new DenInputException("Model directory " + dir + " holds a symbolic link '" + relative
                                + "' (to " + real.relativize(target) + " inside it); pass --follow-symlinks "
                                + "(PushRequest.followSymlinks) to push what it points to, or remove the link");
                    }
                }
                if (Files.isRegularFile(p)) {
                    FileEntry.checkPath(relative.replace('\\', '/')); // before hashing, not after
                    files.add(p);
                } else if (!Files.isDirectory(p)) {
                    throw new DenInputException("Model directory " + dir + " holds '" + relative + "', which is "
                            + "not a regular file (a FIFO, device or socket); den push stores regular files only: "
                            + "remove it, then push");
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DenInputException("Cannot list model directory " + dir + ": " + e, e);
        }
        files.sort(null);
        return files;
    }

    private List<FileEntry> storeFiles(Path dir, List<Path> files, Path staging, ProgressListener progress,
            AtomicLong newBytes, AtomicLong reusedBytes, Set<Long> parentSizes, long total) throws IOException {
        int threads = Math.max(1, Math.min(4, Math.min(files.size(), Runtime.getRuntime().availableProcessors())));
        if (threads == 1 || total < Den.PROGRESS_THRESHOLD) {
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
        if (store.backend().checksUploads()) {
            return storeChecked(relative, file, progress, newBytes, reusedBytes);
        }
        if (parentSizes.contains(size)) {
            // Probably a file the parent has: hash it first and copy nothing if the den holds it.
            String sha = Sha256.of(file, progress::advance);
            OptionalLong existing = store.backend().blobSize(sha);
            if (existing.isPresent() && existing.getAsLong() == size) {
                store.backend().touchBlob(sha);
                reusedBytes.addAndGet(size);
                return new FileEntry(relative, size, sha);
            }
        }
        // Copy and hash in one pass; the copy, not the source, becomes the blob, so a source that
        // changes during the push cannot produce a blob that does not match its name.
        Sha256.Copy copy = Sha256.copy(file, tmp, parentSizes.contains(size) ? n -> { } : progress::advance);
        OptionalLong existing = store.backend().blobSize(copy.sha256());
        if (existing.isPresent() && existing.getAsLong() == copy.size()) {
            Files.deleteIfExists(tmp);
            store.backend().touchBlob(copy.sha256());
            reusedBytes.addAndGet(copy.size());
        } else if (store.backend().putBlob(copy.sha256(), tmp)) {
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
        OptionalLong existing = store.backend().blobSize(sha);
        if (existing.isPresent() && existing.getAsLong() == bytes) {
            store.backend().touchBlob(sha);
            reusedBytes.addAndGet(bytes);
        } else if (store.backend().putBlobChecked(sha, file)) {
            newBytes.addAndGet(bytes);
        } else {
            reusedBytes.addAndGet(bytes);
        }
        return new FileEntry(relative, bytes, sha);
    }

    /** Imports a zip pack or a model directory; see {@code Den.importPack}. */
    public PushResult importPack(Path source, PushRequest request) {
        if (Files.isDirectory(source)) {
            return push(new PushRequest(source, request.name(), request.description(), request.tags(), request.parent(),
                    request.metadata(), request.progress(), request.linkRoot()));
        }
        if (!Files.isRegularFile(source)) {
            throw new DenInputException("Import source " + source + " does not exist; pass a zip made by den export or "
                    + "a model directory");
        }
        try (DenBackend.Staging staging = store.backend().openStaging()) {
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
                if (request.parent() == null && packed.parent() != null && store.has("sha256:" + packed.parent())) {
                    b.parent("sha256:" + packed.parent());
                }
            }
            return push(b.build());
        } catch (IOException e) {
            throw new DenException("Cannot import " + source + " into den " + store.location() + ": " + e, e);
        }
    }
}
