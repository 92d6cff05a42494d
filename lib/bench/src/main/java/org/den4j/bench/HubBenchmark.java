package org.den4j.bench;

import static org.den4j.bench.DenBenchmark.hash;
import static org.den4j.bench.DenBenchmark.hashName;
import static org.den4j.bench.Samples.list;
import static org.den4j.bench.Samples.mbPerSecond;
import static org.den4j.bench.Samples.median;
import static org.den4j.bench.Samples.verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.den4j.bench.Measurement.Verdict;
import org.den4j.den.ProgressListener;
import org.den4j.den.io.FileTree;
import org.den4j.hub.CacheCheck;
import org.den4j.hub.HubClient;
import org.den4j.hub.HubSettings;
import org.den4j.hub.Verification;
import org.den4j.hub.testhub.LfsRule;
import org.den4j.hub.testhub.LocalHub;
import org.den4j.hub.testhub.RecordedRequest;

/**
 * Measures the Hub client against the targets, on a {@link LocalHub} over loopback serving one
 * repository of {@value #FILES} LFS files (read from disk on every request), each next to a reference
 * measured in the same run on the same file system.
 *
 * <ul>
 *   <li>snapshot download into a new {@code HF_HUB_CACHE}, with {@link Verification#NONE} and
 *       {@link Verification#SIZE}, against {@code curl --parallel} fetching the same {@value #FILES} resolve
 *       URLs (following the redirect to the CDN host) into files (target: at least 0.8x its throughput); and
 *       against sequential {@code curl}, for information;
 *   <li>{@link HubClient#verifyCached} with {@link Verification#SHA256} of the downloaded snapshot, against
 *       {@code sha256sum} of the same files (target: at least 0.8x);
 *   <li>snapshot download with {@link Verification#SHA256} (hashing while writing), for information;
 *   <li>a second snapshot download of the cached revision: its time and how many file downloads the hub saw;
 *   <li>one file (the repository's first) with {@code HF_HUB_ENABLE_HF_TRANSFER} (parallel {@code Range} requests,
 *       {@value #RANGE_CONNECTIONS} connections, chunks of a sixteenth of the file at most 10 MiB) against one
 *       stream, on the same hub in the same run: once at loopback speed, and once with the hub pacing every
 *       connection ({@link LocalHub#throttlePerConnection}, 20 MB/s by default), since on loopback one connection
 *       is as fast as memory and parallel connections can only add overhead; a remote CDN limits each connection.
 * </ul>
 *
 * <pre>{@code
 * BenchReport report = HubBenchmark.builder().quick().build().run();
 * System.out.print(report.toTable());
 * }</pre>
 *
 * <p>Timings are medians of {@code repeats} runs; the order of the sides alternates between runs, and
 * {@code sync} runs, untimed, before each timed download. The page cache holds the served files for both
 * sides. It is not a unit test: it asserts nothing and only reports.
 */
public final class HubBenchmark extends SizedBenchmark {
    /** Files in the served repository. */
    public static final int FILES = 8;
    /** The repository size. */
    public static final int DEFAULT_SIZE_MIB = 1024;
    /** Repository size of {@link Builder#quick()}. */
    public static final int QUICK_SIZE_MIB = 64;

    public static final String DOWNLOAD_NONE = "download-none";
    public static final String DOWNLOAD_SIZE = "download-size";
    public static final String DOWNLOAD_SEQUENTIAL = "download-vs-sequential-curl";
    public static final String VERIFY = "verify-sha256";
    public static final String DOWNLOAD_SHA256 = "download-sha256";
    public static final String DOWNLOAD_CACHED = "download-cached";
    /** {@code HF_HUB_ENABLE_HF_TRANSFER} ranges against one stream, one file, loopback at full speed. */
    public static final String RANGES_LOOPBACK = "ranges-vs-stream-loopback";
    /** The same, with the LocalHub pacing each connection as a remote CDN would. */
    public static final String RANGES_PACED = "ranges-vs-stream-paced";
    /** Every row a run produces, in order. */
    public static final List<String> ROWS = List.of(DOWNLOAD_NONE, DOWNLOAD_SIZE, DOWNLOAD_SEQUENTIAL, VERIFY,
            DOWNLOAD_SHA256, DOWNLOAD_CACHED, RANGES_LOOPBACK, RANGES_PACED);
    /** The default per-connection pace of the {@link #RANGES_PACED} row: 20 MB/s. */
    public static final long DEFAULT_PACE_BYTES_PER_SECOND = 20_000_000L;
    /** Connections per file for the range rows (HubSettings' default). */
    static final int RANGE_CONNECTIONS = HubSettings.DEFAULT_RANGE_CONNECTIONS;

