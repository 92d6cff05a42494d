package org.den4j.hub;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the Hub is, where its cache lives, which token to send, and whether to go online at all.
 *
 * <p>{@link #fromEnvironment()} reads the variables of Python's {@code huggingface_hub}, with the same
 * meaning, so that Java and Python share one cache and one login. This is the only type that reads the
 * environment.
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><th>variable</th><th>default</th></tr>
 * <tr><td>{@code HF_HOME}</td><td>{@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}</td></tr>
 * <tr><td>{@code HF_HUB_CACHE}</td><td>{@code $HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub}</td></tr>
 * <tr><td>{@code HF_ENDPOINT}</td><td>{@code https://huggingface.co}</td></tr>
 * <tr><td>{@code HF_TOKEN}</td><td>{@code $HUGGING_FACE_HUB_TOKEN}, else the file {@code $HF_TOKEN_PATH}
 *     ({@code $HF_HOME/token})</td></tr>
 * <tr><td>{@code HF_HUB_OFFLINE}</td><td>{@code $TRANSFORMERS_OFFLINE}, else false</td></tr>
 * <tr><td>{@code HF_HUB_DISABLE_SYMLINKS}</td><td>false</td></tr>
 * <tr><td>{@code HF_HUB_ETAG_TIMEOUT}, {@code HF_HUB_DOWNLOAD_TIMEOUT}</td><td>10 seconds</td></tr>
 * <tr><td>{@code HF_HUB_ENABLE_HF_TRANSFER}</td><td>false</td></tr>
 * </table>
 *
 * <p>{@code HF_HUB_ENABLE_HF_TRANSFER} keeps huggingface_hub's meaning, "use the fast parallel downloader", without
 * the Rust {@code hf_transfer} package: a file larger than {@value #RANGE_THRESHOLD_CHUNKS} chunks (as Python's
 * {@code total > 5 * DOWNLOAD_CHUNK_SIZE}) is fetched as {@link #rangeChunkSize()}-byte {@code Range} requests, at
 * most {@link #rangeConnections()} at once, into the one temporary file, then checked and moved as any download.
 * The chunk size and the connection count are settings of the builder, not variables.
 *
 * <p>Booleans accept {@code 1, true, yes, on} and {@code 0, false, no, off} (any case) or empty; any other
 * value is a {@link HubConfigException} naming the variable, where Python would quietly read it as false.
 *
 * <pre>{@code
 * HubSettings settings = HubSettings.fromEnvironment();
 * HubSettings forTests = HubSettings.builder(tempDir.resolve("hub")).endpoint(hub.endpoint()).token("hf_x").build();
 * }</pre>
 *
 * @param hfHome the Hugging Face home ({@code HF_HOME}); holds the token file
 * @param hubCache the Hub cache ({@code HF_HUB_CACHE}), with one {@code models--org--name} folder per repository
 * @param endpoint the Hub or a mirror ({@code HF_ENDPOINT}), without a trailing slash
 * @param token the access token sent as {@code Authorization: Bearer}, or null for anonymous requests
 * @param tokenSource where the token came from ({@code HF_TOKEN}, {@code HUGGING_FACE_HUB_TOKEN}, the token
 *     file's path, or {@code explicit}), or null without a token; named in messages about a rejected token
 * @param offline serve from the cache only and never make a request ({@code HF_HUB_OFFLINE})
 * @param symlinksDisabled store files in snapshots as copies rather than symlinks ({@code HF_HUB_DISABLE_SYMLINKS})
 * @param etagTimeout how long to wait for metadata answers ({@code HF_HUB_ETAG_TIMEOUT})
 * @param downloadTimeout how long to wait for a download to start answering ({@code HF_HUB_DOWNLOAD_TIMEOUT})
 * @param maxWorkers how many files a snapshot download transfers at once (Python's {@code max_workers}, 8)
 * @param hfTransfer download large files as parallel {@code Range} requests ({@code HF_HUB_ENABLE_HF_TRANSFER})
 * @param rangeChunkSize the bytes of one {@code Range} request with {@code hfTransfer} (10 MiB, Python's
 *     {@code DOWNLOAD_CHUNK_SIZE}); a file needs more than {@value #RANGE_THRESHOLD_CHUNKS} of them to be split
 * @param rangeConnections how many {@code Range} requests of one file run at once with {@code hfTransfer} (8)
 */
public record HubSettings(Path hfHome, Path hubCache, URI endpoint, String token, String tokenSource,
        boolean offline, boolean symlinksDisabled, Duration etagTimeout, Duration downloadTimeout,
        int maxWorkers, boolean hfTransfer, long rangeChunkSize, int rangeConnections) {

    /** The public Hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    /** Python's {@code DEFAULT_ETAG_TIMEOUT} and {@code DEFAULT_DOWNLOAD_TIMEOUT}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Python's default {@code max_workers} of {@code snapshot_download}. */
    public static final int DEFAULT_MAX_WORKERS = 8;
    /** Python's {@code DOWNLOAD_CHUNK_SIZE}: the default {@link #rangeChunkSize()}, 10 MiB. */
    public static final long DEFAULT_RANGE_CHUNK_SIZE = 10L << 20;
    /** The default {@link #rangeConnections()} per file. */
    public static final int DEFAULT_RANGE_CONNECTIONS = 8;
    /** With {@link #hfTransfer()}, files larger than this many chunks go as parallel ranges (Python's 5). */
    public static final int RANGE_THRESHOLD_CHUNKS = 5;

    private static final Set<String> TRUE_VALUES = Set.of("1", "ON", "YES", "TRUE");
    private static final Set<String> FALSE_VALUES = Set.of("", "0", "OFF", "NO", "FALSE");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$(\\w+|\\{([^}]*)})");

    public HubSettings {
        Objects.requireNonNull(hubCache, "hubCache");
        hfHome = hfHome == null ? hubCache.toAbsolutePath().getParent() : hfHome;
        endpoint = checkEndpoint(endpoint == null ? DEFAULT_ENDPOINT.toString() : endpoint.toString(), "HF_ENDPOINT");
        token = cleanToken(token);
        tokenSource = token == null ? null : (tokenSource == null ? "explicit" : tokenSource);
        etagTimeout = etagTimeout == null ? DEFAULT_TIMEOUT : etagTimeout;
        downloadTimeout = downloadTimeout == null ? DEFAULT_TIMEOUT : downloadTimeout;
        if (etagTimeout.isNegative() || etagTimeout.isZero()) {
            throw new HubConfigException("HF_HUB_ETAG_TIMEOUT", etagTimeout.toString(),
                    "The metadata timeout " + etagTimeout + " is not positive; use a number of seconds above 0");
        }
        if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
            throw new HubConfigException("HF_HUB_DOWNLOAD_TIMEOUT", downloadTimeout.toString(),
                    "The download timeout " + downloadTimeout + " is not positive; use a number of seconds above 0");
        }
        if (maxWorkers < 1) {
            throw new HubConfigException("maxWorkers", Integer.toString(maxWorkers),
                    "maxWorkers=" + maxWorkers + " is below 1; use 1 or more parallel downloads");
        }
        if (rangeChunkSize < 1) {
            throw new HubConfigException("rangeChunkSize", Long.toString(rangeChunkSize),
                    "rangeChunkSize=" + rangeChunkSize + " is below 1 byte; use a chunk size such as 10 MiB ("
                            + DEFAULT_RANGE_CHUNK_SIZE + ")");
        }
        if (rangeConnections < 1) {
            throw new HubConfigException("rangeConnections", Integer.toString(rangeConnections),
                    "rangeConnections=" + rangeConnections + " is below 1; use 1 or more connections per file");
        }
    }

    /**
     * Whether a file of {@code size} bytes downloads as parallel {@code Range} requests: with {@link #hfTransfer()}
     * and more than {@value #RANGE_THRESHOLD_CHUNKS} chunks of {@link #rangeChunkSize()}.
     */
    public boolean splitsIntoRanges(long size) {
        // size > 5 * chunk, without overflow for any chunk size
        return hfTransfer && size > 0 && (size - 1) / RANGE_THRESHOLD_CHUNKS >= rangeChunkSize;
    }

    /** These settings with another Hub cache (a models configuration's {@code cache_dir}). */
    public HubSettings withHubCache(Path hubCache) {
        return new HubSettings(hfHome, hubCache, endpoint, token, tokenSource, offline, symlinksDisabled, etagTimeout,
                downloadTimeout, maxWorkers, hfTransfer, rangeChunkSize, rangeConnections);
    }

    /** Reads the Hub variables of this process (see the class comment) over the defaults. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads the Hub variables from {@code env} over the defaults, as Python's {@code huggingface_hub} does.
     *
     * <p>{@code ~} and {@code $VAR} in paths expand as Python's {@code expanduser} and {@code expandvars} do.
     * The token file is read now, not at each request.
     *
     * @throws HubConfigException naming the variable when a value cannot be used
     */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        String home = nonEmpty(env.get("HOME"));
        if (home == null) {
            home = System.getProperty("user.home");
        }
        String xdgCache = env.get("XDG_CACHE_HOME");
        Path defaultHome = xdgCache != null ? path(expand(xdgCache, env, home), "XDG_CACHE_HOME").resolve("huggingface")
                : Path.of(home, ".cache", "huggingface");
        Path hfHome = env.get("HF_HOME") != null ? path(expand(env.get("HF_HOME"), env, home), "HF_HOME") : defaultHome;

        String cacheVar = env.get("HF_HUB_CACHE") != null ? "HF_HUB_CACHE"
                : env.get("HUGGINGFACE_HUB_CACHE") != null ? "HUGGINGFACE_HUB_CACHE" : null;
        Path hubCache = cacheVar != null ? path(expand(env.get(cacheVar), env, home), cacheVar) : hfHome.resolve("hub");

        String endpoint = env.get("HF_ENDPOINT");
        URI endpointUri = endpoint == null ? DEFAULT_ENDPOINT : checkEndpoint(endpoint, "HF_ENDPOINT");

        // Python: os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN"): an empty HF_TOKEN falls through.
        String token = null;
        String tokenSource = null;
        for (String name : new String[] {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
            String value = env.get(name);
            if (value != null && !value.isEmpty()) {
                token = cleanToken(value);
                tokenSource = name;
                break;
            }
        }
        if (token == null) {
            Path tokenPath = env.get("HF_TOKEN_PATH") != null
                    ? path(expand(env.get("HF_TOKEN_PATH"), env, home), "HF_TOKEN_PATH") : hfHome.resolve("token");
            token = readTokenFile(tokenPath);
            tokenSource = token == null ? null : tokenPath.toString();
        }

        // Python: _is_true(os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE")).
        String offlineVar = nonEmpty(env.get("HF_HUB_OFFLINE")) != null || env.get("TRANSFORMERS_OFFLINE") == null
                ? "HF_HUB_OFFLINE" : "TRANSFORMERS_OFFLINE";
        boolean offline = bool(env, offlineVar);
        boolean symlinksDisabled = bool(env, "HF_HUB_DISABLE_SYMLINKS");
        Duration etagTimeout = seconds(env, "HF_HUB_ETAG_TIMEOUT");
        Duration downloadTimeout = seconds(env, "HF_HUB_DOWNLOAD_TIMEOUT");
        boolean hfTransfer = bool(env, "HF_HUB_ENABLE_HF_TRANSFER");
        return new HubSettings(hfHome, hubCache, endpointUri, token, tokenSource, offline, symlinksDisabled,
                etagTimeout, downloadTimeout, DEFAULT_MAX_WORKERS, hfTransfer, DEFAULT_RANGE_CHUNK_SIZE,
                DEFAULT_RANGE_CONNECTIONS);
    }

    /**
     * Settings with the given cache and defaults for everything else: the public Hub, no token, online,
     * symlinks, 10 second timeouts, 8 workers, one stream per file. Nothing is read from the environment.
     */
    public static Builder builder(Path hubCache) {
        return new Builder(hubCache);
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder(hubCache);
        b.hfHome = hfHome;
        b.endpoint = endpoint;
        b.token = token;
        b.tokenSource = tokenSource;
        b.offline = offline;
        b.symlinksDisabled = symlinksDisabled;
        b.etagTimeout = etagTimeout;
        b.downloadTimeout = downloadTimeout;
        b.maxWorkers = maxWorkers;
        b.hfTransfer = hfTransfer;
        b.rangeChunkSize = rangeChunkSize;
        b.rangeConnections = rangeConnections;
        return b;
    }

    /** Whether requests carry a token. */
    public boolean hasToken() {
        return token != null;
    }

    /** Shows where the token came from, never the token itself. */
    @Override
    public String toString() {
        return "HubSettings[hfHome=" + hfHome + ", hubCache=" + hubCache + ", endpoint=" + endpoint + ", token="
                + (token == null ? "none" : "*** from " + tokenSource) + ", offline=" + offline
                + ", symlinksDisabled=" + symlinksDisabled + ", etagTimeout=" + etagTimeout + ", downloadTimeout="
                + downloadTimeout + ", maxWorkers=" + maxWorkers + ", hfTransfer=" + hfTransfer + ", rangeChunkSize="
                + rangeChunkSize + ", rangeConnections=" + rangeConnections + "]";
    }

    /** Builds {@link HubSettings}; see {@link HubSettings#builder(Path)}. */
    public static final class Builder {
        private final Path hubCache;
        private Path hfHome;
        private URI endpoint = DEFAULT_ENDPOINT;
        private String token;
        private String tokenSource;
        private boolean offline;
        private boolean symlinksDisabled;
        private Duration etagTimeout = DEFAULT_TIMEOUT;
        private Duration downloadTimeout = DEFAULT_TIMEOUT;
        private int maxWorkers = DEFAULT_MAX_WORKERS;
        private boolean hfTransfer;
        private long rangeChunkSize = DEFAULT_RANGE_CHUNK_SIZE;
        private int rangeConnections = DEFAULT_RANGE_CONNECTIONS;

        private Builder(Path hubCache) {
            this.hubCache = Objects.requireNonNull(hubCache, "hubCache");
        }

        /** The Hugging Face home; defaults to the cache's parent folder. */
        public Builder hfHome(Path hfHome) {
            this.hfHome = hfHome;
            return this;
        }

        /** The Hub or a mirror, such as {@code http://127.0.0.1:8080}. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** The Hub or a mirror, such as {@code http://127.0.0.1:8080}. */
        public Builder endpoint(String endpoint) {
            return endpoint(checkEndpoint(endpoint, "endpoint"));
        }

        /** The access token, or null for anonymous requests. */
        public Builder token(String token) {
            this.token = token;
            this.tokenSource = "explicit";
            return this;
        }

        /** Serve from the cache only. */
        public Builder offline(boolean offline) {
            this.offline = offline;
            return this;
        }

        /** Store copies rather than symlinks in snapshots. */
        public Builder symlinksDisabled(boolean symlinksDisabled) {
            this.symlinksDisabled = symlinksDisabled;
            return this;
        }

        /** How long to wait for metadata answers. */
        public Builder etagTimeout(Duration etagTimeout) {
            this.etagTimeout = etagTimeout;
            return this;
        }

        /** How long to wait for a download to start answering. */
        public Builder downloadTimeout(Duration downloadTimeout) {
            this.downloadTimeout = downloadTimeout;
            return this;
        }

        /** How many files a snapshot download transfers at once. */
        public Builder maxWorkers(int maxWorkers) {
            this.maxWorkers = maxWorkers;
            return this;
        }

        /** Download large files as parallel {@code Range} requests ({@code HF_HUB_ENABLE_HF_TRANSFER}). */
        public Builder hfTransfer(boolean hfTransfer) {
            this.hfTransfer = hfTransfer;
            return this;
        }

        /** The bytes of one {@code Range} request with {@link #hfTransfer(boolean)}; default 10 MiB. */
        public Builder rangeChunkSize(long bytes) {
            this.rangeChunkSize = bytes;
            return this;
        }

        /** How many {@code Range} requests of one file run at once with {@link #hfTransfer(boolean)}; default 8. */
        public Builder rangeConnections(int connections) {
            this.rangeConnections = connections;
            return this;
        }

        /** The settings. @throws HubConfigException when a value cannot be used */
        public HubSettings build() {
            return new HubSettings(hfHome, hubCache, endpoint, token, tokenSource, offline, symlinksDisabled,
                    etagTimeout, downloadTimeout, maxWorkers, hfTransfer, rangeChunkSize, rangeConnections);
        }
    }

    private static URI checkEndpoint(String raw, String variable) {
        String value = raw.strip();
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getQuery() == null
                    && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new HubConfigException(variable, raw, variable + "=" + raw + " is not an http(s) URL; use the Hub's "
                + "address such as " + DEFAULT_ENDPOINT + " or a mirror's, such as http://127.0.0.1:8080");
    }

    /** Python's {@code _clean_token}: drop CR, LF and surrounding blanks; empty means none. */
    private static String cleanToken(String token) {
        if (token == null) {
            return null;
        }
        String t = token.replace("\r", "").replace("\n", "").strip();
        return t.isEmpty() ? null : t;
    }

    private static String readTokenFile(Path tokenPath) {
        try {
            return cleanToken(Files.readString(tokenPath, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new HubConfigException("HF_TOKEN_PATH", tokenPath.toString(), "Cannot read the token file "
                    + tokenPath + " (" + e + "); fix its permissions, or set HF_TOKEN instead");
        }
    }

    private static boolean bool(Map<String, String> env, String variable) {
        String raw = env.get(variable);
        if (raw == null) {
            return false;
        }
        String v = raw.strip().toUpperCase(Locale.ROOT);
        if (TRUE_VALUES.contains(v)) {
            return true;
        }
        if (FALSE_VALUES.contains(v)) {
            return false;
        }
        throw new HubConfigException(variable, raw, variable + "=" + raw + " is not a boolean; use one of "
                + "1, true, yes, on (enable) or 0, false, no, off (disable)");
    }

    private static Duration seconds(Map<String, String> env, String variable) {
        String raw = env.get(variable);
        if (raw == null) {
            return DEFAULT_TIMEOUT;
        }
        try {
            long s = Long.parseLong(raw.strip());
            if (s == 0) {
                return DEFAULT_TIMEOUT; // Python: `_as_int(value) or DEFAULT`
            }
            if (s > 0) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new HubConfigException(variable, raw, variable + "=" + raw
                + " is not a number of seconds; use a whole number above 0, such as 10");
    }

    private static Path path(String value, String variable) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new HubConfigException(variable, value, variable + "=" + value + " is not a path (" + e.getReason()
                    + "); use a folder such as ~/.cache/huggingface");
        }
    }

    /** Python's {@code expandvars(expanduser(value))}: unknown variables stay as written. */
    private static String expand(String value, Map<String, String> env, String home) {
        String v = value;
        if (v.equals("~") || v.startsWith("~/")) {
            v = home + v.substring(1);
        }
        if (v.indexOf('$') < 0) {
            return v;
        }
        Matcher m = ENV_REFERENCE.matcher(v);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2) != null ? m.group(2) : m.group(1);
            String replacement = env.get(name);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement != null ? replacement : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
