package org.den4j.serve.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.den4j.command.ConfigKeys;

/**
 * The coder API's configuration, {@code config/inference-config.yaml}: which coder to serve, how it predicts, and
 * how the HTTP API guards itself.
 *
 * <pre>{@code
 * model:     {name: den4j/icd-coder@champion, device: auto, poll_seconds: 2}
 * inference: {top_k: null, threshold: null, temperature: 0.0, top_p: 1.0, max_new_tokens: 64}
 * api:       {host: 127.0.0.1, port: 8000, cors_origins: [], rate_limit: {requests_per_minute: 0, burst: 0},
 *             request_timeout_seconds: 30, max_body_bytes: 10485760, api_keys_file: null, workers: 0}
 * logging:   {level: info, requests: false}
 * }</pre>
 *
 * <p>A missing section or key takes the default above ({@link #defaults()}); an unknown key is an error that names
 * the key and the file. Relative paths are resolved against the working folder.
 *
 * @param file the file this was read from, or null when built in code
 * @param model the coder to serve
 * @param inference default prediction settings (a request may override them)
 * @param api the HTTP side
 * @param logging what goes to stderr
 */
public record InferenceConfig(Path file, Model model, Inference inference, Api api, Logging logging) {
    /** The configuration read when none is named, relative to the working folder. */
    public static final Path DEFAULT_FILE = Path.of("config", "inference-config.yaml");
    /** The coder served by default. */
    public static final String DEFAULT_MODEL = "den4j/icd-coder@champion";

