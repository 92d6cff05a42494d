package org.den4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.den4j.bench.Measurement.Verdict;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderDen;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.Coders;
import org.den4j.coder.CodingData;
import org.den4j.coder.GenerativeCoder;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.PredictOptions;
import org.den4j.data.MimicImport;
import org.den4j.data.MimicVersion;
import org.den4j.data.SyntheticMimic;
import org.den4j.den.Den;
import org.den4j.serve.api.CoderApiServer;
import org.den4j.serve.api.InferenceConfig;

/**
 * Measures the coder API ({@code ./jbang bench-api}) against the same coder called in-process in the same run:
 * {@code POST /predict} with a {@code linear} coder over loopback at several concurrencies (requests/s, p50 and p99
 * latency, the ratio to in-process calls), requests sent during model swaps and how many failed, and, when an
 * {@code lm-generate} coder is given, {@code /v1/chat/completions} tokens/s next to its in-process generation.
 *
 * <p>The linear coder is trained in the run on synthetic MIMIC-IV ({@code patients}, seed 7), so the benchmark needs
 * nothing but den4j. Aims from the issue: at concurrency 8, at least 0.8x in-process requests/s and p99 under 50 ms;
 * no failed request during the swaps.
 */
public final class ApiBenchmark {
    /** The issue's aim for HTTP over in-process requests/s at concurrency 8. */
    public static final double TARGET_RATIO = 0.8;
    /** The issue's aim for p99 latency at concurrency 8, in ms. */
    public static final double TARGET_P99_MS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "bench/icd-coder";

    private final int patients;
    private final List<Integer> concurrency;
    private final Duration duration;
    private final int swaps;
    private final String lmCoder;
    private final Path workDir;
    private final PrintStream log;

    private ApiBenchmark(Builder b) {
        this.patients = b.patients;
        this.concurrency = List.copyOf(b.concurrency);
        this.duration = b.duration;
        this.swaps = b.swaps;
        this.lmCoder = b.lmCoder;
        this.workDir = b.workDir;
        this.log = b.log;
    }

    /** The defaults: 300 patients, concurrency 1, 8 and 32, 5 s a level, 10 swaps. */
    public static Builder builder() {
        return new Builder();
    }

