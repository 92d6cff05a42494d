package org.den4j.bench;

import static org.den4j.bench.Samples.list;
import static org.den4j.bench.Samples.mbPerSecond;
import static org.den4j.bench.Samples.median;
import static org.den4j.bench.Samples.verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.den4j.bench.Measurement.Verdict;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.FileEntry;
import org.den4j.den.Manifest;
import org.den4j.den.PushRequest;
import org.den4j.den.backend.HttpBackend;
import org.den4j.den.io.FileTree;
import org.den4j.serve.den.ApiKeys;
import org.den4j.serve.den.DenServer;

/**
 * Measures the {@code http} den type against {@code curl} on the same den server over loopback, each
 * next to the reference measured in the same run:
 *
 * <ul>
 *   <li>cold fetch of a model of {@code sizeMiB} in {@value #SHARDS} shards through a {@code Den} on
 *       {@link HttpBackend} (download and SHA-256 check of every blob), against one {@code curl} process
 *       downloading the same blob URLs one after another into files (target: at least 0.8x);
 *   <li>the same cold fetch through {@code Den.open} with type {@code http}, that is behind the
 *       read-through local cache, and a warm fetch of the cached model (target: under 50 ms);
 *   <li>push of the model to an empty server den, against {@code curl -T} uploading the same files to
 *       the blob URLs.
 * </ul>
 *
 * <pre>{@code
 * BenchReport report = DenServerBenchmark.builder().quick().build().run();
 * System.out.print(report.toTable());
 * }</pre>
 *
 * <p>Timings are medians of {@code repeats} runs whose order alternates; the served blobs are in the
 * page cache for both sides. It is not a unit test: it asserts nothing and only reports.
 */
public final class DenServerBenchmark extends SizedBenchmark {
    /** Shards of the model. */
    public static final int SHARDS = 4;
    /** The default model size. */
    public static final int DEFAULT_SIZE_MIB = 1024;
    /** Model size of {@link Builder#quick()}. */
    public static final int QUICK_SIZE_MIB = 64;

    public static final String FETCH = "http-fetch";
    public static final String FETCH_CACHED = "http-fetch-cache-cold";
    public static final String FETCH_WARM = "http-fetch-cache-warm";
    public static final String PUSH = "http-push";
    /** Every row a run produces, in order. */
    public static final List<String> ROWS = List.of(FETCH, FETCH_CACHED, FETCH_WARM, PUSH);

    private static final String MODEL = "bench/served-model";
    private static final String TOKEN = "bench-writer-token";
    private static final int WARM_CALLS = 5;

    private final boolean warmup;

    private DenServerBenchmark(Builder b) {
        super(b);
        this.warmup = b.warmup;
    }

    /** A builder with the default size: 1024 MiB. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this benchmark's settings. */
    public Builder toBuilder() {
        return copyTo(builder()).warmup(warmup);
    }

    /**
     * Runs every measurement and returns the report; progress goes to the log stream. Everything is
     * written under a new {@code den4j-bench-serve-*} directory, deleted afterwards unless kept.
     *
     * @throws UncheckedIOException when the work directory cannot be written or curl fails
     */
    public BenchReport run() {
        try (BenchRun run = BenchRun.start(workParent, "den4j-bench-serve-", keep, this::log)) {
            Path work = run.work();
            if (warmup) {
                log("warm-up: a small run first, so the JIT has compiled the client's and server's hot paths");
                toBuilder().sizeMiB(Math.min(16, sizeMiB)).repeats(1).keep(false).warmup(false).workDir(work)
                        .log(quiet()).build().run();
            }
            run.startMeasuring();
            List<Measurement> rows = measure(work);
            List<String> header = new ArrayList<>();
            header.add(String.format(Locale.ROOT, "den4j den server benchmark: a %d MiB model in %d shards from "
                    + "a DenServer on loopback, medians of %d runs", sizeMiB, SHARDS, repeats));
            header.add(run.machine());
            header.add("MB = 10^6 bytes; curl runs as a process against the same server; served blobs in the "
                    + "page cache for both");
            return run.report(header, rows);
        } catch (IOException e) {
            throw new UncheckedIOException("Den server benchmark failed: " + e, e);
        }
    }

