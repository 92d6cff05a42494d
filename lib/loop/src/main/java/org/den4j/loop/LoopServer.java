package org.den4j.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import org.den4j.den.Den;
import org.den4j.serve.HttpEndpoint;

/**
 * The feedback-loop server: what {@code ./jbang loop serve} runs.
 *
 * <p>It answers the HTTP contract under {@code /api/v1} (label sets, observations, uploads, predict,
 * confirm and reject, train, jobs, models, rollback) with {@code Authorization: Bearer KEY}, plus
 * {@code /health}, {@code /metrics} (Prometheus) and {@code /openapi.json}. Errors are JSON
 * {@code {"error":{"message","type","param","code"}}}, {@code code} a string named after the HTTP status
 * (as serve-api answers); another tenant's object is 404. Worker threads ({@link Builder#workers}) train the queued jobs; {@code ./jbang loop worker}
 * processes may train too. Several servers may share one database: each follows promotions by
 * {@code LISTEN}.
 *
 * <pre>{@code
 * try (LoopServer server = LoopServer.builder(LoopDatabase.Location.embedded(Path.of("loop-data")), den)
 *         .port(8080).workers(1).start()) {
 *     server.join();
 * }
 * }</pre>
 *
 * <p>Whoever starts it closes it; closing stops HTTP, the workers, the listener and the database (and the
 * embedded PostgreSQL if this server started it). The den is the caller's to close.
 */
public final class LoopServer implements AutoCloseable {
    private final LoopDatabase db;
    private final Champions champions;
    private final Worker worker;
    private final Uploads uploads;
    private final HttpEndpoint endpoint;

    private LoopServer(Builder b) {
        this.db = LoopDatabase.open(b.location, b.poolSize);
        // What has started so far, stopped in reverse order when a later step fails.
        Deque<Runnable> started = new ArrayDeque<>();
        LoopRoutes routes;
        try {
            ObjectMapper json = LoopJson.mapper();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            JobQueue queue = new JobQueue(db, json);
            this.champions = new Champions(db, b.den, b.algorithms);
            started.push(champions::close);
            registry.counter("den4j_loop_champion_swaps");
            champions.onSwap(s -> registry.counter("den4j_loop_champion_swaps").increment());
            champions.listen();
            Observations observations = new Observations(db, queue, champions, json);
            Training training = new Training(db, queue, b.algorithms, champions, b.den,
                    b.workDirectory.resolve("training"), json);
            this.worker = new Worker(queue, Map.of("train", training), b.workers, b.lease, Duration.ofSeconds(1));
            started.push(worker::close);
            observations.onJobQueued(id -> worker.wake());
            this.uploads = new Uploads(db, queue, champions, json, b.workDirectory.resolve("uploads"), b.maxUploadBytes,
                    2, worker.name());
            started.push(uploads::close);
            routes = new LoopRoutes(db, json, registry, new Tenants(db), new LabelSets(db, b.algorithms), observations,
                    queue, new Models(db, json, b.den), training, uploads, b.rateLimit);
        } catch (RuntimeException e) {
            stop(started, e);
            throw new LoopException("The loop server cannot start on " + b.host + ":" + b.port + ": " + e.getMessage()
                    + " (choose another --port; 0 picks a free one)", e);
        }
        try {
            this.endpoint = HttpEndpoint.start(routes.create(), b.host, b.port, "The loop server", LoopException::new);
        } catch (RuntimeException e) {
            stop(started, e);
            throw e;
        }
    }

    /** Stops what a failed start had started (uploads, workers, listener), then the database. */
    private void stop(Deque<Runnable> started, RuntimeException failure) {
        while (!started.isEmpty()) {
            try {
                started.pop().run();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        db.close();
    }

    /** A server on the database at {@code location} that keeps its models in {@code den}. */
    public static Builder builder(LoopDatabase.Location location, Den den) {
        return new Builder(location, den);
    }

    /** The base URL, for example {@code http://127.0.0.1:8080}. */
    public URI url() {
        return endpoint.url();
    }

    /** The port it listens on. */
    public int port() {
        return endpoint.port();
    }

    /** Its database (do not close it; closing the server does). */
    public LoopDatabase database() {
        return db;
    }

    /** Its champions cache (for swap listeners). */
    public Champions champions() {
        return champions;
    }

    /** Blocks until {@link #close()}. */
    public void join() throws InterruptedException {
        endpoint.join();
    }

    /** Stops HTTP, the uploads, the workers and the listener, then closes the database. */
    @Override
    public void close() {
        endpoint.close(() -> {
            try {
                uploads.close();
                worker.close();
                champions.close();
            } finally {
                db.close();
            }
        });
    }

    /** Builds a {@link LoopServer}. */
    public static final class Builder {
        private final LoopDatabase.Location location;
        private final Den den;
        private String host = "127.0.0.1";
        private int port = 0;
        private int workers = 1;
        private int poolSize = 16;
        private Duration lease = Duration.ofSeconds(30);
        private Path workDirectory = Path.of(System.getProperty("java.io.tmpdir"), "den4j-loop");
        private Algorithms algorithms;
        private long maxUploadBytes = 1L << 30;
        private int rateLimit = 0;

        private Builder(LoopDatabase.Location location, Den den) {
            this.location = Objects.requireNonNull(location, "location");
            this.den = Objects.requireNonNull(den, "den");
        }

        /** The interface to bind, default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port, default 0 (a free one). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new LoopInputException("--port " + port + " is not a TCP port; use 0 to 65535");
            }
            this.port = port;
            return this;
        }

        /** Training threads in this server, default 1; 0 leaves training to {@code loop worker} processes. */
        public Builder workers(int workers) {
            if (workers < 0) {
                throw new LoopInputException("--workers " + workers + " is negative; use 0 or more");
            }
            this.workers = workers;
            return this;
        }

        /** Database connections, default 16. */
        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /** How long a worker's claim holds without a heartbeat, default 30 s. */
        public Builder lease(Duration lease) {
            this.lease = Objects.requireNonNull(lease, "lease");
            return this;
        }

        /** Where training folders and spooled uploads go, default {@code $TMPDIR/den4j-loop}. */
        public Builder workDirectory(Path workDirectory) {
            this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
            return this;
        }

        /** The algorithms, default {@link Algorithms#standard()}. */
        public Builder algorithms(Algorithms algorithms) {
            this.algorithms = Objects.requireNonNull(algorithms, "algorithms");
            return this;
        }

        /** The largest upload, default 1 GiB. */
        public Builder maxUploadBytes(long maxUploadBytes) {
            this.maxUploadBytes = maxUploadBytes;
            return this;
        }

        /** Requests per second per API key before 429; default 0, no limit. */
        public Builder rateLimit(int perSecond) {
            this.rateLimit = perSecond;
            return this;
        }

        /**
         * Opens the database (installing the schema), starts workers, the listener and HTTP.
         *
         * @throws LoopException when the database cannot be opened or the port is taken
         */
        public LoopServer start() {
            if (algorithms == null) {
                algorithms = Algorithms.standard();
            }
            return new LoopServer(this);
        }
    }
}
