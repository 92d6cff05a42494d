package org.den4j.den;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.den4j.den.format.Json;

/**
 * The named backends a process can open: those of the backends JSON file ({@code DEN4J_BACKENDS_JSON})
 * or, without one, the single backend of the {@code DEN4J_*} environment.
 *
 * <pre>{@code
 * {
 *   "default_backend": "team",
 *   "backends": {
 *     "laptop": {"type": "local_user"},
 *     "team": {"type": "s3", "location": "s3://models/den", "host": "http://minio:9000",
 *              "credentials": {"access_key_id": "env:TEAM_KEY", "secret_access_key": "env:TEAM_SECRET"},
 *              "options": {"region": "us-east-1", "path_style": "true"},
 *              "cache": {"path": "/scratch/den-cache", "max_size": 50000000000, "eviction_policy": "lfu"},
 *              "allow_push_finetuned": false}
 *   }
 * }
 * }</pre>
 *
 * <p>Precedence: an explicit argument beats the file, which beats the environment ({@code DEN4J_REMOTE_HOST},
 * {@code DEN4J_LOCAL_CACHE_*}, the allow flags), which beats the defaults. A credential written
 * {@code env:NAME} is read from the environment variable {@code NAME}, so the file need not hold secrets. A den
 * server's key is {@code credentials.token}, or {@code credentials.api_key} (medcat-den's name for it). To use
 * several backends through one object, see {@link Dens}.
 */
public final class Backends {
    private static final Set<String> BACKEND_KEYS = Set.of("type", "location", "host", "credentials", "options", "cache",
            "allow_push_finetuned", "allow_local_fine_tune");
    private static final Set<String> CACHE_KEYS = Set.of("path", "expiration_time", "max_size", "eviction_policy");

    private final Path file;
    private final String defaultName;
    private final Map<String, BackendSpec> specs;
    private final Map<String, String> env;

    private Backends(Path file, String defaultName, Map<String, BackendSpec> specs, Map<String, String> env) {
        this.file = file;
        this.defaultName = defaultName;
        this.specs = specs;
        this.env = env;
    }

    /**
     * The backends a configuration describes: its backends file when it names one, else the single
     * backend {@value BackendSpec#ENVIRONMENT} of its type, path and cache settings.
     *
     * @throws DenConfigException when the backends file is missing or invalid
     */
    public static Backends of(DenConfig config) {
        return of(config, System.getenv());
    }

    /** Like {@link #of(DenConfig)}, resolving {@code env:NAME} credentials in {@code env}. */
    public static Backends of(DenConfig config, Map<String, String> env) {
        if (config.backendsJson() == null) {
            BackendSpec spec = config.backendSpec();
            String token = env.get(org.den4j.den.backend.HttpBackend.TOKEN_VARIABLE);
            if (spec.type() == DenType.HTTP && token != null && !token.isBlank()) {
                // The den server's API key, as the backends file's "credentials": {"token": ...} would give it.
                spec = new BackendSpec(spec.name(), spec.type(), spec.location(), spec.host(),
                        Map.of("token", token.trim()), spec.options(), spec.cache(), spec.allowPushFinetuned(),
                        spec.allowLocalFineTune());
            }
            return new Backends(null, spec.name(), Map.of(spec.name(), spec), Map.of());
        }
        return load(config.backendsJson(), config, env);
    }