    private List<Measurement> measure(Path work) throws IOException {
        Path source = work.resolve("model");
        Files.createDirectories(source);
        log(String.format(Locale.ROOT, "writing a %d MiB model in %d shards (random bytes)", sizeMiB, SHARDS));
        new RandomData(7).writeShards(source, sizeMiB * MIB, SHARDS);
        Files.writeString(source.resolve("config.json"), "{\"model_type\": \"qwen2\"}\n");
        long bytes = FileTree.size(source);
        boolean haveCurl = Commands.which("curl").isPresent();
        if (!haveCurl) {
            log("curl is not on PATH: the rows have no reference");
        }
        List<Measurement> rows = new ArrayList<>();
        ApiKeys keys = ApiKeys.of("bench", TOKEN, ApiKeys.Scope.WRITE);
        try (DenServer server = DenServer.builder(work.resolve("served")).keys(keys).start()) {
            server.den().push(PushRequest.builder(source, MODEL).build());
            Manifest manifest = server.den().manifest(MODEL);

            double[] direct = new double[repeats];
            double[] cachedCold = new double[repeats];
            double[] curl = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                for (int side = 0; side < 3; side++) {
                    int which = (side + r) % 3;
                    Path out = work.resolve("out");
                    FileTree.delete(out);
                    Files.createDirectories(out);
                    Commands.sync();
                    if (which == 0) {
                        log(String.format(Locale.ROOT, "fetch over http %d/%d", r + 1, repeats));
                        direct[r] = fetchDirect(server, out, bytes);
                    } else if (which == 1) {
                        log(String.format(Locale.ROOT, "fetch over http behind the cache %d/%d", r + 1, repeats));
                        cachedCold[r] = fetchCached(server, out, bytes, null);
                    } else if (haveCurl) {
                        log(String.format(Locale.ROOT, "curl of the blobs %d/%d", r + 1, repeats));
                        curl[r] = curlDownload(server, manifest, out) / 1e6;
                    }
                }
            }
            double refRate = haveCurl ? mbPerSecond(bytes, median(curl)) : Double.NaN;
            rows.add(fetchRow(FETCH, "cold fetch, http den type (download + SHA-256)", direct, curl, refRate, bytes,
                    haveCurl, true));
            rows.add(fetchRow(FETCH_CACHED, "cold fetch, http behind the local cache", cachedCold, curl, refRate, bytes,
                    haveCurl, false));

            log("warm fetches from the cache");
            Path out = work.resolve("out");
            FileTree.delete(out);
            Files.createDirectories(out);
            double[] warm = new double[WARM_CALLS];
            fetchCached(server, out, bytes, warm);
            rows.add(new Measurement(FETCH_WARM, "warm fetch from the local cache", median(warm), "ms", null, 0, 0,
                    "< 50 ms", verdict(median(warm) < 50), String.format(Locale.ROOT, "%d fetches in one Den after a "
                            + "cold one; min %.1f ms, max %.1f ms", WARM_CALLS, Samples.min(warm),
                            Samples.max(warm))));
        }

