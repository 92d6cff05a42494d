package org.den4j.hub.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.den4j.den.ProgressListener;
import org.den4j.hub.DownloadFailedException;
import org.den4j.hub.HubException;
import org.den4j.hub.HubFileMetadata;
import org.den4j.hub.HubHttpException;
import org.den4j.hub.HubSettings;

/**
 * One large file as parallel {@code Range} requests into one temporary file: what {@code HF_HUB_ENABLE_HF_TRANSFER}
 * asks for (huggingface_hub hands such files to the Rust {@code hf_transfer}; this does the same over the JDK's
 * HTTP client).
 *
 * <p>The file is cut into {@link HubSettings#rangeChunkSize()} chunks. The first chunk's request is the probe: a
 * {@code 206} with the right {@code Content-Range} starts the other chunks, {@link HubSettings#rangeConnections()}
 * requests at a time; any other answer (a {@code 200} with the whole file: the server ignores {@code Range}) is
 * dropped after its headers, and the caller downloads the file as one stream. Each chunk resumes from its last byte
 * after a dropped connection, with the single stream's retry counts and back-off; the first chunk that gives up
 * stops the others. Bytes are written at their offsets ({@link FileChannel#write(ByteBuffer, long)}), so nothing
 * can be hashed on the way: the caller hashes the finished file.
 */
