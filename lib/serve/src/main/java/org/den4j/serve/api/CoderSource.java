package org.den4j.serve.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderDen;
import org.den4j.coder.Coders;
import org.den4j.coder.IcdCoder;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;

/**
 * Where the served coder comes from: a den reference, followed as its alias moves, or a coder folder, loaded once.
 */
final class CoderSource {
    private final String requested;
    private final Path folder;
    private final Supplier<Den> den;
    private final CoderFormat.LoadOptions options;

    private CoderSource(String requested, Path folder, Supplier<Den> den, CoderFormat.LoadOptions options) {
        this.requested = requested;
        this.folder = folder;
        this.den = den;
        this.options = options;
    }

    /**
     * The source of {@code reference}: a folder when it names a directory holding {@code coder.json}, else a den
     * reference looked up in {@code den} (opened on first use).
     */
    static CoderSource of(String reference, Supplier<Den> den, CoderFormat.LoadOptions options) {
        Path path = null;
        try {
            Path p = Path.of(reference);
            if (Files.isRegularFile(p.resolve(CoderConfig.FILE_NAME))) {
                path = p;
            }
        } catch (java.nio.file.InvalidPathException e) {
            // not a path: a den reference
        }
        return new CoderSource(reference, path, den, options);
    }

    /** Whether the reference can move (den references do; folders are loaded once, or on a forced reload). */
    boolean followable() {
        return folder == null;
    }

    String requested() {
        return requested;
    }

    /**
     * What the reference names now.
     *
     * @throws org.den4j.den.ModelNotFoundException when the den has no such model
     */
    ModelIdentity resolve() {
        if (folder != null) {
            CoderConfig config = CoderConfig.read(folder);
            return new ModelIdentity(requested, folder.toString(), null, null, config.kind(), config.metrics());
        }
        ModelInfo info = den.get().show(requested);
        Map<String, Double> metrics = new TreeMap<>(info.metadata().metrics());
        String kind = info.metadata().extra().getOrDefault(CoderDen.KIND, "");
        return new ModelIdentity(requested, info.name(), info.version(), "sha256:" + info.digest(), kind, metrics);
    }

    /**
     * Loads the coder {@code identity} names (the exact version, even if the alias moved since); the identity
     * returned has the loaded coder's kind and, when the registry had none, {@code coder.json}'s metrics.
     */
    ServedCoder load(ModelIdentity identity, java.time.Instant now) {
        long start = System.nanoTime();
        IcdCoder coder = folder != null ? Coders.load(folder, null, options)
                : CoderDen.load(den.get(), identity.ref(), options);
        Map<String, Double> metrics = identity.metrics();
        if (metrics.isEmpty()) {
            metrics = CoderConfig.read(folder != null ? folder : den.get().fetch(identity.ref())).metrics();
        }
        ModelIdentity loaded = new ModelIdentity(identity.requested(), identity.name(), identity.version(),
                identity.digest(), coder.kind(), metrics);
        return new ServedCoder(coder, loaded, now, (System.nanoTime() - start) / 1_000_000);
    }
}
