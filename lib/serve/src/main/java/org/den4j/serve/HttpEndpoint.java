package org.den4j.serve;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A Javalin app listening on a host and port: how the den server, the coder API and the loop server start,
 * report their URL, wait and stop.
 *
 * <pre>{@code
 * Javalin app = HttpEndpoint.javalin(64L << 20, config -> config.http.disableCompression());
 * HttpEndpoint endpoint = HttpEndpoint.start(app, "127.0.0.1", 0, "The example server", MyException::new);
 * System.out.println(endpoint.url());
 * endpoint.close(() -> releaseWhatTheRoutesUse());
 * }</pre>
 *
 * <p>Whoever starts it closes it. It does not speak TLS nor check API keys: the routes of each server do.
 */
public final class HttpEndpoint implements AutoCloseable {
    private final Javalin app;
    private final URI url;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private HttpEndpoint(Javalin app, URI url) {
        this.app = app;
        this.url = url;
    }

    /**
     * A Javalin app with the settings every den4j server uses (no banner, no start-up watcher, trailing slashes
     * ignored, request bodies up to {@code maxRequestSize} bytes), then {@code configure}'s own.
     */
    public static Javalin javalin(long maxRequestSize, Consumer<JavalinConfig> configure) {
        Objects.requireNonNull(configure, "configure");
        return Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.maxRequestSize = maxRequestSize;
            config.router.ignoreTrailingSlashes = true;
            configure.accept(config);
        });
    }

    /**
     * Starts {@code app} on {@code host:port} (port 0: a free one).
     *
     * @param server how the error names the server, such as {@code "The coder API"}
     * @param error makes the exception to throw from its one-line message and the cause
     * @throws RuntimeException what {@code error} makes when the port cannot be bound: "SERVER cannot listen on
     *     HOST:PORT (REASON); choose another --port (0 picks a free one)"
     */
    public static HttpEndpoint start(Javalin app, String host, int port, String server,
            BiFunction<String, RuntimeException, ? extends RuntimeException> error) {
        try {
            app.start(host, port);
        } catch (RuntimeException e) {
            throw error.apply(server + " cannot listen on " + host + ":" + port + " (" + rootMessage(e)
                    + "); choose another --port (0 picks a free one)", e);
        }
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return new HttpEndpoint(app, URI.create("http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : shown) + ":"
                + app.port()));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** The base URL clients use, for example {@code http://127.0.0.1:8080} ({@code 0.0.0.0} shown as loopback). */
    public URI url() {
        return url;
    }

    /** The port it listens on (the chosen one when started with port 0). */
    public int port() {
        return app.port();
    }

    /** Blocks until it is closed (from another thread or a shutdown hook). */
    public void join() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops the HTTP server, then runs {@code release} (even when stopping failed), then lets {@link #join()}
     * return (even when {@code release} failed).
     */
    public void close(Runnable release) {
        try {
            app.stop();
        } finally {
            try {
                release.run();
            } finally {
                stopped.countDown();
            }
        }
    }

    /** Stops the HTTP server and lets {@link #join()} return. */
    @Override
    public void close() {
        close(() -> {
        });
    }
}
