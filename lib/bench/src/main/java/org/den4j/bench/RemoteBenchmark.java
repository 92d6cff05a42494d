package org.den4j.bench;

import static org.den4j.bench.Samples.mbPerSecond;
import static org.den4j.bench.Samples.median;
import static org.den4j.bench.Samples.verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.den4j.bench.Measurement.Verdict;
import org.den4j.den.BackendSpec;
import org.den4j.den.CacheSettings;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.EvictionPolicy;
import org.den4j.den.ExternalSources;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import org.den4j.den.io.FileTree;
import org.den4j.den.s3.S3Backend;
import org.den4j.den.s3.S3Settings;
import org.den4j.den.s3.testing.LocalS3;
import org.den4j.den.s3.testing.TcpRelay;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Measures an {@code s3} den against the targets on a {@link LocalS3} server over loopback, each
 * next to a reference measured in the same run:
 *
 * <ul>
 *   <li>cold fetch of a model of {@code sizeMiB} MiB ({@value #SHARDS} weight shards and a config) into an
 *       empty cache (listing, manifest, parallel ranged downloads, SHA-256 of every byte, linking), against
 *       the AWS SDK's {@code getObject} of the same blob objects into files, one thread per object
 *       (target: at least 0.8x its throughput);
 *   <li>warm fetch of the cached model from a newly opened den (the registry is read from the server;
 *       the files are not), median of several (target: under 50 ms);
 *   <li>push of a fine-tune that shares its base's weight shards and adds an adapter: the bytes sent to
 *       the server, counted on the wire by a {@link TcpRelay} (target: only the new blobs travel);
 *   <li>push of the base (multipart uploads), for information.
 * </ul>
 *
 * <pre>{@code
 * BenchReport report = RemoteBenchmark.builder().quick().build().run();
 * System.out.print(report.toTable());
 * }</pre>
 *
 * <p>Timings are medians of {@code repeats} runs whose order alternates. s3proxy serves the objects from
 * its files, which the page cache holds for both sides. It asserts nothing and only reports.
 */
public final class RemoteBenchmark extends SizedBenchmark {
    /** Weight shards in the model. */
    public static final int SHARDS = 4;
    /** The model size. */
    public static final int DEFAULT_SIZE_MIB = 1024;
    /** Model size of {@link Builder#quick()}. */
    public static final int QUICK_SIZE_MIB = 128;

    public static final String COLD_FETCH = "cold-fetch";
    public static final String WARM_FETCH = "warm-fetch";
    public static final String PUSH_FINETUNE = "push-finetune-bytes";
    public static final String PUSH_BASE = "push-base";
    /** Every row a run produces, in order. */
    public static final List<String> ROWS = List.of(COLD_FETCH, WARM_FETCH, PUSH_FINETUNE, PUSH_BASE);

    private static final int WARM_FETCHES = 7;
    private static final long ADAPTER_BYTES = 8 * MIB;

    private RemoteBenchmark(Builder b) {
        super(b);
    }

    /** A builder with the defaults: 1 GiB, 3 repeats. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the benchmark.
     *
     * @throws IllegalStateException when a sanity check fails (a fetched file differs)
     * @throws UncheckedIOException when the work directory cannot be used
     */
    public BenchReport run() {
        try (BenchRun run = BenchRun.start(workParent, "bench-remote-", keep, m -> log.println("bench-remote: " + m));
                LocalS3 s3 = LocalS3.start(run.work().resolve("s3"))) {
            s3.createBucket("bench");
            run.startMeasuring();
            return measure(s3, run);
        } catch (IOException e) {
            throw new UncheckedIOException("Remote benchmark failed: " + e, e);
        }
    }

    private CacheSettings cache(Path dir) {
        return new CacheSettings(dir, Duration.ofDays(10), 100L << 30, EvictionPolicy.LRU);
    }

    private static Den open(BackendSpec spec) {
        return Den.open(spec, DenConfig.defaults(), ExternalSources.fromEnvironment(Map.of()));
    }

    private BenchReport measure(LocalS3 s3, BenchRun benchRun) throws IOException {
        Path run = benchRun.work();
        long total = sizeMiB * MIB;
        Path base = run.resolve("model-base");
        Files.createDirectories(base);
        long shard = total / SHARDS;
        for (int i = 0; i < SHARDS; i++) {
            new RandomData(100 + i).write(base.resolve(RandomData.shardName(i, SHARDS)), shard);
        }
        Files.writeString(base.resolve("config.json"), "{\"model_type\": \"qwen2\", \"bench\": true}");
        long modelBytes = shard * SHARDS + Files.size(base.resolve("config.json"));
        log.printf(Locale.ROOT, "bench-remote: %d MiB model in %d shards on s3proxy at %s%n", sizeMiB, SHARDS,
                s3.endpoint());

        BackendSpec spec = s3.spec("bench", "s3://bench/den", cache(run.resolve("push-cache")));
        PushResult pushed;
        long t0 = System.nanoTime();
        try (Den den = open(spec)) {
            pushed = den.push(PushRequest.builder(base, "bench/base").build());
        }
        double pushMs = (System.nanoTime() - t0) / 1e6;
        log.printf(Locale.ROOT, "bench-remote: pushed the base in %.0f ms%n", pushMs);

        Manifest manifest;
        try (Den den = open(spec)) {
            manifest = den.manifest("bench/base");
        }
        List<String> keys = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (FileEntry f : manifest.files()) {
            keys.add("den/blobs/sha256/" + f.sha256().substring(0, 2) + "/" + f.sha256());
            sizes.add(f.size());
        }

        // Cold fetch vs the SDK, alternating which goes first.
        double[] denTimes = new double[repeats];
        double[] sdk = new double[repeats];
        try (S3Client client = S3Backend.client(S3Settings.from(spec))) {
            for (int r = 0; r < repeats; r++) {
                boolean denFirst = r % 2 == 0;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == denFirst) {
                        denTimes[r] = coldFetch(s3, run.resolve("cold-" + r), base);
                    } else {
                        sdk[r] = sdkDownload(client, keys, run.resolve("sdk-" + r));
                    }
                }
                log.printf(Locale.ROOT, "bench-remote: round %d: den %.0f ms, sdk %.0f ms%n", r + 1, denTimes[r], sdk[r]);
            }
        }
        double denMs = median(denTimes);
        double sdkMs = median(sdk);
        double denRate = mbPerSecond(modelBytes, denMs);
        double sdkRate = mbPerSecond(modelBytes, sdkMs);
        double ratio = denRate / sdkRate;
        List<Measurement> rows = new ArrayList<>();
        rows.add(new Measurement(COLD_FETCH, "cold fetch " + sizeMiB + " MiB (verified, cached)", denRate, "MB/s",
                "SDK getObject", sdkRate, ratio, ">= 0.80x", verdict(ratio >= 0.8),
                "medians of " + repeats + "; den " + Samples.list(denTimes) + "; SDK (one thread per object, "
                        + keys.size() + " objects) " + Samples.list(sdk)));

        // Warm fetch: a newly opened den, model already cached.
        Path warmCache = run.resolve("warm-cache");
        BackendSpec warmSpec = spec.withCache(cache(warmCache));
        try (Den den0 = open(warmSpec)) {
            den0.fetch("bench/base");
        }
        double[] warm = new double[WARM_FETCHES];
        double[] warmCpu = new double[WARM_FETCHES];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < WARM_FETCHES; i++) {
            try (Den d = open(warmSpec)) {
                long cpu = threads.getCurrentThreadCpuTime();
                long w = System.nanoTime();
                d.fetch("bench/base");
                warm[i] = (System.nanoTime() - w) / 1e6;
                warmCpu[i] = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
            }
        }
        double[] later = new double[WARM_FETCHES];
        try (Den d = open(warmSpec)) {
            d.fetch("bench/base");
            for (int i = 0; i < WARM_FETCHES; i++) {
                long w = System.nanoTime();
                d.fetch("bench/base");
                later[i] = (System.nanoTime() - w) / 1e6;
            }
        }
        double warmMs = median(warm);
        rows.add(new Measurement(WARM_FETCH, "warm fetch from the cache (new den)", warmMs, "ms", null, Double.NaN,
                Double.NaN, "< 50 ms", verdict(warmMs < 50), "median of " + WARM_FETCHES + " in newly opened dens "
                + Samples.list(warm) + " (registry listed on the server, nothing copied), CPU time of the fetching "
                + "thread: median " + String.format(Locale.ROOT, "%.1f ms", median(warmCpu)) + "; later fetches in one "
                + "den: median " + String.format(Locale.ROOT, "%.1f ms", median(later)) + "; load average "
                + String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage())));

        // Push of a fine-tune sharing the base's shards, counted on the wire.
        Path tuned = run.resolve("model-tuned");
        Files.createDirectories(tuned);
        for (Path f : listFiles(base)) {
            if (f.getFileName().toString().endsWith(".safetensors")) {
                Files.createLink(tuned.resolve(f.getFileName()), f);
            }
        }
        Files.writeString(tuned.resolve("config.json"), "{\"model_type\": \"qwen2\", \"bench\": \"tuned\"}");
        new RandomData(999).write(tuned.resolve("adapter_model.safetensors"), ADAPTER_BYTES);
        long newFiles = ADAPTER_BYTES + Files.size(tuned.resolve("config.json"));
        PushResult tunedPush;
        long sent;
        try (TcpRelay relay = TcpRelay.start(s3.port())) {
            BackendSpec counted = new BackendSpec("bench", spec.type(), spec.location(), relay.endpoint(),
                    spec.credentials(), spec.options(), cache(run.resolve("tuned-cache")), false, false);
            try (Den den = open(counted)) {
                relay.resetCounters();
                tunedPush = den.push(PushRequest.builder(tuned, "bench/tuned").parent("bench/base").build());
            }
            sent = relay.bytesUp();
        }
        boolean onlyNew = tunedPush.newBytes() == newFiles && sent < newFiles + MIB;
        rows.add(new Measurement(PUSH_FINETUNE, "push of a fine-tune sharing its base: bytes sent", sent / 1e6, "MB",
                "whole model", (modelBytes - Files.size(base.resolve("config.json")) + newFiles) / 1e6,
                sent / (double) (modelBytes + ADAPTER_BYTES), "only new blobs", verdict(onlyNew),
                String.format(Locale.ROOT, "%d bytes on the wire (requests included) for %d new bytes (adapter + "
                        + "config); %d bytes of shared shards not sent", sent, tunedPush.newBytes(),
                        tunedPush.reusedBytes())));
        rows.add(new Measurement(PUSH_BASE, "push " + sizeMiB + " MiB (multipart)", mbPerSecond(pushed.newBytes(),
                pushMs), "MB/s", null, Double.NaN, Double.NaN, "", Verdict.INFO, String.format(Locale.ROOT,
                "%.0f ms, hashing included, one run", pushMs)));
        List<String> header = List.of("bench-remote: s3 den on s3proxy 4.1.0 (filesystem provider, child JVM) over "
                + "loopback", String.format(Locale.ROOT, "model: %d MiB in %d shards; %d repeats; %d CPU(s); Java %s",
                sizeMiB, SHARDS, repeats, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        return benchRun.report(header, rows);
    }

    private double coldFetch(LocalS3 s3, Path dir, Path source) throws IOException {
        BackendSpec spec = s3.spec("bench", "s3://bench/den", cache(dir));
        double ms;
        Path fetched;
        try (Den den = open(spec)) {
            long t = System.nanoTime();
            fetched = den.fetch("bench/base");
            ms = (System.nanoTime() - t) / 1e6;
            if (Files.size(fetched.resolve("model-00001-of-00004.safetensors"))
                    != Files.size(source.resolve("model-00001-of-00004.safetensors"))) {
                throw new IllegalStateException("Fetched shard differs in size from the pushed one");
            }
        }
        FileTree.delete(dir);
        return ms;
    }

    private static double sdkDownload(S3Client client, List<String> keys, Path dir) throws IOException {
        Files.createDirectories(dir);
        ExecutorService pool = Executors.newFixedThreadPool(keys.size());
        try {
            long t = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                Path target = dir.resolve("object-" + i);
                futures.add(pool.submit(() -> client.getObject(b -> b.bucket("bench").key(key),
                        ResponseTransformer.toFile(target))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double ms = (System.nanoTime() - t) / 1e6;
            FileTree.delete(dir);
            return ms;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("SDK download failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** Settings of a run. */
    public static final class Builder extends SizedBenchmarkBuilder<Builder> {
        private Builder() {
            super(DEFAULT_SIZE_MIB, QUICK_SIZE_MIB, 4);
        }

        /**
         * Builds the benchmark.
         *
         * @throws IllegalArgumentException when the size is below 4 MiB or repeats below 1
         */
        public RemoteBenchmark build() {
            validate();
            return new RemoteBenchmark(this);
        }
    }
}
