package org.den4j.den.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.den4j.den.DenException;
import org.den4j.den.FileEntry;
import org.den4j.den.GcReport;
import org.den4j.den.Manifest;
import org.den4j.den.ModelInfo;
import org.den4j.den.ProgressListener;
import org.den4j.den.VerifyReport;
import org.den4j.den.backend.BlobStat;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.StoredDocument;
import org.den4j.den.format.DocumentKey;
import org.den4j.den.format.ManifestJson;
import org.den4j.den.format.Sha256;
import org.den4j.den.format.VersionDoc;
import org.den4j.den.io.FileTree;

/**
 * Keeps a den sound and small: re-hashes stored blobs and sets damaged ones aside (verify, quarantine),
 * and removes what no live model needs (gc).
 */
public final class Maintenance {
    private final Store store;
    private final DenBackend backend;

    public Maintenance(Store store) {
        this.store = store;
        this.backend = store.backend();
    }

    private String location() {
        return store.location();
    }

    private Manifest readManifest(ModelInfo model) {
        return store.readManifest(model);
    }

    private List<ModelInfo> list() {
        return store.view().live();
    }

    /** Re-hashes the files of the given models, each distinct blob once; see {@code Den.verify}. */
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
                    Path dir = store.snapshots().pathOf(m.digest());
                    if (Files.exists(dir)) {
                        FileTree.delete(dir);
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

    /** Removes what no live model needs, sparing blobs touched within {@code grace}; see {@code Den.gc}. */
    public GcReport gc(Duration grace) {
        try {
            DenBackend.CleanupResult staging = backend.cleanStaleStaging();
            // Look at every document, not the journal: gc must not miss a live model.
            Catalog.View view = store.catalog().resync();
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
            Instant cutoff = store.clock().instant().minus(grace);
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
                                FileTree.delete(p);
                                tempRemoved++;
                            }
                        } else if (!liveDigests.contains(n)) {
                            try {
                                FileTree.delete(p);
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
}