    public InferenceConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(inference, "inference");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(logging, "logging");
    }

    /**
     * The coder to serve.
     *
     * @param name a den reference ({@code name}, {@code name@version}, {@code name@alias}) or a coder folder
     * @param device {@code auto}, {@code cpu} or {@code cuda} (language-model coders only)
     * @param pollInterval how often the den is asked whether the reference moved (zero: never; a folder is not
     *     followed)
     */
    public record Model(String name, String device, Duration pollInterval) {
        public static final List<String> DEVICES = List.of("auto", "cpu", "cuda");
    }

    /**
     * Default prediction settings; a request's own values win.
     *
     * @param topK at most this many codes, or null for the coder's thresholds alone
     * @param threshold one score threshold for every code, or null for the tuned per-code thresholds
     * @param temperature sampling temperature of generative coders (0: greedy)
     * @param topP nucleus sampling mass of generative coders
     * @param maxNewTokens the longest answer of generative coders, in tokens
     */
    public record Inference(Integer topK, Double threshold, double temperature, double topP, int maxNewTokens) {
    }

    /**
     * The HTTP side.
     *
     * @param host the interface to bind ({@code 0.0.0.0}: every interface)
     * @param port the TCP port (0: a free one)
     * @param corsOrigins origins allowed by CORS ({@code *} for any; empty: no CORS headers)
     * @param requestsPerMinute requests each API key (or, without keys, each client address) may make a minute;
     *     0 for no limit
     * @param burst requests allowed at once before the rate applies (0: one minute's worth)
     * @param requestTimeout the longest a prediction may take before the answer is 504
     * @param maxBodyBytes the largest request body (413 above it)
     * @param apiKeysFile the API keys (the den server's key file format), or null for an open API
     * @param workers threads that run predictions (0: twice the number of cores)
     */
    public record Api(String host, int port, List<String> corsOrigins, int requestsPerMinute, int burst,
            Duration requestTimeout, long maxBodyBytes, Path apiKeysFile, int workers) {
        public Api {
            corsOrigins = List.copyOf(corsOrigins);
        }

        /** The same settings on another host and port. */
        public Api withAddress(String newHost, int newPort) {
            return new Api(newHost, newPort, corsOrigins, requestsPerMinute, burst, requestTimeout, maxBodyBytes,
                    apiKeysFile, workers);
        }
    }

    /**
     * What goes to stderr.
     *
     * @param level {@code error}, {@code warn}, {@code info} or {@code debug}
     * @param requests whether every request is logged (method, path, status, milliseconds)
     */
    public record Logging(String level, boolean requests) {
        public static final List<String> LEVELS = List.of("error", "warn", "info", "debug");
    }

    /** Every default, as {@code config/inference-config.yaml} ships it. */
    public static InferenceConfig defaults() {
        return new InferenceConfig(null, new Model(DEFAULT_MODEL, "auto", Duration.ofSeconds(2)),
                new Inference(null, null, 0.0, 1.0, 64),
                new Api("127.0.0.1", 8000, List.of(), 0, 0, Duration.ofSeconds(30), 10L << 20, null, 0),
                new Logging("info", false));
    }

    /** The same configuration serving another model. */
    public InferenceConfig withModel(String name) {
        return new InferenceConfig(file, new Model(name, model.device, model.pollInterval), inference, api, logging);
    }

    /** The same configuration with other API settings. */
    public InferenceConfig withApi(Api newApi) {
        return new InferenceConfig(file, model, inference, newApi, logging);
    }

    /** The same configuration with other model settings. */
    public InferenceConfig withModel(Model newModel) {
        return new InferenceConfig(file, newModel, inference, api, logging);
    }

    /** The same configuration with other inference defaults. */
    public InferenceConfig withInference(Inference newInference) {
        return new InferenceConfig(file, model, newInference, api, logging);
    }

    /**
     * Reads a configuration file.
     *
     * @throws InferenceConfigException naming the file and the key when the file is missing, is not YAML, or has
     *     an unknown key or a bad value
     */
    public static InferenceConfig read(Path file) {
        return parse(keys(file).read(), file);
    }

    private static ConfigKeys keys(Path file) {
        return ConfigKeys.of(file, "inference configuration", DEFAULT_FILE, InferenceConfigException::new);
    }

    /**
     * Reads a configuration from YAML text; {@code file} (may be null) is named in messages.
     *
     * @throws InferenceConfigException as {@link #read(Path)}
     */
    public static InferenceConfig parse(String yaml, Path file) {
        ConfigKeys r = keys(file);
        JsonNode root = r.root(yaml, Set.of("model", "inference", "api", "logging"));
        InferenceConfig d = defaults();

        JsonNode m = r.section(root, "model", Set.of("name", "device", "poll_seconds"));
        Model model = new Model(r.text(m, "model.name", d.model.name),
                r.oneOf(m, "model.device", d.model.device, Model.DEVICES),
                r.seconds(m, "model.poll_seconds", d.model.pollInterval, true));

        JsonNode in = r.section(root, "inference", Set.of("top_k", "threshold", "temperature", "top_p",
                "max_new_tokens"));
        Integer topK = r.has(in, "inference.top_k") ? r.positiveInt(in, "inference.top_k", 1) : null;
        Double threshold = null;
        if (r.has(in, "inference.threshold")) {
            threshold = r.number(in, "inference.threshold", 0);
            if (threshold < 0 || threshold > 1) {
                throw r.bad("inference.threshold", threshold, "a number in [0, 1], or null for the tuned thresholds");
            }
        }
        double temperature = r.number(in, "inference.temperature", d.inference.temperature);
        if (temperature < 0 || temperature > 2) {
            throw r.bad("inference.temperature", temperature, "a number in [0, 2] (0: greedy)");
        }
        double topP = r.number(in, "inference.top_p", d.inference.topP);
        if (topP <= 0 || topP > 1) {
            throw r.bad("inference.top_p", topP, "a number in (0, 1]");
        }
        Inference inference = new Inference(topK, threshold, temperature, topP,
                r.positiveInt(in, "inference.max_new_tokens", d.inference.maxNewTokens));

        JsonNode a = r.section(root, "api", Set.of("host", "port", "cors_origins", "rate_limit",
                "request_timeout_seconds", "max_body_bytes", "api_keys_file", "workers"));
        int port = r.integer(a, "api.port", d.api.port);
        if (port < 0 || port > 65535) {
            throw r.bad("api.port", port, "a TCP port in 0..65535 (0 picks a free one)");
        }
        JsonNode rl = r.section(a, "api.rate_limit", Set.of("requests_per_minute", "burst"));
        int rpm = r.integer(rl, "api.rate_limit.requests_per_minute", d.api.requestsPerMinute);
        int burst = r.integer(rl, "api.rate_limit.burst", d.api.burst);
        if (rpm < 0) {
            throw r.bad("api.rate_limit.requests_per_minute", rpm, "a whole number of at least 0 (0: no limit)");
        }
        if (burst < 0) {
            throw r.bad("api.rate_limit.burst", burst, "a whole number of at least 0 (0: one minute's worth)");
        }
        String keys = r.textOrNull(a, "api.api_keys_file");
        long maxBody = (long) r.number(a, "api.max_body_bytes", d.api.maxBodyBytes);
        if (maxBody < 1024) {
            throw r.bad("api.max_body_bytes", maxBody, "a size in bytes of at least 1024, such as 10485760");
        }
        int workers = r.integer(a, "api.workers", d.api.workers);
        if (workers < 0) {
            throw r.bad("api.workers", workers, "a whole number of at least 0 (0: twice the cores)");
        }
        Duration timeout = r.seconds(a, "api.request_timeout_seconds", d.api.requestTimeout, false);
        Api api = new Api(r.text(a, "api.host", d.api.host), port,
                r.textList(a, "api.cors_origins", d.api.corsOrigins, true,
                        "[\"http://localhost:3000\"] or [\"*\"]"), rpm, burst, timeout, maxBody,
                keys == null ? null : r.path("api.api_keys_file", keys), workers);

        JsonNode l = r.section(root, "logging", Set.of("level", "requests"));
        Logging logging = new Logging(r.oneOf(l, "logging.level", d.logging.level, Logging.LEVELS),
                r.bool(l, "logging.requests", d.logging.requests));
        return new InferenceConfig(file, model, inference, api, logging);
    }
}
