package org.den4j.den;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One configured backend: a named den of some type at some location, as a
 * {@link org.den4j.den.backend.DenBackend.Provider} receives it.
 *
 * <p>It comes from the {@code DEN4J_*} environment ({@link DenConfig#backendSpec()}, named
 * {@value #ENVIRONMENT}) or from one entry of the backends JSON file ({@link Backends}).
 *
 * @param name the backend's name in the backends file, or {@value #ENVIRONMENT}
 * @param type the den type
 * @param location where the den lives: a directory for local types, {@code s3://bucket/prefix} for
 *     {@code s3}, a URL for {@code http}; null for the type's default
 * @param host the endpoint of a remote den ({@code DEN4J_REMOTE_HOST}), for example
 *     {@code http://127.0.0.1:9000} for MinIO; null for the type's default
 * @param credentials secrets by name, for example {@code access_key_id}, {@code secret_access_key},
 *     {@code profile} or {@code token}; empty to use the type's standard chain
 * @param options type-specific settings by name, for example {@code region} and {@code path_style}
 *     for {@code s3}
 * @param cache the read-through local cache in front of a remote den
 * @param allowPushFinetuned whether a remote den accepts pushes of fine-tuned models
 * @param allowLocalFineTune whether models from a remote den may be fine-tuned locally
 */
public record BackendSpec(String name, DenType type, String location, String host, Map<String, String> credentials,
        Map<String, String> options, CacheSettings cache, boolean allowPushFinetuned, boolean allowLocalFineTune) {
    /** The name of the backend the {@code DEN4J_*} variables describe. */
    public static final String ENVIRONMENT = "env";

    public BackendSpec {
        name = name == null || name.isBlank() ? ENVIRONMENT : name;
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(cache, "cache");
        location = location == null || location.isBlank() ? null : location.trim();
        host = host == null || host.isBlank() ? null : host.trim();
        credentials = Map.copyOf(credentials == null ? Map.of() : credentials);
        options = Map.copyOf(options == null ? Map.of() : options);
    }

    /** An option's value, or {@code fallback} when it is not set. */
    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    /**
     * A boolean option ({@code true/false/yes/no/1/0}), or {@code fallback} when it is not set.
     *
     * @throws DenConfigException naming the backend and option when the value is not a boolean
     */
    public boolean booleanOption(String key, boolean fallback) {
        String raw = options.get(key);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on": return true;
            case "false", "0", "no", "off": return false;
            default:
                throw new DenConfigException(name, "Option " + key + "=" + raw + " of backend " + name
                        + " is not a boolean; use true or false");
        }
    }

    /** The directory of a local den: the location, or the type's default from {@code config}. */
    public Path localRoot(DenConfig config) {
        return location == null ? config.withType(type).withPath(null).localRoot()
                : Path.of(location).toAbsolutePath().normalize();
    }

    /** A copy at another location. */
    public BackendSpec withLocation(String location) {
        return new BackendSpec(name, type, location, host, credentials, options, cache, allowPushFinetuned,
                allowLocalFineTune);
    }

    /** A copy with another cache. */
    public BackendSpec withCache(CacheSettings cache) {
        return new BackendSpec(name, type, location, host, credentials, options, cache, allowPushFinetuned,
                allowLocalFineTune);
    }

    /** A copy with one option set. */
    public BackendSpec withOption(String key, String value) {
        Map<String, String> next = new TreeMap<>(options);
        next.put(key, value);
        return new BackendSpec(name, type, location, host, credentials, next, cache, allowPushFinetuned,
                allowLocalFineTune);
    }

    /** The configuration a den opened on this backend reports, with the registry index of {@code base}. */
    public DenConfig toConfig(DenConfig base) {
        Path path = type.isLocal() && location != null ? Path.of(location) : null;
        return new DenConfig(type, path, host, cache.path(), cache.expiration(), cache.maxSize(), cache.evictionPolicy(),
                allowPushFinetuned, allowLocalFineTune, base.backendsJson(), base.registryIndex());
    }

    @Override
    public String toString() {
        // Never print secrets.
        return "BackendSpec[" + name + " " + type.configName() + " " + (location == null ? "(default)" : location)
                + (host == null ? "" : " at " + host) + (credentials.isEmpty() ? "" : " credentials=" + credentials.keySet())
                + "]";
    }
}
