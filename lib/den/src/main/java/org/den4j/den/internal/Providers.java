package org.den4j.den.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.den4j.den.BackendSpec;
import org.den4j.den.DenConfig;
import org.den4j.den.DenConfigException;
import org.den4j.den.DenType;
import org.den4j.den.RegistryIndex;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.LocalBackend;

/** Opens what a den is made of: its backend (local, or a provider's behind the local cache) and its registry index. */
public final class Providers {
    private Providers() {
    }

    /**
     * Opens the backend a spec describes: a directory for local types, otherwise the {@link DenBackend.Provider}
     * of the type, behind the read-through cache unless the provider says otherwise.
     *
     * @throws DenConfigException when no provider opens the type, or the spec is unusable
     */
    public static DenBackend openBackend(BackendSpec spec, DenConfig config) {
        if (spec.type().isLocal()) {
            return new LocalBackend(spec.localRoot(config), spec.type() == DenType.LOCAL_MACHINE);
        }
        if (spec.type() == DenType.HF) {
            // The Hub is a source of models, not a den: it has no aliases, lineage or pushes, and hf: references
            // already fetch its snapshots into the Hub cache and import them into a real den.
            boolean env = BackendSpec.ENVIRONMENT.equals(spec.name());
            throw new DenConfigException(env ? "DEN4J_TYPE" : spec.name(), (env ? "DEN4J_TYPE=hf" : "Backend "
                    + spec.name() + " of type hf") + " is not a den: den4j reads the Hugging Face Hub through hf: "
                    + "references instead; keep a local_user, local_machine, s3 or http den and use, for example, "
                    + "`den fetch hf:org/name@REV` or `den import hf:org/name@REV` (HF_ENDPOINT, HF_TOKEN and "
                    + "HF_HUB_CACHE apply)");
        }
        for (DenBackend.Provider provider : ServiceLoader.load(DenBackend.Provider.class)) {
            if (provider.type() == spec.type()) {
                DenBackend remote = provider.open(spec);
                return provider.cached() ? cached(remote, spec) : remote;
            }
        }
        String fix = switch (spec.type()) {
            case S3 -> "add org.den4j:den4j-den-s3 to the class path";
            default -> "add the module that provides it to the class path";
        };
        throw new DenConfigException(BackendSpec.ENVIRONMENT.equals(spec.name()) ? "DEN4J_TYPE" : spec.name(),
                "Den type " + spec.type().configName() + (BackendSpec.ENVIRONMENT.equals(spec.name()) ? ""
                        : " (backend " + spec.name() + ")") + " has no backend provider on the class path; " + fix
                        + ", or use local_user or local_machine");
    }

    /** Puts the read-through local cache {@code spec} describes in front of {@code remote}; closes it on failure. */
    public static DenBackend cached(DenBackend remote, BackendSpec spec) {
        try {
            return new CachingBackend(remote, new CacheStore(spec.cache(), Clock.systemUTC()));
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
     * Opens the registry index {@code DEN4J_REGISTRY_INDEX} names for a den on {@code backend}.
     *
     * @throws DenConfigException when no index of that name is on the class path
     */
    public static RegistryIndex openIndex(DenConfig config, DenBackend backend) {
        String name = config.registryIndex();
        if (name.equals(DenConfig.MEMORY_INDEX)) {
            return new MemoryRegistryIndex();
        }
        List<String> known = new ArrayList<>(List.of(DenConfig.MEMORY_INDEX));
        for (RegistryIndex.Provider provider : ServiceLoader.load(RegistryIndex.Provider.class)) {
            if (provider.name().equalsIgnoreCase(name)) {
                return provider.open(Store.indexDirectory(backend));
            }
            known.add(provider.name());
        }
        throw new DenConfigException("DEN4J_REGISTRY_INDEX", "DEN4J_REGISTRY_INDEX=" + name
                + " names no registry index on the class path; use one of " + String.join(", ", known)
                + (known.contains("duckdb") ? "" : " (the duckdb index needs the den4j-den-duckdb module)"));
    }
}
