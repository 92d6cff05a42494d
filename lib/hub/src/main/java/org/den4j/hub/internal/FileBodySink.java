package org.den4j.hub.internal;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP answer's body written straight from the HTTP client's buffers to a file, one delivery at a
 * time, with a watchdog that drops a silent connection (the JDK client has no read timeout). What the
 * single-stream download ({@link FileDownload}) and the parallel ranges ({@link RangeDownload}) share;
 * each says where a buffer goes.
 */
abstract class FileBodySink implements HttpResponse.BodySubscriber<Void> {
    private final CompletableFuture<Void> body = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private boolean closed;
    /** Set when the watchdog dropped the connection for want of data. */
    volatile boolean stalled;

    /** Notes that data arrived now, for the watchdog. */
    abstract void dataArrived();

    /** When data last arrived, in {@link System#nanoTime()}. */
    abstract long lastData();

    /**
     * Writes one buffer. Returns false after calling {@link #fail} when the buffer must not be written
     * (more bytes than expected); an {@link IOException} is a disk failure.
     */
    abstract boolean write(ByteBuffer buffer) throws IOException;

    /** Keeps the disk failure for the downloading thread. */
    abstract void diskFailed(IOException e);

    /** True when the answer must not be read: it is cancelled as soon as it is subscribed. */
    boolean refuseBody() {
        return false;
    }

    @Override
    public CompletionStage<Void> getBody() {
        return body;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed || refuseBody()) {
            closed = true;
            s.cancel();
            body.complete(null);
            return;
        }
        s.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> buffers) {
        if (closed) {
            return;
        }
        dataArrived();
        try {
            for (ByteBuffer buffer : buffers) {
                if (!write(buffer)) {
                    return;
                }
            }
        } catch (IOException e) {
            diskFailed(e);
            fail(e);
            return;
        }
        subscription.request(1);
    }

    @Override
    public synchronized void onError(Throwable error) {
        closed = true;
        body.completeExceptionally(error);
    }

    @Override
    public synchronized void onComplete() {
        closed = true;
        body.complete(null);
    }

    /** The watchdog saw no data for too long: drop the connection, which the downloader resumes. */
    synchronized void stall() {
        if (!closed) {
            stalled = true;
            fail(new HttpTimeoutException("no data for the download timeout"));
        }
    }

    /** No more writes from this answer. */
    synchronized void close() {
        closed = true;
        if (subscription != null && !body.isDone()) {
            subscription.cancel();
        }
    }

    /** Ends the answer with {@code e}, cancelling the rest of its body. */
    void fail(IOException e) {
        closed = true;
        if (subscription != null) {
            subscription.cancel();
        }
        body.completeExceptionally(e);
    }

    /** Stalls {@code sink} when no data came for {@code timeout}, checking a few times per timeout. */
    static ScheduledFuture<?> watch(ScheduledExecutorService watchdog, Duration timeout, FileBodySink sink) {
        long nanos = timeout.toNanos();
        long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        return watchdog.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - sink.lastData() > nanos) {
                sink.stall();
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }
}
