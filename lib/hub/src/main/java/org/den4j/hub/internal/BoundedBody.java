package org.den4j.hub.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A body read into memory up to a limit: past {@code limit} bytes it stops reading, closes the exchange and
 * completes with {@code limit + 1} bytes, so the caller can tell an answer that was too long. The JDK's
 * {@code ofByteArray} has no limit, so an endless answer would fill the heap.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BoundedBody(int limit) {
        this.limit = limit;
    }

    /** A handler whose bodies are at most {@code limit + 1} bytes, whatever the status. */
    static HttpResponse.BodyHandler<byte[]> handler(int limit) {
        return info -> new BoundedBody(limit);
    }

    /** A subscriber for one body of at most {@code limit + 1} bytes. */
    static HttpResponse.BodySubscriber<byte[]> subscriber(int limit) {
        return new BoundedBody(limit);
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            int n = Math.min(buffer.remaining(), limit + 1 - bytes.size());
            byte[] chunk = new byte[n];
            buffer.get(chunk);
            bytes.write(chunk, 0, n);
            if (bytes.size() > limit) {
                subscription.cancel(); // too long: stop reading, the connection is closed
                body.complete(bytes.toByteArray());
                return;
            }
        }
        subscription.request(1);
    }

    @Override
    public synchronized void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public synchronized void onComplete() {
        body.complete(bytes.toByteArray());
    }
}
