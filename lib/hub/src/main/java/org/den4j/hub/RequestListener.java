package org.den4j.hub;

import java.io.PrintWriter;

/**
 * Hears every HTTP request a {@link HubClient} makes, once its answer is complete: what {@code hub -v} logs.
 *
 * <pre>{@code
 * try (HubClient hub = new HubClient(HubSettings.fromEnvironment(),
 *         RequestListener.printingTo(new PrintWriter(System.err, true)))) { ... }
 * }</pre>
 *
 * <p>It is called on the threads that make the requests, several at once during a snapshot or range download:
 * an implementation must be thread-safe and quick. What it hears never holds the token (see {@link HubRequest}).
 */
@FunctionalInterface
public interface RequestListener {
    /** Hears nothing. */
    RequestListener NONE = request -> { };

    /** Called once per request, after its answer's body ended or the request failed. */
    void requested(HubRequest request);

    /**
     * A listener that prints each request as one line, {@code hub: } and {@link HubRequest#line()}, to {@code out}
     * (usually standard error), flushing each line.
     */
    static RequestListener printingTo(PrintWriter out) {
        return request -> {
            synchronized (out) {
                out.println("hub: " + request.line());
                out.flush();
            }
        };
    }
}
