package org.den4j.serve.den;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import org.den4j.den.DenInputException;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelRef;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.ForwardingBackend;
import org.den4j.den.backend.StoredDocument;
import org.den4j.den.format.AliasDoc;
import org.den4j.den.format.DocumentKey;
import org.den4j.den.format.Json;
import org.den4j.den.format.ManifestJson;
import org.den4j.den.format.VersionDoc;

/**
 * The den server's backend: the served den's backend with every document write checked first.
 *
 * <p>Both the backend protocol (clients writing documents one by one) and the server's own
 * {@code Den} (the high-level JSON API) write through here, so the same rules hold for every write:
 * <ul>
 *   <li>a manifest hashes to the digest in its key and every blob it lists is stored with its size;
 *   <li>a version record matches its key, its manifest is stored, and its name, version, digest,
 *       parent and creation time never change afterwards;
 *   <li>a model with a parent is accepted only under the server's fine-tune policy;
 *   <li>aliases are valid and point at recorded versions;
 *   <li>no other keys are written.
 * </ul>
 * A push that dies half-way therefore never makes a model visible: its version record is refused
 * until its manifest, and the manifest until every blob, is stored.
 */
final class GuardedBackend extends ForwardingBackend {
    private final DenBackend inner;
    private final ServerPolicy policy;
    private volatile Predicate<String> liveDigest = d -> false;

    GuardedBackend(DenBackend inner, ServerPolicy policy) {
        super(inner);
        this.inner = inner;
        this.policy = policy;
    }

    /** Tells the guard how to find out whether a digest is a live model of the served den. */
    void liveModels(Predicate<String> liveDigest) {
        this.liveDigest = liveDigest;
    }

    DenBackend inner() {
        return inner;
    }

    // ---------------------------------------------------------------- checks

    private void check(String key, byte[] content, boolean creating) throws IOException {
        DocumentKey parsed = DocumentKey.parse(key).orElse(null);
        if (parsed instanceof DocumentKey.ManifestKey m) {
            checkManifest(m.digest(), content);
            return;
        }
        if (parsed instanceof DocumentKey.VersionKey v) {
            checkVersion(key, v.name(), v.version(), content, creating);
            return;
        }
        if (parsed instanceof DocumentKey.AliasesKey a) {
            checkAliases(a.name(), content);
            return;
        }
        throw new ServeException(400, "unknown_key", "Document key '" + key + "' is not a den document; a den holds "
                + "manifests/DIGEST.json, models/NAME/@versions/N.json and models/NAME/@aliases.json only");
    }