final class RangeDownload {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+)");

    private final HubHttp http;
    private final HubSettings settings;
    private final ScheduledExecutorService watchdog;

    RangeDownload(HubHttp http, ScheduledExecutorService watchdog) {
        this.http = http;
        this.settings = http.settings();
        this.watchdog = watchdog;
    }

    /**
     * Writes the whole file into {@code out} as parallel ranges.
     *
     * @return true when every byte is in {@code out}; false when the server does not answer ranges (nothing was
     *     written and no progress reported: download it as one stream)
     * @throws DownloadFailedException when a chunk keeps failing
     * @throws IOException when the disk fails
     */
    boolean receive(FileChannel out, String repoId, String rev, String path, HubFileMetadata meta,
            ProgressListener progress) throws IOException {
        long size = meta.size();
        long chunk = settings.rangeChunkSize();
        List<long[]> chunks = new ArrayList<>();
        for (long start = 0; start < size; start += chunk) {
            chunks.add(new long[] {start, Math.min(size, start + chunk) - 1});
        }
        Job job = new Job(out, repoId, rev, path, meta, progress);
        int threads = Math.min(settings.rangeConnections(), chunks.size());
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "hub-range-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            futures.add(pool.submit(() -> {
                try {
                    fetch(job, chunks.get(0)[0], chunks.get(0)[1], true);
                } catch (IOException | RuntimeException e) {
                    job.rangesAnswer.completeExceptionally(e);
                    throw e;
                }
                return null;
            }));
            Boolean ranges;
            try {
                ranges = job.rangesAnswer.get();
            } catch (ExecutionException e) {
                ranges = null; // the probe failed: its future says how
            }
            if (ranges == null || !ranges) {
                await(futures, job); // throws the probe's failure, if any
                if (ranges == null) {
                    throw new IllegalStateException("the first range of '" + path + "' failed without an error");
                }
                return false;
            }
            for (long[] c : chunks.subList(1, chunks.size())) {
                futures.add(pool.submit(() -> {
                    fetch(job, c[0], c[1], false);
                    return null;
                }));
            }
            await(futures, job);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while downloading '" + path + "' of " + repoId);
        } finally {
            job.failed = true; // a chunk still running (after a failure) stops at its next step
            pool.shutdownNow();
        }
    }

    /** Waits for every chunk; the first failure stops the rest and is thrown. */
    private static void await(List<Future<?>> futures, Job job) throws IOException, InterruptedException {
        Throwable first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (CancellationException e) {
                // stopped after an earlier failure
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                    job.failed = true;
                    futures.forEach(other -> other.cancel(true));
                } else if (!(e.getCause() instanceof InterruptedIOException)) {
                    first.addSuppressed(e.getCause());
                }
            }
        }
        if (first instanceof IOException io) {
            throw io;
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first != null) {
            throw new HubException(job.repoId, "A range download of '" + job.path + "' of " + job.repoId
                    + " failed: " + first, first);
        }
    }

    /** Fetches the bytes {@code start..end} (inclusive), resuming after drops. */
    private void fetch(Job job, long start, long end, boolean probe) throws IOException {
        HubHttp.Target target = new HubHttp.Target(job.repoId, job.rev, job.path);
        long got = 0;
        long highWater = 0;
        int retries = FileDownload.STREAM_RETRIES;
        int attempts = 0;
        while (true) {
            if (job.failed || Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("stopped: another range of '" + job.path + "' failed");
            }
            attempts++;
            long from = start + got;
            ChunkSink sink = new ChunkSink(job, from, end);
            boolean answersProbe = probe && got == 0;
            ScheduledFuture<?> check = FileBodySink.watch(watchdog, settings.downloadTimeout(), sink);
            IOException drop = null;
            try {
                http.getBytes(job.meta.location(), from, end, target, info -> {
                    boolean ok = info.statusCode() == 206 && isRange(info, from, end, job.meta.size());
                    if (answersProbe) {
                        job.rangesAnswer.complete(ok);
                    }
                    if (!ok) {
                        sink.refused = info.statusCode() + (info.headers().firstValue("Content-Range")
                                .map(r -> " with Content-Range: " + r).orElse(""));
                    }
                    return sink;
                });
            } catch (HubHttpException e) {
                if (!HubHttp.RETRY_STATUSES.contains(e.statusCode()) || retries-- <= 0) {
                    throw e;
                }
                drop = new IOException(e.getMessage(), e);
            } catch (IOException e) {
                drop = sink.stalled ? new HttpTimeoutException("no data for "
                        + settings.downloadTimeout().toSeconds() + " s (HF_HUB_DOWNLOAD_TIMEOUT)") : e;
            } finally {
                check.cancel(false);
                sink.close();
            }
            if (sink.diskFailure != null) {
                throw sink.diskFailure;
            }
            if (answersProbe && sink.refused != null) {
                return; // no ranges here: the caller downloads the file as one stream
            }
            got += sink.written;
            if (start + got > end) {
                return;
            }
            if (sink.refused != null) {
                drop = new IOException("the server answered the request for bytes " + from + "-" + end + " with "
                        + sink.refused + " instead of 206 with that range");
            }
            if (got > highWater) {
                highWater = got;
                retries = FileDownload.STREAM_RETRIES; // new bytes came: the connection works
            }
            if (drop == null) {
                drop = new IOException("the connection closed after " + got + " of " + (end - start + 1)
                        + " bytes of the range " + start + "-" + end);
            }
            if (attempts >= FileDownload.MAX_ATTEMPTS || retries-- <= 0) {
                throw new DownloadFailedException(job.repoId, job.rev, job.path, job.meta.location(), "Download of '"
                        + job.path + "' of " + job.repoId + " from " + job.meta.location() + " failed: the range "
                        + start + "-" + end + " broke off " + attempts + " times, " + got + " of its "
                        + (end - start + 1) + " bytes arrived (last error: " + drop + "). Nothing was stored in the "
                        + "cache. Check your connection and try again, or unset HF_HUB_ENABLE_HF_TRANSFER to "
                        + "download files as one stream.", drop);
            }
            Backoff.sleep(FileDownload.STREAM_RETRIES - retries);
        }
    }

    private static boolean isRange(HttpResponse.ResponseInfo info, long from, long end, long size) {
        return info.headers().firstValue("Content-Range").map(v -> {
            Matcher m = CONTENT_RANGE.matcher(v.strip());
            return m.matches() && Long.parseLong(m.group(1)) == from && Long.parseLong(m.group(2)) == end
                    && Long.parseLong(m.group(3)) == size;
        }).orElse(false);
    }

    /** What the chunks of one file share. */
    private static final class Job {
        final FileChannel out;
        final String repoId;
        final String rev;
        final String path;
        final HubFileMetadata meta;
        final ProgressListener progress;
        final CompletableFuture<Boolean> rangesAnswer = new CompletableFuture<>();
        volatile boolean failed;

        Job(FileChannel out, String repoId, String rev, String path, HubFileMetadata meta,
                ProgressListener progress) {
            this.out = out;
            this.repoId = repoId;
            this.rev = rev;
            this.path = path;
            this.meta = meta;
            this.progress = progress;
        }
    }

    /**
     * Writes one answer's body at its offsets in the file. A refused answer (not the range asked for) is
     * cancelled as soon as it is subscribed, so its connection closes without reading the body.
     */
    private static final class ChunkSink extends FileBodySink {
        private final Job job;
        private final long end;
        private long position;
        // Read by the fetching thread after close(); the lock orders the writes before.
        long written;
        String refused;
        IOException diskFailure;
        private volatile long lastData = System.nanoTime();

        ChunkSink(Job job, long from, long end) {
            this.job = job;
            this.position = from;
            this.end = end;
        }

        @Override
        boolean refuseBody() {
            return refused != null;
        }

        @Override
        void dataArrived() {
            lastData = System.nanoTime();
        }

        @Override
        long lastData() {
            return lastData;
        }

        @Override
        boolean write(ByteBuffer buffer) throws IOException {
            int n = buffer.remaining();
            if (position + n > end + 1) {
                fail(new IOException("more bytes than the range " + (position - written) + "-" + end));
                return false;
            }
            long at = position;
            while (buffer.hasRemaining()) {
                at += job.out.write(buffer, at);
            }
            position += n;
            written += n;
            job.progress.advance(n);
            return true;
        }

        @Override
        void diskFailed(IOException e) {
            diskFailure = e;
        }
    }
}
