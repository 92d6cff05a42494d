package org.den4j.serve.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.den4j.coder.CoderFormat;
import org.den4j.den.Den;
import org.den4j.serve.HttpEndpoint;
import org.den4j.serve.den.ApiKeys;

/**
 * ICD coding over HTTP: what {@code ./jbang serve-api} runs.
 *
 * <p>The contract (every error is {@code {"error":{"message","type","param","code"}}}, never a stack trace):
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"ok"}} once the coder is loaded, 503 {@code {"status":"loading"}}
 *       before (the port opens first; the coder loads in the background);
 *   <li>{@code GET /info}: the model's name, version, digest, kind, code systems, number of codes, metrics, start
 *       time, den4j version;
 *   <li>{@code POST /predict} {@code {"text", "top_k"?, "threshold"?, "code_system"?}}: the prediction JSON of
 *       {@code predict --json}; {@code POST /predict/batch} {@code {"texts": [...]}} → {@code {"results": [...]}};
 *       {@code POST /predict/pdf}, multipart field {@code file} → the prediction plus {@code pages};
 *   <li>OpenAI-compatible {@code GET /v1/models}, {@code POST /v1/chat/completions}, {@code POST /v1/completions}
 *       (see {@link OpenAiEndpoints});
 *   <li>{@code GET /metrics} (Prometheus text), {@code GET /openapi.json}, {@code GET /docs};
 *   <li>{@code POST /admin/reload}: load the reference again now and swap.
 * </ul>
 *
 * <p>A den reference is followed: when its alias moves, the new version is loaded beside the old one and swapped in
 * atomically; requests in flight finish on the old coder, which is closed after the last one. Errors: 400 bad JSON
 * or empty text, 401/403 API keys, 413 body too large, 415 not a PDF, 422 a PDF without text, 429 over the rate
 * limit (with {@code Retry-After}), 503 still loading, 504 past the request timeout.
 *
 * <pre>{@code
 * try (CoderApiServer server = CoderApiServer.builder(InferenceConfig.read(Path.of("config/inference-config.yaml")))
 *         .den(Den::open).start()) {
 *     System.out.println(server.url());
 *     server.join();
 * }
 * }</pre>
 *
 * <p>Whoever starts it closes it; closing stops the HTTP server, the prediction threads and the follower, and closes
 * the coder once no request holds it. It does not close the den (the caller that opened it does).
 */
public final class CoderApiServer implements AutoCloseable {
    private final HttpEndpoint endpoint;
    private final CoderSlot slot;
    private final ExecutorService workers;
    private final Builder.OpenedDen openedDen;

    private CoderApiServer(Builder b) {
        this.openedDen = b.den == null ? new Builder.OpenedDen() : null;
        InferenceConfig config = b.config;
        ApiMetrics metrics = new ApiMetrics();
        CoderSource source = CoderSource.of(config.model().name(), b.den == null ? openedDen : b.den,
                new CoderFormat.LoadOptions(config.model().device()));
        this.slot = new CoderSlot(source, config.model().pollInterval(), metrics, b.clock);
        int n = config.api().workers() > 0 ? config.api().workers()
                : 2 * Runtime.getRuntime().availableProcessors();
        AtomicInteger count = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "coder-worker-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ApiKeys keys = config.api().apiKeysFile() == null ? b.keys : ApiKeys.read(config.api().apiKeysFile());
        RateLimiter limiter = config.api().requestsPerMinute() == 0 ? null
                : new RateLimiter(config.api().requestsPerMinute(), config.api().burst(), System::nanoTime);
        ApiRoutes routes = new ApiRoutes(config, slot, metrics, keys, limiter, workers, b.clock);
        try {
            this.endpoint = HttpEndpoint.start(routes.create(), config.api().host(), config.api().port(),
                    "The coder API", (message, e) -> new ApiException(500, "server_error", "cannot_start", message));
        } catch (RuntimeException e) {
            workers.shutdownNow();
            throw e;
        }
        slot.start();
    }

    /** A server with these settings. */
    public static Builder builder(InferenceConfig config) {
        return new Builder(config);
    }

    /** The base URL, for example {@code http://127.0.0.1:8000}; OpenAI clients use {@code url() + "/v1"}. */
    public URI url() {
        return endpoint.url();
    }

    /** The port it listens on (the chosen one when started with port 0). */
    public int port() {
        return endpoint.port();
    }

    /** Whether a coder is loaded and served (what {@code /health} says). */
    public boolean ready() {
        return slot.ready();
    }

    /** Blocks until {@link #close()} is called (from another thread or a shutdown hook). */
    public void join() throws InterruptedException {
        endpoint.join();
    }

    /** The den4j version, as {@code /info} reports it. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = CoderApiServer.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** Stops the HTTP server, the follower and the prediction threads; the coder closes after its last request. */
    @Override
    public void close() {
        endpoint.close(() -> {
            workers.shutdown();
            slot.close();
            if (openedDen != null) {
                openedDen.close();
            }
        });
    }

    @Override
    public String toString() {
        return "CoderApiServer[" + endpoint.url() + " -> " + slot.requested() + "]";
    }

    /** Builds a {@link CoderApiServer}. */
    public static final class Builder {
        private final InferenceConfig config;
        private Supplier<Den> den;
        private ApiKeys keys;
        private Clock clock = Clock.systemUTC();

        private Builder(InferenceConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * The den to look references up in; the server does not close it. Default: {@link Den#open()} (the
         * {@code DEN4J_*} environment), opened when first needed and closed with the server.
         */
        public Builder den(Den den) {
            Objects.requireNonNull(den, "den");
            this.den = () -> den;
            return this;
        }

        /** API keys in code (for tests and notebooks); {@code api.api_keys_file} wins when set. Default: open. */
        public Builder keys(ApiKeys keys) {
            this.keys = keys;
            return this;
        }

        /** The clock of timestamps ({@code created}, {@code started_at}). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Opens the port and starts loading the coder in the background.
         *
         * @throws ApiException when the port cannot be bound
         * @throws org.den4j.den.DenConfigException when the API keys file cannot be used
         */
        public CoderApiServer start() {
            return new CoderApiServer(this);
        }

        /** The default den: opened when first needed, closed with the server. */
        static final class OpenedDen implements Supplier<Den>, AutoCloseable {
            private Den den;

            @Override
            public synchronized Den get() {
                if (den == null) {
                    den = Den.open();
                }
                return den;
            }

            @Override
            public synchronized void close() {
                if (den != null) {
                    den.close();
                }
            }
        }
    }
}