    private static final String REPO = "bench/hub-model";
    private static final int CACHED_CALLS = 5;
    /** The served files, without the repository's {@code .gitattributes}. */
    private static final List<String> ALLOW = List.of("*.safetensors");

    private final boolean warmup;
    private final long paceBytesPerSecond;

    private HubBenchmark(Builder b) {
        super(b);
        this.paceBytesPerSecond = b.paceBytesPerSecond;
        this.warmup = b.warmup;
    }

    /** A builder with the size: 1024 MiB. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this benchmark's settings. */
    public Builder toBuilder() {
        return copyTo(builder()).warmup(warmup).paceBytesPerSecond(paceBytesPerSecond);
    }

    /**
     * Runs every measurement and returns the report; progress goes to the log stream.
     *
     * <p>Everything is written under a new {@code den4j-bench-hub-*} directory in the work directory, which
     * is deleted afterwards unless {@link Builder#keep(boolean) keep} is set.
     *
     * @throws UncheckedIOException when the work directory cannot be written or a reference tool fails
     */
    public BenchReport run() {
        try (BenchRun run = BenchRun.start(workParent, "den4j-bench-hub-", keep, this::log)) {
            Path work = run.work();
            if (warmup) {
                log("warm-up: a small run first, so the JIT has compiled the client's hot paths");
                toBuilder().sizeMiB(Math.min(8, sizeMiB)).repeats(1).keep(false).warmup(false).workDir(work)
                        .log(quiet()).build().run();
            }
            run.startMeasuring();
            List<Measurement> rows = new ArrayList<>();
            measure(work, rows);
            return run.report(header(run), rows);
        } catch (IOException e) {
            throw new UncheckedIOException("Hub benchmark failed: " + e, e);
        }
    }