    /** Trains the coder, times it in-process and over HTTP, swaps it under load, and returns the report. */
    public BenchReport run() {
        try (BenchRun run = BenchRun.start(workDir, "den4j-bench-api-", false, m -> log.println("bench-api: " + m))) {
            Path dir = run.work();
            log.println("bench-api: synthetic MIMIC-IV, " + patients + " patients");
            SyntheticMimic.builder(MimicVersion.MIMIC_IV).patients(patients).seed(7).build().write(dir.resolve("mimic"));
            MimicImport mimic = MimicImport.builder(dir.resolve("mimic"), MimicVersion.MIMIC_IV)
                    .outputDir(dir.resolve("db")).build();
            mimic.run();
            Path db = mimic.database();
            log.println("bench-api: training a linear coder");
            Path linear = Coders.format("linear").train(new CoderTraining(CodingData.read(db, "train", 0),
                    CodingData.read(db, "validation", 0), CodeDictionary.fromDatabase(db), dir.resolve("linear"),
                    Map.of(), null, "cpu", 7, null, Map.of("database", db.toString())));
            List<String> notes = CodingData.read(db, "test", 200).stream().map(CodedNote::text).toList();
            List<Measurement> rows = new ArrayList<>();
            List<String> levels = new ArrayList<>();
            try (Den den = Den.at(dir.resolve("den"))) {
                CoderDen.push(den, linear, NAME, null);
                CoderDen.push(den, renamedCopy(linear, dir.resolve("linear-2")), NAME, null);
                den.alias(NAME, "champion", 1);
                InferenceConfig config = InferenceConfig.defaults().withModel(new InferenceConfig.Model(NAME
                        + "@champion", "cpu", Duration.ofMillis(200))).withApi(new InferenceConfig.Api("127.0.0.1", 0,
                        List.of(), 0, 0, Duration.ofSeconds(30), 10L << 20, null, 0));
                try (IcdCoder coder = Coders.load(linear);
                        CoderApiServer server = CoderApiServer.builder(config).den(den).start()) {
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    awaitReady(client, server.url());
                    for (int c : concurrency) {
                        Load local = load(c, notes, (i, note) -> {
                            coder.predict(note, PredictOptions.DEFAULTS);
                            return true;
                        });
                        Load http = load(c, notes, (i, note) -> post(client, server.url(), "/predict",
                                JSON.writeValueAsString(Map.of("text", note))).statusCode() == 200);
                        double ratio = http.perSecond() / local.perSecond();
                        boolean aimed = c == 8;
                        rows.add(new Measurement("predict-c" + c, "POST /predict, linear, concurrency " + c,
                                http.perSecond(), "req/s", "in-process predict, same concurrency", local.perSecond(),
                                ratio, aimed ? ">= " + TARGET_RATIO + "x" : "", !aimed ? Verdict.INFO
                                : ratio >= TARGET_RATIO ? Verdict.PASS : Verdict.MISS, String.format(Locale.ROOT,
                                "%d requests, %d failed; HTTP p50 %.2f ms p99 %.2f ms; in-process p50 %.2f ms "
                                        + "p99 %.2f ms", http.count(), http.failed(), http.p50(), http.p99(),
                                local.p50(), local.p99())));
                        rows.add(new Measurement("p99-c" + c, "POST /predict p99 latency, concurrency " + c,
                                http.p99(), "ms", "in-process p99", local.p99(), http.p99() / local.p99(),
                                aimed ? "< " + (int) TARGET_P99_MS + " ms" : "", !aimed ? Verdict.INFO
                                : http.p99() < TARGET_P99_MS ? Verdict.PASS : Verdict.MISS, "p50 " + String.format(
                                Locale.ROOT, "%.2f ms", http.p50())));
                        levels.add(c + "");
                    }
                    rows.add(swapUnderLoad(client, server.url(), den, notes));
                }
            }
            rows.add(lmRow());
            String load = loadAverage();
            List<String> header = List.of("den4j coder API benchmark: POST /predict over loopback (JDK HttpClient, "
                    + "HTTP/1.1) vs the same linear coder called in-process, in the same run",
                    String.format(Locale.ROOT, "synthetic MIMIC-IV, %d patients, seed 7; %d test notes sent round "
                            + "robin; %s s per level; concurrency %s; %d processors; load average at the end %s",
                            patients, notes.size(), duration.toMillis() / 1000.0, String.join(", ", levels),
                            Runtime.getRuntime().availableProcessors(), load));
            return new BenchReport(header, rows, run.elapsed());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of a coder folder with its own digest (a metric added), so the den holds it as another model. */
    private static Path renamedCopy(Path folder, Path copy) throws IOException {
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        CoderConfig.read(copy).withMetrics(Map.of("bench_copy", 2.0)).write(copy);
        return copy;
    }

    private Measurement swapUnderLoad(HttpClient client, URI url, Den den, List<String> notes) {
        AtomicBoolean run = new AtomicBoolean(true);
        Load[] result = new Load[1];
        Thread loader = new Thread(() -> result[0] = loadUntil(8, notes, run, (i, note) -> post(client, url,
                "/predict", JSON.writeValueAsString(Map.of("text", note))).statusCode() == 200));
        loader.start();
        long worstMs = 0;
        try {
            Thread.sleep(300);
            for (int s = 0; s < swaps; s++) {
                int version = s % 2 == 0 ? 2 : 1;
                long t0 = System.nanoTime();
                den.alias(NAME, "champion", version);
                while (!servedVersion(client, url).equals(String.valueOf(version))) {
                    if (System.nanoTime() - t0 > Duration.ofSeconds(30).toNanos()) {
                        throw new IllegalStateException("The coder API did not serve " + NAME + "@" + version
                                + " within 30 s of the alias move");
                    }
                    Thread.sleep(20);
                }
                worstMs = Math.max(worstMs, (System.nanoTime() - t0) / 1_000_000);
            }
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            run.set(false);
        }
        try {
            loader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Load l = result[0];
        return new Measurement("swap", "requests failed during " + swaps + " swaps (alias moves) under 8 clients",
                l.failed(), "requests", null, Double.NaN, Double.NaN, "0", l.failed() == 0 ? Verdict.PASS
                : Verdict.MISS, String.format(Locale.ROOT, "%d requests sent; %.0f req/s; p99 %.2f ms; new version "
                + "served at most %d ms after its alias moved (polling every 200 ms)", l.count(), l.perSecond(),
                l.p99(), worstMs));
    }

    private Measurement lmRow() {
        if (lmCoder == null) {
            return new Measurement("lm-generate", "lm-generate through /v1/chat/completions", Double.NaN, "tokens/s",
                    null, Double.NaN, Double.NaN, "", Verdict.INFO, "not run: give --lm-coder FOLDER (an lm-generate "
                    + "coder) to measure it");
        }
        Path folder = Path.of(lmCoder);
        String note = "Patient admitted with chest pain, shortness of breath and a history of hypertension.";
        // the server first, closed before the in-process coder loads: never two copies of the model at once
        double http;
        String httpText;
        int httpTokens = 0;
        InferenceConfig config = InferenceConfig.defaults().withModel(new InferenceConfig.Model(folder.toString(),
                "cpu", Duration.ZERO)).withApi(new InferenceConfig.Api("127.0.0.1", 0, List.of(), 0, 0,
                Duration.ofSeconds(300), 10L << 20, null, 1));
        try (CoderApiServer server = CoderApiServer.builder(config).start()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            awaitReady(client, server.url());
            String body = JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user",
                    "content", note)), "max_tokens", 32, "temperature", 0));
            JsonNode first = JSON.readTree(post(client, server.url(), "/v1/chat/completions", body).body());
            if (!first.has("choices")) {
                return new Measurement("lm-generate", "lm-generate through /v1/chat/completions", Double.NaN,
                        "tokens/s", null, Double.NaN, Double.NaN, "", Verdict.INFO, "not run: " + lmCoder
                        + " answered " + first);
            }
            httpText = first.at("/choices/0/message/content").asText();
            long t1 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                httpTokens += JSON.readTree(post(client, server.url(), "/v1/chat/completions", body).body())
                        .at("/usage/completion_tokens").asInt();
            }
            http = httpTokens / ((System.nanoTime() - t1) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while measuring " + lmCoder, e);
        }
        try (IcdCoder coder = Coders.load(folder)) {
            if (!(coder instanceof GenerativeCoder g)) {
                return new Measurement("lm-generate", "lm-generate through /v1/chat/completions", Double.NaN,
                        "tokens/s", null, Double.NaN, Double.NaN, "", Verdict.INFO, "not run: " + lmCoder + " is a "
                        + coder.kind() + " coder, which does not generate");
            }
            GenerativeCoder.Sampling sampling = new GenerativeCoder.Sampling(32, 0, 1, null, List.of());
            String localText = g.generate(note, sampling, s -> { }).text();
            long t0 = System.nanoTime();
            int tokens = 0;
            for (int i = 0; i < 3; i++) {
                tokens += g.generate(note, sampling, s -> { }).completionTokens();
            }
            double local = tokens / ((System.nanoTime() - t0) / 1e9);
            return new Measurement("lm-generate", "lm-generate through /v1/chat/completions", http, "tokens/s",
                    "in-process generate", local, http / local, "", Verdict.INFO, String.format(Locale.ROOT,
                    "3 answers of %d and %d tokens after a warm-up, greedy, prompt included; answers %s ([%s])",
                    httpTokens, tokens, localText.equals(httpText) ? "identical" : "DIFFER: [" + httpText + "] vs",
                    localText));
        }
    }

    // ---------------------------------------------------------------- load generation

    /** One call of a load: true when it succeeded. */
    @FunctionalInterface
    interface Call {
        boolean call(int index, String note) throws Exception;
    }

    /** What a load measured. */
    record Load(long count, long failed, double seconds, double[] latenciesMs) {
        double perSecond() {
            return count / seconds;
        }

        double p50() {
            return percentile(0.50);
        }

        double p99() {
            return percentile(0.99);
        }

        double percentile(double q) {
            if (latenciesMs.length == 0) {
                return Double.NaN;
            }
            return latenciesMs[Math.min(latenciesMs.length - 1, (int) Math.ceil(q * latenciesMs.length) - 1)];
        }
    }

    private Load load(int threads, List<String> notes, Call call) {
        // a warm-up of a second, then the measured duration
        loadFor(threads, notes, call, Duration.ofSeconds(1));
        return loadFor(threads, notes, call, duration);
    }

    private Load loadFor(int threads, List<String> notes, Call call, Duration d) {
        AtomicBoolean run = new AtomicBoolean(true);
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            run.set(false);
        });
        timer.start();
        return loadUntil(threads, notes, run, call);
    }

    private static Load loadUntil(int threads, List<String> notes, AtomicBoolean run, Call call) {
        ConcurrentLinkedQueue<double[]> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong failed = new AtomicLong();
        AtomicLong next = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                List<Double> mine = new ArrayList<>();
                try {
                    while (run.get()) {
                        int i = (int) (next.getAndIncrement() % notes.size());
                        long s = System.nanoTime();
                        boolean ok;
                        try {
                            ok = call.call(i, notes.get(i));
                        } catch (Exception e) {
                            ok = false;
                        }
                        mine.add((System.nanoTime() - s) / 1e6);
                        if (!ok) {
                            failed.incrementAndGet();
                        }
                    }
                } finally {
                    latencies.add(mine.stream().mapToDouble(Double::doubleValue).toArray());
                    done.countDown();
                }
            });
            worker.setDaemon(true);
            worker.start();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] all = latencies.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
        return new Load(all.length, failed.get(), seconds, all);
    }

    private static HttpResponse<String> post(HttpClient client, URI url, String path, String body) throws IOException,
            InterruptedException {
        return client.send(HttpRequest.newBuilder(url.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String servedVersion(HttpClient client, URI url) throws InterruptedException {
        try {
            JsonNode info = JSON.readTree(client.send(HttpRequest.newBuilder(url.resolve("/info")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            return info.at("/model/version").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static void awaitReady(HttpClient client, URI url) throws IOException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try {
            while (client.send(HttpRequest.newBuilder(url.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The coder API at " + url + " was not ready within 5 minutes");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The one-minute load average as /proc/loadavg writes it, or n/a where the system does not say. */
    private static String loadAverage() {
        double load = BenchRun.loadAverage();
        return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", load);
    }

    /** Builds an {@link ApiBenchmark}. */
    public static final class Builder {
        private int patients = 300;
        private List<Integer> concurrency = List.of(1, 8, 32);
        private Duration duration = Duration.ofSeconds(5);
        private int swaps = 10;
        private String lmCoder;
        private Path workDir;
        private PrintStream log = new PrintStream(OutputStream.nullOutputStream());

        /** Synthetic patients to train the linear coder on (default 300). */
        public Builder patients(int n) {
            if (n < 20) {
                throw new IllegalArgumentException("--patients must be at least 20, was " + n);
            }
            this.patients = n;
            return this;
        }

        /** The concurrency levels (default 1, 8, 32). */
        public Builder concurrency(List<Integer> levels) {
            if (levels.isEmpty() || levels.stream().anyMatch(c -> c < 1)) {
                throw new IllegalArgumentException("--concurrency needs levels of at least 1, was " + levels);
            }
            this.concurrency = List.copyOf(levels);
            return this;
        }

        /** How long each level runs (default 5 s, after a 1 s warm-up). */
        public Builder duration(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("--seconds must be positive");
            }
            this.duration = d;
            return this;
        }

        /** Model swaps under load (default 10). */
        public Builder swaps(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("--swaps must be at least 1, was " + n);
            }
            this.swaps = n;
            return this;
        }

        /** An lm-generate coder folder to measure through /v1/chat/completions (default: none). */
        public Builder lmCoder(String folder) {
            this.lmCoder = folder;
            return this;
        }

        /** Where the run's files go (default: a temporary folder), deleted after the run. */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** Where progress lines go (default: nowhere). */
        public Builder log(PrintStream out) {
            this.log = out;
            return this;
        }

        public ApiBenchmark build() {
            return new ApiBenchmark(this);
        }
    }
}