        double[] push = new double[repeats];
        double[] upload = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            for (int side = 0; side < 2; side++) {
                Path served = work.resolve("push-served");
                FileTree.delete(served);
                FileTree.delete(work.resolve("push-client"));
                Commands.sync();
                try (DenServer server = DenServer.builder(served).keys(keys).start()) {
                    if ((side + r) % 2 == 0) {
                        log(String.format(Locale.ROOT, "push over http %d/%d", r + 1, repeats));
                        try (Den den = new Den(HttpBackend.connect(HttpBackend.Settings.of(server.url(), TOKEN,
                                work.resolve("push-client"))), DenConfig.defaults(), Clock.systemUTC())) {
                            long t0 = System.nanoTime();
                            den.push(PushRequest.builder(source, MODEL).build());
                            push[r] = (System.nanoTime() - t0) / 1e6;
                        }
                    } else if (haveCurl) {
                        log(String.format(Locale.ROOT, "curl -T of the files %d/%d", r + 1, repeats));
                        upload[r] = curlUpload(server, source) / 1e6;
                    }
                }
            }
        }
        double pushRate = mbPerSecond(bytes, median(push));
        double uploadRate = haveCurl ? mbPerSecond(bytes, median(upload)) : Double.NaN;
        rows.add(new Measurement(PUSH, "push, http den type (hash, upload, checked commit)", pushRate, "MB/s",
                haveCurl ? "curl -T" : null, uploadRate, pushRate / uploadRate, "", Verdict.INFO,
                String.format(Locale.ROOT, "den4j %.0f ms (runs %s) vs curl %s ms; the server hashes every upload",
                        median(push), list(push), haveCurl ? String.format(Locale.ROOT, "%.0f", median(upload)) : "-")));
        return rows;
    }

    private Measurement fetchRow(String id, String name, double[] ms, double[] refMs, double refRate, long bytes,
            boolean haveRef, boolean target) {
        double rate = mbPerSecond(bytes, median(ms));
        double ratio = rate / refRate;
        Verdict v = !target ? Verdict.INFO : haveRef ? verdict(ratio >= 0.8) : Verdict.MISS;
        String note = String.format(Locale.ROOT, "den4j %.0f ms (runs %s)%s", median(ms), list(ms),
                haveRef ? String.format(Locale.ROOT, " vs curl %.0f ms (runs %s)", median(refMs), list(refMs)) : "");
        return new Measurement(id, name, rate, "MB/s", haveRef ? "curl" : null, refRate, ratio,
                target ? ">= 0.8x ref" : "", v, note);
    }

    /** A cold fetch through a Den on HttpBackend with a new work directory; returns milliseconds. */
    private static double fetchDirect(DenServer server, Path out, long bytes) {
        try (Den den = new Den(HttpBackend.connect(HttpBackend.Settings.of(server.url(), TOKEN, out.resolve("client"))),
                DenConfig.defaults(), Clock.systemUTC())) {
            long t0 = System.nanoTime();
            Path dir = den.fetch(MODEL);
            double ms = (System.nanoTime() - t0) / 1e6;
            check(sizeOf(dir) == bytes, () -> "the fetched model is not " + bytes + " bytes");
            return ms;
        }
    }

    /**
     * A cold fetch through {@code Den.open} (type http, behind the cache in {@code out/cache}); with
     * {@code warm} non-null, also times that many warm fetches into it. Returns the cold fetch's milliseconds.
     */
    private static double fetchCached(DenServer server, Path out, long bytes, double[] warm) {
        DenConfig config = DenConfig.fromEnvironment(Map.of("DEN4J_TYPE", "http",
                "DEN4J_REMOTE_HOST", server.url().toString(),
                "DEN4J_LOCAL_CACHE_PATH", out.resolve("cache").toString()));
        HttpBackend backend = HttpBackend.connect(HttpBackend.Settings.from(config.backendSpec(),
                Map.of(HttpBackend.TOKEN_VARIABLE, TOKEN)));
        try (Den den = Den.openCached(backend, config.backendSpec(), config, org.den4j.den.ExternalSources.fromEnvironment(Map.of()))) {
            long t0 = System.nanoTime();
            Path dir = den.fetch(MODEL);
            double ms = (System.nanoTime() - t0) / 1e6;
            check(sizeOf(dir) == bytes, () -> "the fetched model is not " + bytes + " bytes");
            if (warm != null) {
                for (int i = 0; i < warm.length; i++) {
                    long w0 = System.nanoTime();
                    den.fetch(MODEL);
                    warm[i] = (System.nanoTime() - w0) / 1e6;
                }
            }
            return ms;
        }
    }

    private static long curlDownload(DenServer server, Manifest manifest, Path out) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sSf", "-H", "Authorization: Bearer " + TOKEN));
        int i = 0;
        for (FileEntry f : manifest.files()) {
            cmd.addAll(List.of("-o", out.resolve("curl-" + i++).toString(),
                    server.url() + "/api/v1/blobs/" + f.sha256()));
        }
        return Commands.timed(cmd);
    }

    private static long curlUpload(DenServer server, Path source) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sSf", "-H", "Authorization: Bearer " + TOKEN, "-H",
                "Content-Type: application/octet-stream"));
        for (Path f : FileTree.files(source)) {
            cmd.addAll(List.of("-T", f.toString(), server.url() + "/api/v1/blobs/"
                    + org.den4j.den.format.Sha256.of(f, n -> { })));
        }
        return Commands.timed(cmd);
    }

    private static long sizeOf(Path dir) {
        try {
            return FileTree.size(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(boolean ok, Supplier<String> message) {
        if (!ok) {
            throw new IllegalStateException("Den server benchmark sanity check failed: " + message.get());
        }
    }

    /** Builds a {@link DenServerBenchmark}; the defaults are 1024 MiB and 3 runs. */
    public static final class Builder extends SizedBenchmarkBuilder<Builder> {
        private boolean warmup = true;

        private Builder() {
            super(DEFAULT_SIZE_MIB, QUICK_SIZE_MIB, 1);
        }

        /** Run a small benchmark first to warm up the JIT (default true). */
        public Builder warmup(boolean warmup) {
            this.warmup = warmup;
            return this;
        }

        /**
         * Builds the benchmark.
         *
         * @throws IllegalArgumentException when the size or repeats is below 1
         */
        public DenServerBenchmark build() {
            validate();
            return new DenServerBenchmark(this);
        }
    }
}
