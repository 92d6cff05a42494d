package org.den4j.den.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.den4j.den.CorruptBlobException;
import org.den4j.den.DenException;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.den4j.den.ModelInUseException;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelNotFoundException;
import org.den4j.den.ModelRef;
import org.den4j.den.ProgressListener;
import org.den4j.den.PushResult;
import org.den4j.den.TransferReport;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.format.Sha256;

/**
 * Copies models between dens (sync) and moves them (copy, then delete): only blobs the target lacks
 * travel, each verified by SHA-256, and registry data, aliases and lineage come along.
 */
public final class Transfer {
    private final Store store;
    private final Registry registry;
    private final Lineage lineage;

    public Transfer(Store store, Registry registry, Lineage lineage) {
        this.store = store;
        this.registry = registry;
        this.lineage = lineage;
    }

    /** Copies the models {@code refs} name (every live model when empty) into {@code target}; see {@code Den.sync}. */
    public TransferReport sync(Transfer target, List<String> refs, ProgressListener progress) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        Catalog.View view = store.view();
        List<ModelInfo> models = new ArrayList<>();
        if (refs == null || refs.isEmpty()) {
            models.addAll(view.live());
        } else {
            for (String ref : refs) {
                models.add(store.resolve(view, ModelRef.parse(ref)));
            }
        }
        // Parents first, so each derivative can name its parent in the target.
        Counts t = new Counts();
        for (ModelInfo m : lineage.withAncestorsFirst(view, models)) {
            copyModel(m, target, listener, t);
        }
        return new TransferReport(t.copied, t.alreadyThere, t.blobsCopied, t.bytesCopied, t.blobsSkipped,
                t.bytesSkipped);
    }

    /** Copies a model to {@code target}, then deletes it here; see {@code Den.move}. */
    public TransferReport move(String ref, Transfer target, boolean force, ProgressListener progress) {
        ModelInfo model = store.show(ref);
        if (!force) {
            List<String> derivatives = lineage.childrenOf(store.view(), model.digest());
            if (!derivatives.isEmpty()) {
                throw new ModelInUseException(model.ref(), derivatives);
            }
        }
        TransferReport report = sync(target, List.of(model.ref()), progress);
        registry.delete(model.ref(), force);
        return report;
    }

    private static final class Counts {
        final List<String> copied = new ArrayList<>();
        final List<String> alreadyThere = new ArrayList<>();
        int blobsCopied;
        long bytesCopied;
        int blobsSkipped;
        long bytesSkipped;
    }

    private void copyModel(ModelInfo model, Transfer target, ProgressListener progress, Counts t) {
        Store there = target.store;
        List<ModelInfo> versionsThere = there.viewOf(model.name()).versionsOf(model.name());
        // An entry without files never goes on top of versions there: it would hide their files from a fetch.
        Optional<ModelInfo> existing = model.hasFiles() || versionsThere.isEmpty()
                ? versionsThere.stream().filter(m -> m.digest().equals(model.digest())).findFirst()
                : Optional.of(versionsThere.get(versionsThere.size() - 1));
        if (existing.isPresent()) {
            t.alreadyThere.add(existing.get().ref());
            return;
        }
        Manifest manifest = store.readManifest(model);
        DenBackend from = store.backend();
        DenBackend to = there.backend();
        try (DenBackend.Staging staging = to.openStaging()) {
            progress.start("copy " + model.ref() + " to " + there.location(), manifest.size());
            try {
                Set<String> done = new HashSet<>();
                for (FileEntry file : manifest.files()) {
                    if (!done.add(file.sha256())) {
                        continue;
                    }
                    OptionalLong stored = to.blobSize(file.sha256());
                    if (stored.isPresent() && stored.getAsLong() == file.size()) {
                        to.touchBlob(file.sha256());
                        t.blobsSkipped++;
                        t.bytesSkipped += file.size();
                        progress.advance(file.size());
                        continue;
                    }
                    Path tmp = staging.directory().resolve(file.sha256());
                    Optional<Path> local = from.localBlob(file.sha256());
                    if (local.isPresent()) {
                        Files.copy(local.get(), tmp);
                        progress.advance(file.size());
                    } else {
                        from.download(file.sha256(), file.size(), tmp, progress::advance);
                    }
                    String actual = Sha256.of(tmp, n -> { });
                    if (!actual.equals(file.sha256()) || Files.size(tmp) != file.size()) {
                        throw new CorruptBlobException(model.ref(), file.path(), file.sha256(), null, "read "
                                + Files.size(tmp) + " bytes with sha256 " + actual + " from den " + store.location()
                                + "; nothing was copied to " + there.location());
                    }
                    to.putBlob(file.sha256(), tmp);
                    t.blobsCopied++;
                    t.bytesCopied += file.size();
                }
            } finally {
                progress.finish();
            }
            there.storeManifest(manifest);
            ModelInfo parent = model.parent() == null || model.parentRef() == null ? null
                    : parentThere(there, ModelRef.parse(model.parentRef()).name(), model.parent());
            PushResult result = target.registry.commitVersion(model.name(), model.description(), model.tags(),
                    model.metadata(), manifest, parent, 0, 0);
            t.copied.add(result.model().ref());
            if (result.model().hasFiles() && !result.alreadyPresent()) {
                // A registry entry without files there (from a registry import) takes the copy's place.
                new Entries(there, target.registry).attach(result.model());
            }
            // Aliases that point at this version here point at the copy there.
            for (Map.Entry<String, Integer> alias : registry.aliases(model.name()).entrySet()) {
                if (alias.getValue() == model.version()) {
                    target.registry.changeAlias(model.name(), alias.getKey(), result.model().version());
                }
            }
        } catch (IOException e) {
            throw new DenException("Copy of " + model.ref() + " from den " + store.location() + " to den "
                    + there.location() + " failed: " + e + "; nothing was made visible there, run it again (blobs "
                    + "already copied stay)", e);
        }
    }

    /** The version of {@code name} in {@code there} with the parent's digest, or null. */
    private static ModelInfo parentThere(Store there, String name, String digest) {
        try {
            there.resolve(ModelRef.parse(name));
        } catch (ModelNotFoundException e) {
            return null;
        }
        return there.viewOf(name).versionsOf(name).stream().filter(p -> p.digest().equals(digest)).findFirst()
                .orElse(null);
    }
}
