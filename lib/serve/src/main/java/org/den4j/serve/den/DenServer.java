package org.den4j.serve.den;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.LocalBackend;
import org.den4j.serve.HttpEndpoint;

/**
 * A den exposed over HTTP for a team: what {@code ./jbang den serve} runs.
 *
 * <p>It answers two APIs under {@code /api/v1}, both with JSON errors
 * {@code {"error", "message", "status"}}:
 * <ul>
 *   <li>the registry: {@code GET /models} (list; {@code ?q=&tag=&type=&architecture=&latest=true} search),
 *       {@code GET|DELETE /models/{ref}}, {@code POST /models} (commit a model whose blobs are uploaded),
 *       {@code GET|PUT|DELETE /aliases/{name}};
 *   <li>the backend protocol that the {@code http} den type ({@link org.den4j.den.backend.HttpBackend})
 *       speaks: {@code HEAD|GET|PUT|DELETE /blobs/{sha256}} (downloads with {@code Range}, uploads checked
 *       against their SHA-256), {@code POST /blobs/{sha256}/touch|quarantine}, {@code GET /blobs},
 *       {@code GET|PUT|DELETE /docs/{key}} (writes with {@code If-None-Match: *} or {@code If-Match}),
 *       {@code GET /docs?prefix=}, {@code GET /changes?since=N}, and {@code GET /info}.
 * </ul>
 *
 * <p>Every request needs an API key ({@code Authorization: Bearer TOKEN} or {@code X-Api-Key}) with the
 * scope it uses ({@link ApiKeys.Scope}); reads may be open to anyone ({@link ApiKeys#anonymousRead()}).
 * A missing or unknown key is answered 401, a key without the scope 403. The server checks every write
 * (see {@code GuardedBackend}): blobs must hash to their name, manifests list stored blobs, versions
 * name stored manifests, and fine-tuned models follow the server's policy
 * ({@link Builder#allowPushFinetuned}, {@link Builder#allowLocalFineTune}).
 *
 * <pre>{@code
 * try (DenServer server = DenServer.builder(Path.of("/data/den"))
 *         .keys(ApiKeys.read(Path.of("keys.json"))).port(8080).start()) {
 *     System.out.println(server.url());
 *     server.join();
 * }
 * }</pre>
 *
 * <p>It binds to {@code 127.0.0.1} unless told otherwise and speaks plain HTTP: put a TLS proxy in front
 * of it before sending keys over a network. Whoever starts it closes it; closing stops the HTTP server
 * and closes the den and its backend.
 */
public final class DenServer implements AutoCloseable {
    private final HttpEndpoint endpoint;
    private final Den den;
    private final GuardedBackend backend;

    private DenServer(Builder b) {
        GuardedBackend.ServerPolicy policy = new GuardedBackend.ServerPolicy(b.allowPushFinetuned,
                b.allowLocalFineTune);
        this.backend = new GuardedBackend(b.backend, policy);
        try {
            // Uploads cut off when a server was killed leave their staging behind: remove it before serving.
            b.backend.cleanStaleStaging();
        } catch (IOException e) {
            System.getLogger("org.den4j.serve").log(System.Logger.Level.WARNING, "Could not clean the den's stale "
                    + "staging at start-up", e);
        }
        this.den = new Den(backend, b.config, b.clock);
        backend.liveModels(digest -> den.has("sha256:" + digest));
        Routes routes = new Routes(den, backend, b.keys, policy);
        try {
            this.endpoint = HttpEndpoint.start(routes.create(), b.host, b.port, "Den server for " + den.location(),
                    (message, e) -> new ServeException(500, "cannot_start", message));
        } catch (RuntimeException e) {
            den.close();
            throw e;
        }
    }

    /** A server for the den on {@code backend}; the server closes the backend when it is closed. */
    public static Builder builder(DenBackend backend) {
        return new Builder(backend);
    }

    /** A server for the local den at {@code directory} (created when missing). */
    public static Builder builder(Path directory) {
        return new Builder(new LocalBackend(directory, false));
    }

    /** The base URL clients use, for example {@code http://127.0.0.1:8080}. */
    public URI url() {
        return endpoint.url();
    }

    /** The port it listens on (the chosen one when started with port 0). */
    public int port() {
        return endpoint.port();
    }

    /** Where the served den lives. */
    public String denLocation() {
        return den.location();
    }

    /** The den it serves; do not close it (closing the server does). */
    public Den den() {
        return den;
    }

    /** Blocks until {@link #close()} is called (from another thread or a shutdown hook). */
    public void join() throws InterruptedException {
        endpoint.join();
    }

    /** Stops the HTTP server, then closes the den and its backend. */
    @Override
    public void close() {
        endpoint.close(den::close);
    }

    @Override
    public String toString() {
        return "DenServer[" + endpoint.url() + " -> " + den.location() + "]";
    }

    /** Builds a {@link DenServer}. */
    public static final class Builder {
        private final DenBackend backend;
        private ApiKeys keys = ApiKeys.none();
        private String host = "127.0.0.1";
        private int port = 0;
        private DenConfig config = DenConfig.defaults();
        private boolean allowPushFinetuned;
        private boolean allowLocalFineTune;
        private Clock clock = Clock.systemUTC();

        private Builder(DenBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        /** The API keys it accepts; default none (anyone reads, nobody writes). */
        public Builder keys(ApiKeys keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /** The interface to bind, default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port, default 0: a free one, see {@link DenServer#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new org.den4j.den.DenConfigException("--port", "Port " + port + " is not a TCP port; use 0 to 65535");
            }
            this.port = port;
            return this;
        }

        /**
         * The den configuration (registry index, and the fine-tune policy from
         * {@code DEN4J_REMOTE_ALLOW_PUSH_FINETUNED} and {@code DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE}).
         */
        public Builder config(DenConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            this.allowPushFinetuned = config.allowPushFinetuned();
            this.allowLocalFineTune = config.allowLocalFineTune();
            return this;
        }

        /** Accept pushes of fine-tuned models (models that name a parent); default false. */
        public Builder allowPushFinetuned(boolean allow) {
            this.allowPushFinetuned = allow;
            return this;
        }

        /**
         * Let this den's models be fine-tuned on client machines; default false. The server advertises
         * it (in {@code GET /api/v1/info} and the {@code Den4j-Allow-Local-Fine-Tune} header) and refuses
         * a pushed fine-tune whose parent is one of its models unless it is true.
         */
        public Builder allowLocalFineTune(boolean allow) {
            this.allowLocalFineTune = allow;
            return this;
        }

        /** The clock for timestamps of what the high-level API writes. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Opens the den and starts listening.
         *
         * @throws ServeException when the port is taken or the den cannot be opened
         */
        public DenServer start() {
            return new DenServer(this);
        }
    }
}
