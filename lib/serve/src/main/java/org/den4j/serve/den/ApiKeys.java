package org.den4j.serve.den;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.den4j.den.DenConfigException;

/**
 * The API keys a den server accepts, each with its scopes.
 *
 * <p>A key file is JSON or Java properties (chosen by the {@code .json} suffix):
 * <pre>
 * {"keys": [{"name": "alice", "token": "s3cret-alice", "scopes": ["read", "write"]},
 *           {"name": "ci", "sha256": "9f86d08...", "scopes": ["read"]}]}
 *
 * alice.token=s3cret-alice
 * alice.scopes=read,write
 * ci.sha256=9f86d08...
 * ci.scopes=read
 * </pre>
 * {@code sha256} holds the hex SHA-256 of the token, so the file need not hold the secret itself. The
 * environment can add keys: {@code DEN4J_SERVE_KEYS_FILE} names a key file, and
 * {@code DEN4J_SERVE_READ_KEYS}, {@code DEN4J_SERVE_WRITE_KEYS}, {@code DEN4J_SERVE_ADMIN_KEYS} hold
 * comma-separated tokens with that scope. Tokens are compared by their SHA-256 in constant time.
 *
 * @param keys the keys
 * @param anonymousRead whether requests without a key may read
 */
public record ApiKeys(List<Key> keys, boolean anonymousRead) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ApiKeys {
        keys = List.copyOf(keys);
    }

    /** No keys: everyone may read, nobody may write. */
    public static ApiKeys none() {
        return new ApiKeys(List.of(), true);
    }

    /** One key with the given scopes (for tests and notebooks). */
    public static ApiKeys of(String name, String token, Scope... scopes) {
        return new ApiKeys(List.of(Key.ofToken(name, token, EnumSet.copyOf(List.of(scopes)))), false);
    }

    /** These keys and one more. */
    public ApiKeys plus(String name, String token, Scope... scopes) {
        List<Key> all = new ArrayList<>(keys);
        all.add(Key.ofToken(name, token, EnumSet.copyOf(List.of(scopes))));
        return new ApiKeys(all, anonymousRead);
    }

    /** A copy that lets requests without a key read (or not). */
    public ApiKeys withAnonymousRead(boolean anonymousRead) {
        return new ApiKeys(keys, anonymousRead);
    }

    /**
     * Reads a key file; see the class comment for the formats.
     *
     * @throws DenConfigException naming the file and the problem when it cannot be used
     */
    public static ApiKeys read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DenConfigException("--keys", "Key file " + file + " does not exist; pass a JSON or properties "
                    + "file of API keys (see the README's Den server section)");
        }
        try {
            List<Key> keys = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                    ? fromJson(file) : fromProperties(file);
            if (keys.isEmpty()) {
                throw new DenConfigException("--keys", "Key file " + file + " holds no keys; add at least one "
                        + "with a token (or sha256) and scopes");
            }
            return new ApiKeys(keys, false);
        } catch (IOException e) {
            throw new DenConfigException("--keys", "Cannot read key file " + file + ": " + e.getMessage()
                    + "; fix it or pass another with --keys");
        }
    }

    /**
     * The keys an environment describes ({@code DEN4J_SERVE_KEYS_FILE} and the
     * {@code DEN4J_SERVE_*_KEYS} token lists); {@link #none()} when it describes none.
     */
    public static ApiKeys fromEnvironment(Map<String, String> env) {
        List<Key> keys = new ArrayList<>();
        String file = env.get("DEN4J_SERVE_KEYS_FILE");
        if (file != null && !file.isBlank()) {
            keys.addAll(read(Path.of(file.trim())).keys());
        }
        for (Scope scope : Scope.values()) {
            String variable = "DEN4J_SERVE_" + scope.name() + "_KEYS";
            String list = env.get(variable);
            if (list == null || list.isBlank()) {
                continue;
            }
            int i = 0;
            for (String token : list.split(",")) {
                if (!token.isBlank()) {
                    keys.add(Key.ofToken(variable + "[" + i++ + "]", token.trim(), EnumSet.of(scope)));
                }
            }
        }
        return keys.isEmpty() ? none() : new ApiKeys(keys, false);
    }

    /** These keys and those of {@code other}; anonymous reads stay allowed only when both allow them. */
    public ApiKeys merge(ApiKeys other) {
        if (other.keys.isEmpty()) {
            return this;
        }
        if (keys.isEmpty()) {
            return other;
        }
        List<Key> all = new ArrayList<>(keys);
        all.addAll(other.keys);
        return new ApiKeys(all, false);
    }

    /** The key a token belongs to. */
    public Optional<Key> find(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(token);
        Key found = null;
        for (Key k : keys) {
            // Look at every key, so the time taken does not tell which one matched.
            if (MessageDigest.isEqual(hash, k.tokenSha256()) && found == null) {
                found = k;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether some key may write. */
    public boolean anyWriter() {
        return keys.stream().anyMatch(k -> k.allows(Scope.WRITE));
    }

    private static List<Key> fromJson(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        JsonNode list = root == null ? null : root.get("keys");
        if (list == null || !list.isArray()) {
            throw new IOException("it has no \"keys\" array");
        }
        List<Key> keys = new ArrayList<>();
        for (JsonNode n : list) {
            String name = n.path("name").asText("");
            List<String> scopes = new ArrayList<>();
            n.path("scopes").forEach(s -> scopes.add(s.asText()));
            keys.add(key(file, name, n.path("token").asText(null), n.path("sha256").asText(null), scopes));
        }
        return keys;
    }

    private static List<Key> fromProperties(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Set<String> names = new TreeSet<>();
        for (String k : p.stringPropertyNames()) {
            int dot = k.lastIndexOf('.');
            if (dot <= 0) {
                throw new IOException("property '" + k + "' is not NAME.token, NAME.sha256 or NAME.scopes");
            }
            names.add(k.substring(0, dot));
        }
        List<Key> keys = new ArrayList<>();
        for (String name : names) {
            String scopes = p.getProperty(name + ".scopes", "");
            keys.add(key(file, name, p.getProperty(name + ".token"), p.getProperty(name + ".sha256"),
                    List.of(scopes.split(","))));
        }
        return keys;
    }

    private static Key key(Path file, String name, String token, String sha, List<String> scopeNames) throws IOException {
        if (name.isBlank()) {
            throw new IOException("a key has no name");
        }
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : scopeNames) {
            if (!s.isBlank()) {
                scopes.add(Scope.parse(s.trim(), "key " + name + " in " + file));
            }
        }
        if (scopes.isEmpty()) {
            throw new IOException("key " + name + " has no scopes; give read, write or admin");
        }
        if (token != null && !token.isBlank()) {
            return Key.ofToken(name, token.trim(), scopes);
        }
        if (sha != null && sha.trim().matches("[0-9a-fA-F]{64}")) {
            return new Key(name, HexFormat.of().parseHex(sha.trim().toLowerCase(Locale.ROOT)), scopes);
        }
        throw new IOException("key " + name + " has neither a token nor a 64-hex-digit sha256");
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** What a key may do; each scope includes the ones before it. */
    public enum Scope {
        /** List, show, search and download. */
        READ,
        /** Push, alias, update and delete model versions (a delete keeps the bytes until gc). */
        WRITE,
        /** Delete blobs and documents outright, set damaged blobs aside: what den gc and den verify need. */
        ADMIN;

        /** The lower-case name used in key files, for example {@code read}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Scope parse(String raw, String where) {
            try {
                return valueOf(raw.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new DenConfigException("--keys", "Scope '" + raw + "' of " + where
                        + " is not a scope; use read, write or admin");
            }
        }
    }

    /**
     * One API key.
     *
     * @param name who or what holds it, for logs and messages
     * @param tokenSha256 the SHA-256 of the token
     * @param scopes what it may do
     */
    public record Key(String name, byte[] tokenSha256, Set<Scope> scopes) {
        public Key {
            scopes = Set.copyOf(scopes);
        }

        static Key ofToken(String name, String token, Set<Scope> scopes) {
            return new Key(name, sha256(token), scopes);
        }

        /** Whether this key has {@code scope} or a wider one. */
        public boolean allows(Scope scope) {
            return scopes.stream().anyMatch(s -> s.ordinal() >= scope.ordinal());
        }

        /** Every scope this key has, wider ones implying narrower ones, as configuration names. */
        public List<String> effectiveScopes() {
            List<String> out = new ArrayList<>();
            for (Scope s : Scope.values()) {
                if (allows(s)) {
                    out.add(s.configName());
                }
            }
            return out;
        }
    }
}