    private void checkManifest(String digest, byte[] content) throws IOException {
        Manifest manifest;
        try {
            manifest = ManifestJson.parse(content);
        } catch (IOException | DenInputException e) {
            throw new ServeException(400, "bad_manifest", "Manifest " + digest + " is not a manifest (" + e.getMessage()
                    + "); send {\"files\": [{\"path\", \"size\", \"sha256\"}, ...]}");
        }
        if (!manifest.digest().equals(digest)) {
            throw new ServeException(400, "bad_manifest", "Manifest stored as " + digest + " hashes to "
                    + manifest.digest() + "; store a manifest under the SHA-256 of its canonical text");
        }
        List<String> missing = new ArrayList<>();
        for (FileEntry f : manifest.files()) {
            OptionalLong size = inner.blobSize(f.sha256());
            if (size.isEmpty() || size.getAsLong() != f.size()) {
                missing.add(f.path() + " (sha256:" + f.sha256() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new ServeException(409, "missing_blobs", "Manifest " + digest + " lists " + missing.size()
                    + " files whose blobs the server does not hold with those sizes: "
                    + String.join(", ", missing.subList(0, Math.min(10, missing.size())))
                    + (missing.size() > 10 ? ", ..." : "") + "; upload them first (PUT /api/v1/blobs/SHA256)");
        }
    }

    private void checkVersion(String key, String name, int version, byte[] content, boolean creating)
            throws IOException {
        VersionDoc doc;
        try {
            doc = Json.MAPPER.readValue(content, VersionDoc.class);
            ModelRef.checkName(name);
        } catch (IOException | RuntimeException e) {
            throw new ServeException(400, "bad_version", "Version record " + key + " is not valid (" + e.getMessage()
                    + ")");
        }
        ModelInfo model = doc.model();
        if (model == null || !model.name().equals(name) || model.version() != version || model.digest() == null) {
            throw new ServeException(400, "bad_version", "Version record " + key + " describes "
                    + (model == null ? "nothing" : model.ref()) + "; a record describes the name and version of its key");
        }
        Optional<StoredDocument> manifestDoc = inner.read(DocumentKey.manifest(model.digest()));
        if (manifestDoc.isEmpty()) {
            throw new ServeException(409, "missing_manifest", "Version record " + model.ref() + " names manifest "
                    + model.digest() + ", which the server does not hold; store the manifest first");
        }
        Manifest manifest = ManifestJson.parse(manifestDoc.get().content());
        if (manifest.size() != model.size() || manifest.files().size() != model.fileCount()) {
            throw new ServeException(400, "bad_version", "Version record " + model.ref() + " gives " + model.size()
                    + " bytes in " + model.fileCount() + " files, but its manifest holds " + manifest.size()
                    + " bytes in " + manifest.files().size() + " files");
        }
        Optional<StoredDocument> existing = creating ? Optional.empty() : inner.read(key);
        if (existing.isPresent()) {
            ModelInfo before = Json.MAPPER.readValue(existing.get().content(), VersionDoc.class).model();
            if (!before.digest().equals(model.digest()) || !java.util.Objects.equals(before.parent(), model.parent())
                    || !java.util.Objects.equals(before.created(), model.created())) {
                throw new ServeException(409, "immutable_version", "Version " + model.ref() + " exists with other "
                        + "files, parent or creation time; those never change: push a new version instead");
            }
            return;
        }
        checkNextVersion(key, name, version);
        if (model.parent() != null) {
            checkFineTunePolicy(model);
        }
    }

    /**
     * A new version must be the next number of its name, as push assigns them: one past the highest recorded
     * (deleted versions keep their records, so numbers are never reused). A number that skips ahead, such as
     * {@code @999999999}, would leave the name no room to grow.
     */
    private void checkNextVersion(String key, String name, int version) throws IOException {
        int highest = 0;
        String prefix = DocumentKey.prefixOf(name) + "versions/";
        for (org.den4j.den.backend.DocumentStat d : inner.list(prefix)) {
            if (DocumentKey.parse(d.key()).orElse(null) instanceof DocumentKey.VersionKey v && v.name().equals(name)) {
                highest = Math.max(highest, v.version());
            }
        }
        if (version != highest + 1) {
            throw new ServeException(409, "version_out_of_order", "Version record " + key + " would make " + name
                    + "@" + version + ", but the next version of " + name + " is " + (highest + 1) + "; versions are "
                    + "numbered one after another (push numbers them), so a number that skips ahead is refused");
        }
    }

    private void checkFineTunePolicy(ModelInfo model) {
        String parent = model.parentRef() != null ? model.parentRef() : "sha256:" + model.parent();
        if (!policy.allowPushFinetuned()) {
            throw new ServeException(403, "finetuned_push_refused", "This den server does not accept fine-tuned "
                    + "models: " + model.name() + " names parent " + parent + ", and the server runs with "
                    + "DEN4J_REMOTE_ALLOW_PUSH_FINETUNED=false. Push it to a local den instead, or ask the server's "
                    + "operator to restart it with DEN4J_REMOTE_ALLOW_PUSH_FINETUNED=true (den serve "
                    + "--allow-push-finetuned)");
        }
        if (!policy.allowLocalFineTune() && liveDigest.test(model.parent())) {
            throw new ServeException(403, "local_fine_tune_refused", "This den server does not allow its models to "
                    + "be fine-tuned elsewhere: " + model.name() + " derives from " + parent + ", a model of this den, "
                    + "and the server runs with DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE=false. Ask the server's operator to "
                    + "restart it with DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE=true (den serve --allow-local-fine-tune)");
        }
    }

    /**
     * The alias document as the server stores it: the aliases the client asks for, and the history as it was
     * plus one entry per alias that changed, written by the server (the key's name, the time on the server's
     * clock). Whatever history the client sent is ignored, so entries can be neither removed nor forged.
     */
    private byte[] auditedAliases(String key, String name, byte[] content, String user) throws IOException {
        AliasDoc asked = Json.MAPPER.readValue(content, AliasDoc.class);
        AliasDoc stored = inner.read(key).map(d -> {
            try {
                return Json.MAPPER.readValue(d.content(), AliasDoc.class);
            } catch (IOException e) {
                return AliasDoc.EMPTY;
            }
        }).orElse(AliasDoc.EMPTY);
        List<org.den4j.den.AliasChange> history = new ArrayList<>(stored.history());
        java.time.Instant now = java.time.Instant.now();
        java.util.Set<String> names = new java.util.TreeSet<>(stored.aliases().keySet());
        names.addAll(asked.aliases().keySet());
        for (String alias : names) {
            int before = stored.aliases().getOrDefault(alias, 0);
            int after = asked.aliases().getOrDefault(alias, 0);
            if (before != after) {
                history.add(new org.den4j.den.AliasChange(alias, after, before, now, user));
            }
        }
        return Json.bytes(new AliasDoc(asked.aliases(), history));
    }

    /** Who the audit entries name: set per request by the routes (the API key's name), "anonymous" when none. */
    private final ThreadLocal<String> writer = ThreadLocal.withInitial(() -> "den-server");

    /** Runs {@code write} with alias changes recorded as made by {@code user}. */
    <T> T as(String user, IoSupplier<T> write) throws IOException {
        String before = writer.get();
        writer.set(user == null ? "anonymous" : user);
        try {
            return write.get();
        } finally {
            writer.set(before);
        }
    }

    /** A write that may fail with an I/O error. */
    interface IoSupplier<T> {
        T get() throws IOException;
    }

    private void checkAliases(String name, byte[] content) throws IOException {
        AliasDoc doc;
        try {
            ModelRef.checkName(name);
            doc = Json.MAPPER.readValue(content, AliasDoc.class);
            doc.aliases().keySet().forEach(ModelRef::checkAlias);
        } catch (IOException | RuntimeException e) {
            throw new ServeException(400, "bad_aliases", "Aliases of " + name + " are not valid (" + e.getMessage()
                    + ")");
        }
        for (Map.Entry<String, Integer> e : doc.aliases().entrySet()) {
            if (e.getValue() == null || e.getValue() < 1
                    || inner.read(DocumentKey.version(name, e.getValue())).isEmpty()) {
                throw new ServeException(409, "unknown_version", "Alias " + name + "@" + e.getKey() + " points at "
                        + "version " + e.getValue() + ", which " + name + " does not have; push it first");
            }
        }
    }

    // ---------------------------------------------------------------- writes, checked

    @Override
    public boolean create(String key, byte[] content) throws IOException {
        check(key, content, true);
        return inner.create(key, DocumentKey.isAliases(key) ? audited(key, content) : content);
    }

    @Override
    public boolean replace(String key, byte[] content, String expectedEtag) throws IOException {
        check(key, content, expectedEtag == null);
        return inner.replace(key, DocumentKey.isAliases(key) ? audited(key, content) : content, expectedEtag);
    }

    private byte[] audited(String key, byte[] content) throws IOException {
        return auditedAliases(key, DocumentKey.nameOf(key).orElseThrow(), content, writer.get());
    }

    /**
     * What the server allows for fine-tuned models.
     *
     * @param allowPushFinetuned accept models that name a parent ({@code DEN4J_REMOTE_ALLOW_PUSH_FINETUNED})
     * @param allowLocalFineTune let this den's models be fine-tuned on clients and such fine-tunes be pushed
     *     back ({@code DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE})
     */
    record ServerPolicy(boolean allowPushFinetuned, boolean allowLocalFineTune) {
    }
}
