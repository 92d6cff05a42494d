package org.den4j.den;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How to open a den: its type, location and cache settings.
 *
 * <p>Values come, in order of precedence, from explicit arguments ({@link #withType}, {@link #withPath}),
 * the backends JSON file, the {@code DEN4J_*} environment variables and the defaults. This is the only
 * type that reads the environment.
 *
 * <pre>{@code
 * DenConfig config = DenConfig.fromEnvironment().withPath(Path.of("/data/den"));
 * try (Den den = Den.open(config)) { ... }
 * }</pre>
 *
 * @param type where the den keeps its bytes
 * @param path the den's location on disk, or null for the type's default location
 * @param remoteHost the endpoint of a remote den ({@code DEN4J_REMOTE_HOST}), or null
 * @param cachePath the local cache of a remote den, or null for the default
 * @param cacheExpiration how long a cached model stays fresh (0 allowed)
 * @param cacheMaxSize the cache size limit in bytes (0 allowed)
 * @param evictionPolicy which cached models go first when the cache is full
 * @param allowPushFinetuned whether a remote den accepts pushes of fine-tuned models
 * @param allowLocalFineTune whether models from a remote den may be fine-tuned locally
 * @param backendsJson the multi-backend file ({@code DEN4J_BACKENDS_JSON}), or null
 * @param registryIndex the registry index that answers searches ({@code DEN4J_REGISTRY_INDEX}):
 *     {@value #MEMORY_INDEX} or a provider's name such as {@code duckdb}
 */
public record DenConfig(DenType type, Path path, String remoteHost, Path cachePath, Duration cacheExpiration,
        long cacheMaxSize, EvictionPolicy evictionPolicy, boolean allowPushFinetuned, boolean allowLocalFineTune,
        Path backendsJson, String registryIndex) {
    /** The default registry index, which filters in memory. */
    public static final String MEMORY_INDEX = "memory";
    /** Default cache expiration: 10 days. */
    public static final Duration DEFAULT_CACHE_EXPIRATION = Duration.ofDays(10);
    /** Default cache size limit: 100 GB. */
    public static final long DEFAULT_CACHE_MAX_SIZE = 100_000_000_000L;
    /** The shared machine-wide location on Unix. */
    public static final Path MACHINE_PATH = Path.of("/usr/local/share/den4j");
    /** Where a machine den goes when {@link #MACHINE_PATH} is not writable. */
    public static final Path MACHINE_FALLBACK_PATH = Path.of("/var/tmp/den4j");

    public DenConfig {
        type = type == null ? DenType.LOCAL_USER : type;
        cacheExpiration = cacheExpiration == null ? DEFAULT_CACHE_EXPIRATION : cacheExpiration;
        evictionPolicy = evictionPolicy == null ? EvictionPolicy.LRU : evictionPolicy;
        registryIndex = registryIndex == null || registryIndex.isBlank() ? MEMORY_INDEX
                : registryIndex.trim().toLowerCase(Locale.ROOT);
        if (cacheExpiration.isNegative()) {
            throw new DenConfigException("DEN4J_LOCAL_CACHE_EXPIRATION_TIME", "Cache expiration " + cacheExpiration
                    + " is negative; use 0 or more seconds");
        }
        if (cacheMaxSize < 0) {
            throw new DenConfigException("DEN4J_LOCAL_CACHE_MAX_SIZE", "Cache size limit " + cacheMaxSize
                    + " is negative; use 0 or more bytes");
        }
    }

    /** The defaults: a user-local den at the platform's data directory. */
    public static DenConfig defaults() {
        return new DenConfig(DenType.LOCAL_USER, null, null, null, DEFAULT_CACHE_EXPIRATION, DEFAULT_CACHE_MAX_SIZE,
                EvictionPolicy.LRU, false, false, null, MEMORY_INDEX);
    }

    /** Reads the {@code DEN4J_*} variables of this process over the defaults. */
    public static DenConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads {@code DEN4J_*} variables from {@code env} over the defaults.
     *
     * @throws DenConfigException naming the variable when a value cannot be used
     */
    public static DenConfig fromEnvironment(Map<String, String> env) {
        DenConfig d = defaults();
        DenType type = present(env, "DEN4J_TYPE") ? DenType.parse(env.get("DEN4J_TYPE"), "DEN4J_TYPE") : d.type();
        Path path = present(env, "DEN4J_PATH") ? Path.of(env.get("DEN4J_PATH").trim()) : null;
        String host = present(env, "DEN4J_REMOTE_HOST") ? env.get("DEN4J_REMOTE_HOST").trim() : null;
        Path cache = present(env, "DEN4J_LOCAL_CACHE_PATH") ? Path.of(env.get("DEN4J_LOCAL_CACHE_PATH").trim()) : null;
        Duration expiration = present(env, "DEN4J_LOCAL_CACHE_EXPIRATION_TIME")
                ? Duration.ofSeconds(parseLong(env, "DEN4J_LOCAL_CACHE_EXPIRATION_TIME", "seconds"))
                : d.cacheExpiration();
        long maxSize = present(env, "DEN4J_LOCAL_CACHE_MAX_SIZE")
                ? parseLong(env, "DEN4J_LOCAL_CACHE_MAX_SIZE", "bytes") : d.cacheMaxSize();
        EvictionPolicy policy = present(env, "DEN4J_LOCAL_CACHE_EVICTION_POLICY")
                ? EvictionPolicy.parse(env.get("DEN4J_LOCAL_CACHE_EVICTION_POLICY"), "DEN4J_LOCAL_CACHE_EVICTION_POLICY")
                : d.evictionPolicy();
        boolean push = present(env, "DEN4J_REMOTE_ALLOW_PUSH_FINETUNED")
                && parseBoolean(env, "DEN4J_REMOTE_ALLOW_PUSH_FINETUNED");
        boolean fineTune = present(env, "DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE")
                && parseBoolean(env, "DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE");
        Path backends = present(env, "DEN4J_BACKENDS_JSON") ? Path.of(env.get("DEN4J_BACKENDS_JSON").trim()) : null;
        String index = present(env, "DEN4J_REGISTRY_INDEX") ? env.get("DEN4J_REGISTRY_INDEX") : d.registryIndex();
        return new DenConfig(type, path, host, cache, expiration, maxSize, policy, push, fineTune, backends, index);
    }

    /** A copy with another type. */
    public DenConfig withType(DenType type) {
        return new DenConfig(type, path, remoteHost, cachePath, cacheExpiration, cacheMaxSize, evictionPolicy,
                allowPushFinetuned, allowLocalFineTune, backendsJson, registryIndex);
    }

    /** A copy with another location. */
    public DenConfig withPath(Path path) {
        return new DenConfig(type, path, remoteHost, cachePath, cacheExpiration, cacheMaxSize, evictionPolicy,
                allowPushFinetuned, allowLocalFineTune, backendsJson, registryIndex);
    }

    /** A copy that answers searches with another registry index. */
    public DenConfig withRegistryIndex(String registryIndex) {
        return new DenConfig(type, path, remoteHost, cachePath, cacheExpiration, cacheMaxSize, evictionPolicy,
                allowPushFinetuned, allowLocalFineTune, backendsJson, registryIndex);
    }

    /**
     * The directory of a local den: {@link #path()} when set, else the type's default.
     *
     * <p>{@code local_user}: {@code $XDG_DATA_HOME/den4j} or {@code ~/.local/share/den4j} on Linux,
     * {@code ~/Library/Application Support/den4j} on macOS, {@code %LOCALAPPDATA%\den4j} on Windows.
     * {@code local_machine}: {@link #MACHINE_PATH}, or {@link #MACHINE_FALLBACK_PATH} with a warning
     * when that is not writable.
     *
     * @throws DenConfigException when the type is not local
     */
    public Path localRoot() {
        if (path != null) {
            return path.toAbsolutePath().normalize();
        }
        return switch (type) {
            case LOCAL_USER -> userDataDirectory(System.getenv(), System.getProperty("os.name", ""),
                    Path.of(System.getProperty("user.home"))).resolve("den4j");
            case LOCAL_MACHINE -> machineRoot();
            default -> throw new DenConfigException("DEN4J_TYPE", "Den type " + type.configName()
                    + " is remote and has no local root; set DEN4J_REMOTE_HOST instead of DEN4J_PATH");
        };
    }

    /**
     * The read-through cache of a remote den: {@link #cachePath()} when set, else {@code $XDG_CACHE_HOME/den4j}
     * or {@code ~/.cache/den4j} on Linux, {@code ~/Library/Caches/den4j} on macOS,
     * {@code %LOCALAPPDATA%\den4j\cache} on Windows.
     */
    public CacheSettings cacheSettings() {
        Path cache = cachePath != null ? cachePath
                : userCacheDirectory(System.getenv(), System.getProperty("os.name", ""),
                        Path.of(System.getProperty("user.home")));
        return new CacheSettings(cache, cacheExpiration, cacheMaxSize, evictionPolicy);
    }

    /**
     * The backend this configuration describes, named {@value BackendSpec#ENVIRONMENT}: its type, the
     * location ({@link #path()}, as written), {@link #remoteHost()}, the cache and the allow flags.
     */
    public BackendSpec backendSpec() {
        return new BackendSpec(BackendSpec.ENVIRONMENT, type, path == null ? null : path.toString(), remoteHost,
                java.util.Map.of(), java.util.Map.of(), cacheSettings(), allowPushFinetuned, allowLocalFineTune);
    }

    static Path userCacheDirectory(Map<String, String> env, String osName, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return userDataDirectory(env, osName, home).resolve("den4j").resolve("cache");
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return home.resolve("Library").resolve("Caches").resolve("den4j");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".cache")).resolve("den4j");
    }

    /** The per-user data directory of this platform, without the {@code den4j} part. */
    static Path userDataDirectory(Map<String, String> env, String osName, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String local = env.get("LOCALAPPDATA");
            return local != null && !local.isBlank() ? Path.of(local) : home.resolve("AppData").resolve("Local");
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return home.resolve("Library").resolve("Application Support");
        }
        String xdg = env.get("XDG_DATA_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local").resolve("share");
    }

    private static Path machineRoot() {
        if (writableOrCreatable(MACHINE_PATH)) {
            return MACHINE_PATH;
        }
        System.getLogger("org.den4j.den").log(System.Logger.Level.WARNING, MACHINE_PATH
                + " is not writable; the machine den uses " + MACHINE_FALLBACK_PATH
                + " instead (set DEN4J_PATH to choose another place)");
        return MACHINE_FALLBACK_PATH;
    }

    private static boolean writableOrCreatable(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p != null && Files.isDirectory(p) && Files.isWritable(p);
    }

    private static boolean present(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static long parseLong(Map<String, String> env, String name, String unit) {
        String raw = env.get(name).trim();
        try {
            long value = Long.parseLong(raw);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new DenConfigException(name, name + "=" + raw + " is not a whole number of " + unit
                    + "; use 0 or a positive integer such as 864000");
        }
    }

    private static boolean parseBoolean(Map<String, String> env, String name) {
        String raw = env.get(name).trim().toLowerCase(Locale.ROOT);
        switch (raw) {
            case "true", "1", "yes", "on": return true;
            case "false", "0", "no", "off": return false;
            default:
                throw new DenConfigException(name, name + "=" + env.get(name) + " is not a boolean; use true or false");
        }
    }
}