    private List<String> header(BenchRun run) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "den4j hub benchmark: %d MiB in %d LFS files from a LocalHub on "
                + "loopback (302 to its CDN host), medians of %d runs", sizeMiB, FILES, repeats));
        lines.add(run.machine());
        lines.add("MB = 10^6 bytes; references run as processes on the same file system; served files in the page "
                + "cache for both");
        if (sizeMiB != DEFAULT_SIZE_MIB) {
            lines.add(String.format(Locale.ROOT, "targets are the issue's, set for %d MiB", DEFAULT_SIZE_MIB));
        }
        return lines;
    }

    private void measure(Path work, List<Measurement> rows) throws IOException {
        Path source = work.resolve("served");
        Files.createDirectories(source);
        log(String.format(Locale.ROOT, "writing %d MiB in %d files (random bytes)", sizeMiB, FILES));
        Map<String, Path> files = new LinkedHashMap<>();
        for (Path file : new RandomData(4).writeShards(source, sizeMiB * MIB, FILES)) {
            files.put(file.getFileName().toString(), file);
        }
        long bytes = FileTree.size(source);

        try (LocalHub hub = LocalHub.start()) {
            hub.createRepo(REPO);
            String commit = hub.commitFiles(REPO, "main", files, LfsRule.ALL);
            List<String> urls = files.keySet().stream()
                    .map(name -> hub.baseUrl() + "/" + REPO + "/resolve/" + commit + "/" + name).toList();
            boolean haveCurl = Commands.which("curl").isPresent();
            if (!haveCurl) {
                log("curl is not on PATH: the download rows have no reference");
            }

            Side den = new Side("den4j NONE", r -> download(hub, work, r, Verification.NONE, bytes));
            Side denSize = new Side("den4j SIZE", r -> download(hub, work, r, Verification.SIZE, bytes));
            Side denSha = new Side("den4j SHA256", r -> download(hub, work, r, Verification.SHA256, bytes));
            Side parallel = new Side("curl --parallel", r -> curl(work, urls, files.keySet(), true));
            Side sequential = new Side("curl", r -> curl(work, urls, files.keySet(), false));
            List<Side> sides = new ArrayList<>(List.of(den, denSize, denSha));
            if (haveCurl) {
                sides.add(parallel);
                sides.add(sequential);
            }
            for (int r = 0; r < repeats; r++) {
                // Alternate the order, so that no side always meets another's write-back.
                List<Side> order = new ArrayList<>(sides);
                if (r % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (Side side : order) {
                    log(String.format(Locale.ROOT, "%s %d/%d: %d MiB", side.name, r + 1, repeats, sizeMiB));
                    Path out = work.resolve("out");
                    FileTree.delete(out);
                    Commands.sync();
                    side.ms[r] = side.run.run(r) / 1e6;
                }
            }
            double ref = haveCurl ? median(parallel.ms) : Double.NaN;
            rows.add(downloadRow(DOWNLOAD_NONE, "snapshot download, verify none", den, parallel, haveCurl, bytes,
                    true));
            rows.add(downloadRow(DOWNLOAD_SIZE, "snapshot download, verify size", denSize, parallel, haveCurl, bytes,
                    true));
            rows.add(downloadRow(DOWNLOAD_SEQUENTIAL, "snapshot download, verify none (vs sequential)", den,
                    sequential, haveCurl, bytes, false));

            // The last timed download left a cache behind: verify it, and download it again.
            FileTree.delete(work.resolve("out"));
            Path cache = work.resolve("out").resolve("hub-cache");
            download(hub, work, 0, Verification.NONE, bytes);
            List<Path> blobs = FileTree.files(cache.resolve("models--" + REPO.replace("/", "--")).resolve("blobs"));
            check(blobs.size() == FILES, () -> "the cache holds " + blobs.size() + " blobs, expected " + FILES);
            String hashName = hashName();
            double[] verifyMs = new double[repeats];
            double[] hashMs = new double[repeats];
            HubSettings settings = settings(hub, cache);
            try (HubClient client = new HubClient(settings)) {
                for (int r = 0; r < repeats; r++) {
                    for (int side = 0; side < 2; side++) {
                        if ((side == 0) == (r % 2 == 0)) {
                            log(String.format(Locale.ROOT, "%s %d/%d", hashName, r + 1, repeats));
                            hashMs[r] = hash(blobs) / 1e6;
                        } else {
                            log(String.format(Locale.ROOT, "verifyCached SHA256 %d/%d", r + 1, repeats));
                            long t0 = System.nanoTime();
                            CacheCheck check = client.verifyCached(REPO, "main", ALLOW, null, Verification.SHA256,
                                    ProgressListener.NONE);
                            verifyMs[r] = (System.nanoTime() - t0) / 1e6;
                            check(check.isComplete() && check.verified().size() == FILES,
                                    () -> "verifyCached found " + check);
                        }
                    }
                }
                double verifyRate = mbPerSecond(bytes, median(verifyMs));
                double hashRate = mbPerSecond(bytes, median(hashMs));
                rows.add(new Measurement(VERIFY, "verifyCached SHA256 of the snapshot", verifyRate, "MB/s", hashName,
                        hashRate, verifyRate / hashRate, ">= 0.8x ref", verdict(verifyRate / hashRate >= 0.8),
                        String.format(Locale.ROOT, "den4j %.0f ms vs %s %.0f ms of the %d blobs (runs: den4j %s; "
                                + "ref %s); page cache warm", median(verifyMs), hashName, median(hashMs), FILES,
                                list(verifyMs), list(hashMs))));

                double shaRate = mbPerSecond(bytes, median(denSha.ms));
                double refRate = mbPerSecond(bytes, ref);
                rows.add(new Measurement(DOWNLOAD_SHA256, "snapshot download, verify sha256", shaRate, "MB/s",
                        haveCurl ? parallel.name : null, refRate, shaRate / refRate, "", Verdict.INFO,
                        String.format(Locale.ROOT, "hashes while writing; %.0f ms (runs %s)", median(denSha.ms),
                                list(denSha.ms))));

                log("second snapshot download of the cached revision");
                client.snapshotDownload(REPO, "main", ALLOW, null, Verification.NONE, ProgressListener.NONE);
                double[] cachedMs = new double[CACHED_CALLS];
                hub.clearRequests();
                for (int i = 0; i < CACHED_CALLS; i++) {
                    long t0 = System.nanoTime();
                    client.snapshotDownload(REPO, "main", ALLOW, null, Verification.SIZE, ProgressListener.NONE);
                    cachedMs[i] = (System.nanoTime() - t0) / 1e6;
                }
                List<RecordedRequest> requests = hub.requests();
                long gets = requests.stream().filter(RecordedRequest::isDownload).count();
                rows.add(new Measurement(DOWNLOAD_CACHED, "snapshot download again, cached", median(cachedMs), "ms",
                        null, 0, 0, "", Verdict.INFO, String.format(Locale.ROOT, "%d calls (verify size), min "
                                + "%.1f ms, max %.1f ms; the hub saw %d requests, %d of them file downloads",
                                CACHED_CALLS, Samples.min(cachedMs), Samples.max(cachedMs), requests.size(),
                                gets)));
            }
            String first = files.keySet().iterator().next();
            long fileBytes = Files.size(files.get(first));
            rows.add(rangesRow(RANGES_LOOPBACK, "one file, parallel ranges vs one stream (loopback)", hub, work,
                    commit, first, fileBytes, 0));
            rows.add(rangesRow(RANGES_PACED, String.format(Locale.ROOT, "one file, parallel ranges vs one stream "
                    + "(%.0f MB/s per connection)", paceBytesPerSecond / 1e6), hub, work, commit, first, fileBytes,
                    paceBytesPerSecond));
        }
    }

    private Measurement downloadRow(String id, String name, Side den, Side ref, boolean haveRef, long bytes,
            boolean target) {
        double rate = mbPerSecond(bytes, median(den.ms));
        double refRate = haveRef ? mbPerSecond(bytes, median(ref.ms)) : Double.NaN;
        double ratio = rate / refRate;
        Verdict verdict = !target ? Verdict.INFO : haveRef ? verdict(ratio >= 0.8) : Verdict.MISS;
        String note = haveRef
                ? String.format(Locale.ROOT, "%s %.0f ms vs %s %.0f ms (runs: %s; ref %s)", den.name, median(den.ms),
                        ref.name, median(ref.ms), list(den.ms), list(ref.ms))
                : String.format(Locale.ROOT, "%.0f ms (runs %s); curl is not on PATH", median(den.ms), list(den.ms));
        return new Measurement(id, name, rate, "MB/s", haveRef ? ref.name : null, refRate, ratio,
                target ? ">= 0.8x ref" : "", verdict, note);
    }

    /**
     * Times one file with {@code HF_HUB_ENABLE_HF_TRANSFER} against one stream, alternating their order, with the
     * hub pacing each connection to {@code pace} bytes per second (0: no limit).
     */
    private Measurement rangesRow(String id, String name, LocalHub hub, Path work, String commit, String file,
            long bytes, long pace) throws IOException {
        long chunk = Math.max(64 * 1024, Math.min(HubSettings.DEFAULT_RANGE_CHUNK_SIZE, bytes / 16));
        double[] rangesMs = new double[repeats];
        double[] streamMs = new double[repeats];
        hub.throttlePerConnection(pace);
        try {
            for (int r = 0; r < repeats; r++) {
                for (int side = 0; side < 2; side++) {
                    boolean ranges = (side == 0) == (r % 2 == 0);
                    log(String.format(Locale.ROOT, "%s %s %d/%d: %d MiB", id, ranges ? "ranges" : "one stream", r + 1,
                            repeats, bytes >> 20));
                    Path cache = work.resolve("out").resolve("ranges-cache");
                    FileTree.delete(cache.getParent());
                    Commands.sync();
                    HubSettings settings = settings(hub, cache).toBuilder().hfTransfer(ranges).rangeChunkSize(chunk)
                            .rangeConnections(RANGE_CONNECTIONS).build();
                    try (HubClient client = new HubClient(settings)) {
                        long t0 = System.nanoTime();
                        Path got = client.download(REPO, commit, file, Verification.NONE, ProgressListener.NONE);
                        double ms = (System.nanoTime() - t0) / 1e6;
                        check(Files.size(got) == bytes, () -> file + " arrived with the wrong size");
                        (ranges ? rangesMs : streamMs)[r] = ms;
                    }
                }
            }
        } finally {
            hub.throttlePerConnection(0);
        }
        FileTree.delete(work.resolve("out"));
        double rate = mbPerSecond(bytes, median(rangesMs));
        double refRate = mbPerSecond(bytes, median(streamMs));
        String paced = pace > 0 ? String.format(Locale.ROOT, "LocalHub paces each connection to %.0f MB/s (as a "
                + "remote CDN limits one connection)", pace / 1e6) : "loopback, no pacing: one connection runs at "
                + "memory speed, so parallel connections can only add overhead";
        return new Measurement(id, name, rate, "MB/s", "one stream", refRate, rate / refRate, "", Verdict.INFO,
                String.format(Locale.ROOT, "%s; %d MiB file, %d connections, %d KiB chunks, verify none; ranges "
                        + "%.0f ms vs one stream %.0f ms (runs: %s; ref %s)", paced, bytes >> 20, RANGE_CONNECTIONS,
                        chunk >> 10, median(rangesMs), median(streamMs), list(rangesMs), list(streamMs)));
    }

    /** Downloads the snapshot into {@code work/out/hub-cache} with a new client; returns nanoseconds. */
    private static long download(LocalHub hub, Path work, int run, Verification verification, long bytes)
            throws IOException {
        Path cache = work.resolve("out").resolve("hub-cache");
        try (HubClient client = new HubClient(settings(hub, cache))) {
            long t0 = System.nanoTime();
            Path snapshot = client.snapshotDownload(REPO, "main", ALLOW, null, verification, ProgressListener.NONE);
            long elapsed = System.nanoTime() - t0;
            long got = FileTree.size(cache.resolve("models--" + REPO.replace("/", "--")).resolve("blobs"));
            check(Files.isDirectory(snapshot) && got == bytes, () -> "the download holds " + got + " bytes, expected "
                    + bytes);
            return elapsed;
        }
    }

    /** Fetches the URLs with curl into {@code work/out/curl}; returns nanoseconds. */
    private static long curl(Path work, List<String> urls, Iterable<String> names, boolean parallel)
            throws IOException {
        Path dir = work.resolve("out").resolve("curl");
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("curl", "-sSfL"));
        if (parallel) {
            cmd.addAll(List.of("--parallel", "--parallel-max", String.valueOf(FILES)));
        }
        int i = 0;
        for (String name : names) {
            cmd.addAll(List.of("-o", dir.resolve(name).toString(), urls.get(i++)));
        }
        return Commands.timed(cmd);
    }

    private static HubSettings settings(LocalHub hub, Path cache) {
        return HubSettings.builder(cache).endpoint(hub.baseUrl()).hfHome(cache.resolveSibling("hf-home")).build();
    }

    private static void check(boolean ok, Supplier<String> message) {
        if (!ok) {
            throw new IllegalStateException("Hub benchmark sanity check failed: " + message.get());
        }
    }

    /** A timed action of one side of a comparison. */
    @FunctionalInterface
    private interface Run {
        long run(int repeat) throws IOException;
    }

    /** One side of a comparison and its timings in milliseconds, one per repeat. */
    private final class Side {
        final String name;
        final Run run;
        final double[] ms = new double[repeats];

        Side(String name, Run run) {
            this.name = name;
            this.run = run;
        }
    }

    /** Builds a {@link HubBenchmark}; the defaults are the size. */
    public static final class Builder extends SizedBenchmarkBuilder<Builder> {
        private boolean warmup = true;
        private long paceBytesPerSecond = DEFAULT_PACE_BYTES_PER_SECOND;

        private Builder() {
            super(DEFAULT_SIZE_MIB, QUICK_SIZE_MIB, 1);
        }

        /**
         * The per-connection pace of the paced ranges row, in bytes per second (default 20 MB/s).
         *
         * @throws IllegalArgumentException when not positive
         */
        public Builder paceBytesPerSecond(long bytesPerSecond) {
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("Pace " + bytesPerSecond + " bytes/s is not positive; use a rate "
                        + "such as 20000000 (20 MB/s per connection)");
            }
            this.paceBytesPerSecond = bytesPerSecond;
            return this;
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
        public HubBenchmark build() {
            validate();
            return new HubBenchmark(this);
        }
    }
}
