package org.den4j.den.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;
import org.den4j.den.Manifest;
import org.den4j.den.MetadataDocument;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.NoFilesException;
import org.den4j.den.RegistryImport;
import org.den4j.den.format.MetadataCodec;

/**
 * Registry entries without files: registering them, refusing to fetch them, attaching pushed files to them,
 * and registry imports, which make them for models the den does not have.
 *
 * <p>An entry is a version whose manifest lists no files. Its digest is that of the empty manifest, so
 * entries of different names share it (as two names pushed with the same files share theirs). Files are
 * attached by a push (or a sync) under the entry's name: the push makes a new version, since a version's digest never
 * changes; the new version inherits the entry's description, tags and metadata where the push gives none,
 * the entry's aliases move to it, and the entry retires as {@code den rm} retires a version.
 */
public final class Entries {
    /** What an entry's manifest lists: nothing. */
    public static final Manifest NO_FILES = new Manifest(List.of());

    private final Store store;
    private final Registry registry;

    public Entries(Store store, Registry registry) {
        this.store = store;
        this.registry = registry;
    }

    /** Registers an entry without files, or updates the entry the name has; see {@code Den.register}. */
    public ModelInfo register(String name, MetadataDocument doc) {
        if (doc.name() != null && !doc.name().equals(name)) {
            throw new DenInputException("The metadata names model '" + doc.name() + "' (model_id) but the entry is "
                    + name + "; make them agree, or leave model_id out");
        }
        Optional<ModelInfo> latest = latest(name);
        if (latest.isEmpty()) {
            return create(name, doc);
        }
        ModelInfo model = latest.get();
        if (model.hasFiles()) {
            throw new DenInputException("Model " + name + " is in den " + store.location() + " with files ("
                    + model.ref() + "); register makes entries for models without files: to replace its metadata, "
                    + "import a registry file with den import-registry FILE");
        }
        return registry.update(model.ref(), doc.description(), doc.tags(), doc.metadata());
    }

    private ModelInfo create(String name, MetadataDocument doc) {
        try {
            store.storeManifest(NO_FILES);
            return registry.commitVersion(name, doc.description(), doc.tags(), doc.metadata(), NO_FILES, null, 0, 0,
                    doc.created(), doc.updated()).model();
        } catch (IOException e) {
            throw new DenException("Cannot register " + name + " in den " + store.location() + ": " + e, e);
        }
    }

    /** The latest live version of a name, if any. */
    private Optional<ModelInfo> latest(String name) {
        List<ModelInfo> versions = store.viewOf(name).versionsOf(name);
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    /** The entry a push of files under {@code name} attaches to: its latest live version, when that has no files. */
    public Optional<ModelInfo> pendingEntry(String name) {
        return latest(name).filter(m -> !m.hasFiles());
    }

    /** Moves the aliases of every live entry of {@code pushed}'s name to it, then retires those entries. */
    public void attach(ModelInfo pushed) {
        for (ModelInfo entry : store.viewOf(pushed.name()).versionsOf(pushed.name())) {
            if (entry.hasFiles() || entry.version() >= pushed.version()) {
                continue;
            }
            for (Map.Entry<String, Integer> alias : registry.aliases(entry.name()).entrySet()) {
                if (alias.getValue() == entry.version()) {
                    registry.changeAlias(entry.name(), alias.getKey(), pushed.version());
                }
            }
            registry.delete(entry.ref(), true);
        }
    }

    /** The refusal to fetch an entry, saying where its bytes can be obtained. */
    public static NoFilesException noFiles(ModelInfo model) {
        String source = sourceOf(model);
        String where;
        if (source != null) {
            where = "its bytes are at " + source + ": run den import " + source + " --name " + model.name()
                    + " to attach them (Den.importExternal)";
        } else {
            where = (model.metadata().sourceUrl() == null ? "" : "its source is " + model.metadata().sourceUrl()
                    + "; ") + "push the files under " + model.name() + " to attach them: den push DIR --name "
                    + model.name();
        }
        return new NoFilesException(model.ref(), source, "Model " + model.ref() + " is a registry entry without "
                + "files, so it cannot be fetched; " + where);
    }

    /** The external reference of an entry ({@code extra.source}, such as {@code hf:org/name@commit}), or null. */
    public static String sourceOf(ModelInfo model) {
        return model.metadata().externalSource();
    }

    /** Applies a registry file; see {@code Den.importRegistry}. */
    public RegistryImport importRegistry(Path file) {
        List<MetadataDocument> docs = MetadataCodec.readRegistry(file);
        List<ModelInfo> created = new ArrayList<>();
        List<ModelInfo> updated = new ArrayList<>();
        List<RegistryImport.Refusal> refused = new ArrayList<>();
        for (MetadataDocument doc : docs) {
            String name = doc.name();
            try {
                Optional<ModelInfo> same = doc.digest() == null ? Optional.empty() : store.viewOf(name)
                        .versionsOf(name).stream().filter(m -> m.digest().equals(doc.digest())).reduce((a, b) -> b);
                Optional<ModelInfo> latest = latest(name);
                if (same.isPresent()) {
                    updated.add(registry.update(same.get().ref(), doc.description(), doc.tags(), doc.metadata()));
                } else if (latest.isEmpty()) {
                    created.add(create(name, doc));
                } else if (doc.digest() != null && latest.get().hasFiles()) {
                    refused.add(new RegistryImport.Refusal(name, "den " + store.location() + " holds " + name
                            + " with other files (" + latest.get().ref() + " sha256:" + latest.get().shortDigest()
                            + ") than the record describes (sha256:" + doc.digest().substring(0,
                                    Math.min(12, doc.digest().length())) + "); push or sync that version to apply it"));
                } else {
                    updated.add(registry.update(latest.get().ref(), doc.description(), doc.tags(), doc.metadata()));
                }
            } catch (DenInputException e) {
                refused.add(new RegistryImport.Refusal(name, e.getMessage()));
            }
        }
        return new RegistryImport(created, updated, refused);
    }
}