    /**
     * Reads a backends file; settings it leaves out come from {@code environment}.
     *
     * @throws DenConfigException naming the file, the backend and the setting that is wrong
     */
    public static Backends load(Path file, DenConfig environment, Map<String, String> env) {
        String where = "DEN4J_BACKENDS_JSON";
        if (!Files.isRegularFile(file)) {
            throw new DenConfigException(where, "Backends file " + file + " (DEN4J_BACKENDS_JSON) does not exist; "
                    + "point DEN4J_BACKENDS_JSON at a file like config/backends.example.json, or unset it");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DenConfigException(where, "Backends file " + file + " is not valid JSON (" + e.getMessage()
                    + "); see config/backends.example.json");
        }
        JsonNode backends = root == null ? null : root.get("backends");
        if (backends == null || !backends.isObject() || backends.isEmpty()) {
            throw new DenConfigException(where, "Backends file " + file + " has no \"backends\" object; write "
                    + "{\"default_backend\": \"NAME\", \"backends\": {\"NAME\": {\"type\": \"s3\", ...}}}");
        }
        Map<String, BackendSpec> specs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = backends.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            specs.put(e.getKey(), parse(file, e.getKey(), e.getValue(), environment, env));
        }
        String defaultName = root.hasNonNull("default_backend") ? root.get("default_backend").asText() : null;
        if (defaultName == null) {
            if (specs.size() != 1) {
                throw new DenConfigException(where, "Backends file " + file + " names " + specs.size()
                        + " backends but no \"default_backend\"; add \"default_backend\": one of " + specs.keySet());
            }
            defaultName = specs.keySet().iterator().next();
        } else if (!specs.containsKey(defaultName)) {
            throw new DenConfigException(where, "Backends file " + file + ": default_backend \"" + defaultName
                    + "\" is not one of its backends " + specs.keySet());
        }
        return new Backends(file, defaultName, Map.copyOf(specs), Map.copyOf(env));
    }

    private static BackendSpec parse(Path file, String name, JsonNode node, DenConfig environment,
            Map<String, String> env) {
        String where = "backend \"" + name + "\" in " + file;
        if (!node.isObject()) {
            throw new DenConfigException("DEN4J_BACKENDS_JSON", "Backends file " + file + ": " + where
                    + " is not an object; write {\"type\": \"s3\", \"location\": ...}");
        }
        checkKeys(node, BACKEND_KEYS, where, file);
        if (!node.hasNonNull("type")) {
            throw new DenConfigException("DEN4J_BACKENDS_JSON", "Backends file " + file + ": " + where
                    + " has no \"type\"; use one of local_user, local_machine, s3, http, hf");
        }
        DenType type = DenType.parse(node.get("type").asText(), where + ": type");
        String location = text(node, "location");
        String host = text(node, "host");
        if (host == null && !type.isLocal()) {
            host = environment.remoteHost();
        }
        Map<String, String> credentials = apiKeyAsToken(strings(node.get("credentials"), where + ": credentials",
                file), name, file);
        Map<String, String> options = strings(node.get("options"), where + ": options", file);
        CacheSettings cache = environment.cacheSettings();
        JsonNode c = node.get("cache");
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                throw new DenConfigException("DEN4J_BACKENDS_JSON", "Backends file " + file + ": cache of " + where
                        + " is not an object; write {\"path\": ..., \"max_size\": ...}");
            }
            checkKeys(c, CACHE_KEYS, where + ": cache", file);
            if (c.hasNonNull("path")) {
                cache = cache.withPath(Path.of(c.get("path").asText()));
            }
            if (c.hasNonNull("expiration_time")) {
                cache = cache.withExpiration(Duration.ofSeconds(number(c, "expiration_time", where, file)));
            }
            if (c.hasNonNull("max_size")) {
                cache = cache.withMaxSize(number(c, "max_size", where, file));
            }
            if (c.hasNonNull("eviction_policy")) {
                cache = cache.withEvictionPolicy(EvictionPolicy.parse(c.get("eviction_policy").asText(),
                        where + ": cache.eviction_policy"));
            }
        }
        boolean push = node.has("allow_push_finetuned") ? bool(node, "allow_push_finetuned", where, file)
                : environment.allowPushFinetuned();
        boolean fineTune = node.has("allow_local_fine_tune") ? bool(node, "allow_local_fine_tune", where, file)
                : environment.allowLocalFineTune();
        return new BackendSpec(name, type, location, host, credentials, options, cache, push, fineTune);
    }

    /**
     * {@code credentials.api_key} is the name medcat-den's documents use for the den server's key; it means
     * {@code credentials.token}. Both with different values is an error rather than a silent choice.
     */
    private static Map<String, String> apiKeyAsToken(Map<String, String> credentials, String name, Path file) {
        String apiKey = credentials.get("api_key");
        if (apiKey == null) {
            return credentials;
        }
        String token = credentials.get("token");
        if (token != null && !token.equals(apiKey)) {
            throw new DenConfigException("DEN4J_BACKENDS_JSON", "Backends file " + file + ": backend \"" + name
                    + "\" gives both credentials.api_key and credentials.token, with different values; they are the "
                    + "same setting, so keep one of them");
        }
        Map<String, String> result = new TreeMap<>(credentials);
        result.remove("api_key");
        result.put("token", apiKey);
        return result;
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String where, Path file) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new DenConfigException("DEN4J_BACKENDS_JSON", "Backends file " + file + ": " + where
                        + " has unknown setting \"" + key + "\"; use " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private static String text(JsonNode node, String key) {
        return node.hasNonNull(key) ? node.get(key).asText() : null;
    }

    private static Map<String, String> strings(JsonNode node, String where, Path file) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new DenConfigException("DEN4J_BACKENDS_JSON", "Backends file " + file + ": " + where
                    + " is not an object of names to values");
        }
        Map<String, String> result = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode()) {
                throw new DenConfigException("DEN4J_BACKENDS_JSON", "Backends file " + file + ": " + where + "."
                        + e.getKey() + " is not a string, number or boolean");
            }
            result.put(e.getKey(), e.getValue().asText());
        }
        return result;
    }

    private static long number(JsonNode node, String key, String where, Path file) {
        JsonNode v = node.get(key);
        if (!v.canConvertToLong() || v.asLong() < 0) {
            throw new DenConfigException("DEN4J_BACKENDS_JSON", "Backends file " + file + ": cache." + key + " of "
                    + where + " is " + v + "; use 0 or a positive whole number");
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode node, String key, String where, Path file) {
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw new DenConfigException("DEN4J_BACKENDS_JSON", "Backends file " + file + ": " + key + " of " + where
                    + " is " + v + "; use true or false");
        }
        return v.asBoolean();
    }

    /** The file the backends came from, or null for the environment's single backend. */
    public Path file() {
        return file;
    }

    /** The backend used when none is named. */
    public String defaultName() {
        return defaultName;
    }

    /** The backends' names, sorted. */
    public List<String> names() {
        return specs.keySet().stream().sorted().toList();
    }

    /**
     * The backend of a name, or the default backend when {@code name} is null or blank.
     *
     * @throws DenConfigException when no backend has that name, listing the known ones
     */
    public BackendSpec spec(String name) {
        BackendSpec spec = specs.get(name == null || name.isBlank() ? defaultName : name);
        if (spec == null) {
            throw new DenConfigException("--backend", "No backend named '" + name + "'; known backends: "
                    + String.join(", ", names()) + (file == null ? " (set DEN4J_BACKENDS_JSON to a backends file "
                    + "to name more)" : " (from " + file + ")"));
        }
        return resolveCredentials(spec);
    }

    /** Reads {@code env:NAME} credentials now, so a variable only the chosen backend needs must be set. */
    private BackendSpec resolveCredentials(BackendSpec spec) {
        Map<String, String> resolved = new TreeMap<>();
        for (Map.Entry<String, String> c : spec.credentials().entrySet()) {
            String v = c.getValue();
            if (v.startsWith("env:")) {
                String var = v.substring(4);
                String value = env.get(var);
                if (value == null || value.isBlank()) {
                    throw new DenConfigException(var, "Credential " + c.getKey() + " of backend " + spec.name() + " in "
                            + file + " reads environment variable " + var + ", which is not set; set it or write the "
                            + "value");
                }
                v = value;
            }
            resolved.put(c.getKey(), v);
        }
        return new BackendSpec(spec.name(), spec.type(), spec.location(), spec.host(), resolved, spec.options(),
                spec.cache(), spec.allowPushFinetuned(), spec.allowLocalFineTune());
    }

    /** Every backend by name, credentials as written ({@code env:NAME} unresolved). */
    public Map<String, BackendSpec> specs() {
        return new TreeMap<>(specs);
    }
}
