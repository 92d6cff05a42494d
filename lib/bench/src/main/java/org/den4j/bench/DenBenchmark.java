package org.den4j.bench;

import static org.den4j.bench.Samples.list;
import static org.den4j.bench.Samples.max;
import static org.den4j.bench.Samples.mbPerSecond;
import static org.den4j.bench.Samples.median;
import static org.den4j.bench.Samples.min;
import static org.den4j.bench.Samples.sum;
import static org.den4j.bench.Samples.verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.den4j.bench.Measurement.Verdict;
import org.den4j.bench.internal.RegistryProbe;
import org.den4j.den.Den;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.PushRequest;
import org.den4j.den.PushResult;
import org.den4j.den.RegistryQuery;
import org.den4j.den.VerifyReport;
import org.den4j.den.io.FileTree;

/**
 * Measures the den against the targets, each next to a reference measured in the same run
 * on the same file system.
 *
 * <ul>
 *   <li>push of a model of {@code sizeMiB} in {@value #SHARDS} shards, against {@code cp -r} followed by
 *       {@code sha256sum} of the copy (target: at least half their throughput);
 *   <li>first fetch (links plus a SHA-256 check of every blob) and {@code den verify}, against
 *       {@code sha256sum};
 *   <li>fetch of the stored model, against {@code cp -r} of it (target: under 50 ms);
 *   <li>push of a derivative that shares all shards but one (95% of its bytes) with its parent:
 *       {@link PushResult#newByteFraction()} and the growth of {@code <den>/blobs} (target: at most 6%);
 *   <li>{@code list} and a tag search over {@code models} small models, in the den instance that pushed
 *       them, in a fresh {@link Den} on the same directory, and in a fresh JVM (target: under 300 ms),
 *       and how long pushing those models took.
 * </ul>
 *
 * <pre>{@code
 * BenchReport report = DenBenchmark.builder().quick().build().run();
 * System.out.print(report.toTable());
 * }</pre>
 *
 * <p>Timings are medians of {@code repeats} runs, with the page cache warm for the den and the
 * reference alike; {@code sync} runs, untimed, before each timed push or copy. The benchmark does not
 * drop the operating system's caches (that needs root and disturbs the whole machine), so "cold"
 * means a den instance or JVM that has not read the registry yet, not a cold disk. It is not a unit
 * test: it asserts nothing and only reports.
 */
public final class DenBenchmark extends SizedBenchmark {
    /** Shards of the large model: changing one of them changes 5% of its bytes. */
    public static final int SHARDS = 20;
    /** The model size. */
    public static final int DEFAULT_SIZE_MIB = 1024;
    /** The registry size. */
    public static final int DEFAULT_MODELS = 10_000;
    /** Model size of {@link Builder#quick()}. */
    public static final int QUICK_SIZE_MIB = 64;
    /** Registry size of {@link Builder#quick()}. */
    public static final int QUICK_MODELS = 1_000;
    /** Tiny models carry one of this many {@code group-N} tags; the tag search finds one group. */
    public static final int TAG_GROUPS = 100;

    public static final String PUSH = "push";
    public static final String FETCH_FIRST = "fetch-first";
    public static final String FETCH_STORED = "fetch-stored";
    public static final String VERIFY = "verify";
    public static final String DERIVATIVE_NEW_BYTES = "derivative-new-bytes";
    public static final String DERIVATIVE_DEN_GROWTH = "derivative-den-growth";
    public static final String REGISTRY_SETUP = "registry-setup";
    public static final String LIST_WARM = "list-warm";
    public static final String SEARCH_WARM = "search-warm";
    public static final String LIST_FRESH_DEN = "list-fresh-den";
    public static final String SEARCH_FRESH_DEN = "search-fresh-den";
    public static final String LIST_FRESH_JVM = "list-fresh-jvm";
    public static final String SEARCH_FRESH_JVM = "search-fresh-jvm";
    public static final String FETCH_STORED_IN_REGISTRY = "fetch-stored-registry";
    /** Every row a run with {@link Builder#freshJvm(boolean) freshJvm} on produces, in order. */
    public static final List<String> ROWS = List.of(PUSH, FETCH_FIRST, FETCH_STORED, VERIFY, DERIVATIVE_NEW_BYTES,
            DERIVATIVE_DEN_GROWTH, REGISTRY_SETUP, LIST_WARM, SEARCH_WARM, LIST_FRESH_DEN, SEARCH_FRESH_DEN,
            LIST_FRESH_JVM, SEARCH_FRESH_JVM, FETCH_STORED_IN_REGISTRY);

    /**
     * Resolved when this class loads, so a long run does not fail at its end when the jar it came from
     * was reinstalled meanwhile (as {@code ./jbang} does when the library changes).
     */
    private static final String PROBE_CLASS = RegistryProbe.class.getName();
    private static final String BASE = "bench/base";
    private static final String DERIVATIVE = "bench/base-finetuned";
    private static final int FETCH_CALLS = 21;
    private static final int REGISTRY_CALLS = 11;
    private static final int FRESH_DENS = 3;

    private final int models;
    private final boolean warmup;
    private final boolean freshJvm;
    private final Path registryDen;

    private DenBenchmark(Builder b) {
        super(b);
        this.models = b.models;
        this.warmup = b.warmup;
        this.freshJvm = b.freshJvm;
        this.registryDen = b.registryDen;
    }

    /** A builder with the sizes: 1024 MiB and 10,000 models. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this benchmark's settings. */
    public Builder toBuilder() {
        return copyTo(builder()).models(models).warmup(warmup).freshJvm(freshJvm).registryDen(registryDen);
    }

    /**
     * Runs every measurement and returns the report; progress goes to the log stream.
     *
     * <p>Everything is written under a new {@code den4j-bench-*} directory in the work directory,
     * which is deleted afterwards unless {@link Builder#keep(boolean) keep} is set.
     *
     * @throws UncheckedIOException when the work directory cannot be written or a reference tool fails
     */
    public BenchReport run() {
        try (BenchRun run = BenchRun.start(workParent, "den4j-bench-", keep, this::log)) {
            Path work = run.work();
            if (warmup) {
                log("warm-up: a small run first, so the JIT has compiled the den's hot paths");
                toBuilder().sizeMiB(Math.min(8, sizeMiB)).models(Math.min(200, models)).repeats(1).keep(false)
                        .warmup(false).freshJvm(false).registryDen(null).workDir(work).log(quiet()).build().run();
            }
            run.startMeasuring();
            List<Measurement> rows = new ArrayList<>();
            largeModel(work, rows);
            registry(work, rows);
            return run.report(header(run), rows);
        } catch (IOException e) {
            throw new UncheckedIOException("Den benchmark failed: " + e, e);
        }
    }

    private List<String> header(BenchRun run) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "den4j den benchmark: %d MiB model in %d shards, %,d small models, "
                + "medians of %d runs", sizeMiB, SHARDS, models, repeats));
        lines.add(run.machine());
        lines.add("MB = 10^6 bytes; references run as processes on the same file system; page cache warm for both");
        if (sizeMiB != DEFAULT_SIZE_MIB || models != DEFAULT_MODELS) {
            lines.add(String.format(Locale.ROOT, "targets are the issue's, set for %d MiB and %,d models",
                    DEFAULT_SIZE_MIB, DEFAULT_MODELS));
        }
        return lines;
    }

    // ---------------------------------------------------------------- the large model

    private void largeModel(Path work, List<Measurement> rows) throws IOException {
        Path source = work.resolve("model");
        log(String.format(Locale.ROOT, "writing a %d MiB model in %d shards (random bytes)", sizeMiB, SHARDS));
        writeModel(source, 1);
        List<Path> sourceFiles = FileTree.files(source);
        long bytes = FileTree.size(source);

        String copyName = Commands.which("cp").isPresent() ? "cp -r" : "Files.copy";
        String hashName = hashName();
        double[] copyMs = new double[repeats];
        double[] hashMs = new double[repeats];
        double[] pushMs = new double[repeats];
        Path den = null;
        for (int r = 0; r < repeats; r++) {
            // Alternate which side goes first, so neither always meets the other's write-back.
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == (r % 2 == 0)) {
                    log(String.format(Locale.ROOT, "reference %d/%d: %s + %s of %d MiB", r + 1, repeats, copyName,
                            hashName, sizeMiB));
                    Path copy = work.resolve("copy");
                    Commands.sync();
                    copyMs[r] = copyTree(source, copy) / 1e6;
                    hashMs[r] = hash(FileTree.files(copy)) / 1e6;
                    FileTree.delete(copy);
                } else {
                    log(String.format(Locale.ROOT, "den push %d/%d: %d MiB", r + 1, repeats, sizeMiB));
                    if (den != null) {
                        FileTree.delete(den);
                    }
                    den = work.resolve("den-" + r);
                    try (Den d = Den.at(den)) {
                        Commands.sync();
                        long t0 = System.nanoTime();
                        PushResult result = d.push(PushRequest.builder(source, BASE).tags(List.of("bench")).build());
                        pushMs[r] = (System.nanoTime() - t0) / 1e6;
                        check(result.newBytes() == bytes, () -> "first push stored " + result.newBytes()
                                + " new bytes, expected " + bytes);
                    }
                }
            }
        }
        double push = median(pushMs);
        double reference = median(sum(copyMs, hashMs));
        double pushRate = mbPerSecond(bytes, push);
        double referenceRate = mbPerSecond(bytes, reference);
        rows.add(new Measurement(PUSH, "push " + sizeMiB + " MiB model", pushRate, "MB/s", copyName + " + " + hashName,
                referenceRate, pushRate / referenceRate, ">= 0.5x ref", verdict(pushRate / referenceRate >= 0.5),
                String.format(Locale.ROOT, "den %.0f ms vs %s %.0f ms + %s %.0f ms (runs: den %s; ref %s)", push,
                        copyName, median(copyMs), hashName, median(hashMs), list(pushMs), list(sum(copyMs, hashMs)))));

        double hashRate = mbPerSecond(bytes, median(hashMs));
        try (Den d = Den.at(den)) {
            log("first fetch (links + SHA-256 of every blob), then fetches of the stored model, then verify");
            // A push may already have linked the fetched directory; remove it before each timed run so
            // that every run materializes and verifies, as after gc or on a machine that never fetched.
            Path fetched = d.fetch(BASE + "@1");
            double[] firstMs = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                FileTree.delete(fetched);
                long t0 = System.nanoTime();
                fetched = d.fetch(BASE + "@1");
                firstMs[r] = (System.nanoTime() - t0) / 1e6;
            }
            check(FileTree.size(fetched) == bytes, () -> "fetched model does not hold " + bytes + " bytes");
            double first = median(firstMs);
            double firstRate = mbPerSecond(bytes, first);
            rows.add(new Measurement(FETCH_FIRST, "first fetch (link + SHA-256 verify)", firstRate, "MB/s", hashName,
                    hashRate, firstRate / hashRate, "", Verdict.INFO,
                    String.format(Locale.ROOT, "%.0f ms for %d MiB (runs %s); its fetched directory was removed "
                            + "before each run", first, sizeMiB, list(firstMs))));

            double[] storedMs = timeCalls(FETCH_CALLS, () -> d.fetch(BASE + "@1"));
            double stored = median(storedMs);
            double copy = median(copyMs);
            rows.add(new Measurement(FETCH_STORED, "fetch of stored " + sizeMiB + " MiB model", stored, "ms",
                    copyName, copy, stored / copy, "< 50 ms", verdict(stored < 50),
                    String.format(Locale.ROOT, "%d calls on one Den, min %.3f ms, max %.3f ms; nothing copied",
                            FETCH_CALLS, min(storedMs), max(storedMs))));

            double[] verifyMs = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                VerifyReport report = d.verify(BASE + "@1");
                verifyMs[r] = (System.nanoTime() - t0) / 1e6;
                check(report.isClean() && report.bytesChecked() == bytes, () -> "verify found " + report.problems());
            }
            double verifyRate = mbPerSecond(bytes, median(verifyMs));
            rows.add(new Measurement(VERIFY, "verify " + sizeMiB + " MiB model", verifyRate, "MB/s", hashName,
                    hashRate, verifyRate / hashRate, "", Verdict.INFO,
                    String.format(Locale.ROOT, "%.0f ms (runs %s)", median(verifyMs), list(verifyMs))));

            derivative(work, source, d, den, rows);
        }
    }

    /** Pushes a copy of the model with one shard (5% of the bytes) and config.json rewritten. */
    private void derivative(Path work, Path source, Den d, Path den, List<Measurement> rows) throws IOException {
        log("derivative: one shard of " + SHARDS + " changed, the rest shared with its parent");
        Path derived = work.resolve("model-finetuned");
        Files.createDirectories(derived);
        String changedShard = RandomData.shardName(SHARDS / 2, SHARDS);
        for (Path f : FileTree.files(source)) {
            String name = f.getFileName().toString();
            if (!name.equals(changedShard) && !name.equals("config.json")) {
                linkOrCopy(f, derived.resolve(name));
            }
        }
        RandomData random = new RandomData(2);
        random.write(derived.resolve(changedShard), Files.size(source.resolve(changedShard)));
        Files.writeString(derived.resolve("config.json"), config("finetuned-" + random.hex(8)));
        long total = FileTree.size(derived);
        long shared = total - Files.size(derived.resolve(changedShard)) - Files.size(derived.resolve("config.json"));

        Path blobs = den.resolve("blobs");
        long before = FileTree.size(blobs);
        Commands.sync();
        long t0 = System.nanoTime();
        PushResult result = d.push(PushRequest.builder(derived, DERIVATIVE).parent(BASE + "@1").build());
        double ms = (System.nanoTime() - t0) / 1e6;
        long growth = FileTree.size(blobs) - before;
        double fraction = result.newByteFraction() * 100;
        double growthPct = 100.0 * growth / total;
        rows.add(new Measurement(DERIVATIVE_NEW_BYTES, String.format(Locale.ROOT,
                "derivative push (%.1f %% shared): new bytes", 100.0 * shared / total), fraction, "%", null, 0, 0,
                "<= 6 %", verdict(fraction <= 6), String.format(Locale.ROOT,
                        "PushResult.newByteFraction() = %.5f (%d new, %d reused bytes); the push took %.0f ms",
                        result.newByteFraction(), result.newBytes(), result.reusedBytes(), ms)));
        rows.add(new Measurement(DERIVATIVE_DEN_GROWTH, "derivative push: growth of <den>/blobs", growthPct, "%",
                null, 0, 0, "<= 6 %", verdict(growthPct <= 6), String.format(Locale.ROOT,
                        "%d -> %d bytes (+%d) for a %d-byte model", before, before + growth, growth, total)));
    }

    private void writeModel(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        RandomData random = new RandomData(seed);
        random.writeShards(dir, sizeMiB * MIB, SHARDS);
        Files.writeString(dir.resolve("config.json"), config("base"));
        Files.writeString(dir.resolve("generation_config.json"),
                "{\n  \"bos_token_id\": 1,\n  \"eos_token_id\": 2\n}\n");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\", "
                + "\"vocab\": {\"" + random.hex(4000) + "\": 0}}}\n");
    }

    private static String config(String name) {
        return "{\n  \"_name_or_path\": \"" + name + "\",\n  \"architectures\": [\"Qwen2ForCausalLM\"],\n"
                + "  \"model_type\": \"qwen2\",\n  \"hidden_size\": 1536\n}\n";
    }

    /** Copies a tree with the reference tool; returns nanoseconds. */
    private static long copyTree(Path source, Path target) throws IOException {
        if (Commands.which("cp").isPresent()) {
            return Commands.timed(List.of("cp", "-r", source.toString(), target.toString()));
        }
        long t0 = System.nanoTime();
        Files.createDirectories(target);
        for (Path f : FileTree.files(source)) {
            Path t = target.resolve(source.relativize(f).toString());
            Files.createDirectories(t.getParent());
            Files.copy(f, t);
        }
        return System.nanoTime() - t0;
    }

    /** The reference tool {@link #hash(List)} runs: {@code sha256sum}, {@code shasum -a 256} or Java's SHA-256. */
    static String hashName() {
        return Commands.which("sha256sum").isPresent() ? "sha256sum"
                : Commands.which("shasum").isPresent() ? "shasum -a 256" : "Java SHA-256";
    }

    /** Hashes files with the reference tool; returns nanoseconds. */
    static long hash(List<Path> files) throws IOException {
        List<String> names = files.stream().map(Path::toString).toList();
        if (Commands.which("sha256sum").isPresent()) {
            List<String> cmd = new ArrayList<>(List.of("sha256sum"));
            cmd.addAll(names);
            return Commands.timed(cmd);
        }
        if (Commands.which("shasum").isPresent()) {
            List<String> cmd = new ArrayList<>(List.of("shasum", "-a", "256"));
            cmd.addAll(names);
            return Commands.timed(cmd);
        }
        long t0 = System.nanoTime();
        byte[] buffer = new byte[1 << 20];
        for (Path f : files) {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
            try (var in = Files.newInputStream(f)) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    sha.update(buffer, 0, n);
                }
            }
            sha.digest();
        }
        return System.nanoTime() - t0;
    }

    // ---------------------------------------------------------------- the registry

    private void registry(Path work, List<Measurement> rows) throws IOException {
        Path root = registryDen != null ? registryDen : work.resolve("registry-den");
        String tag = "group-" + (7 % Math.min(models, TAG_GROUPS));
        RegistryQuery query = RegistryQuery.builder().tag(tag).build();
        try (Den den = Den.at(root)) {
            setup(work, den, rows);
            int count = den.list().size();

            log("list and tag search, warm: the Den that pushed them");
            double[] listMs = timeCalls(REGISTRY_CALLS, den::list);
            double[] searchMs = timeCalls(REGISTRY_CALLS, () -> den.search(query));
            int found = den.search(query).size();
            check(found > 0, () -> "tag search for " + tag + " found nothing");
            rows.add(registryRow(LIST_WARM, String.format(Locale.ROOT, "list %,d models, warm Den", count), listMs,
                    REGISTRY_CALLS + " calls, min %.3f ms, max %.3f ms"));
            rows.add(registryRow(SEARCH_WARM, String.format(Locale.ROOT, "tag search over %,d, warm Den", count),
                    searchMs, REGISTRY_CALLS + " calls, min %.3f ms, max %.3f ms; " + found + " hits for tag " + tag));

            log("list and tag search, fresh Den on the same directory (cold catalog, warm page cache)");
            double[] freshListMs = new double[FRESH_DENS];
            double[] freshSearchMs = new double[FRESH_DENS];
            for (int i = 0; i < FRESH_DENS; i++) {
                try (Den fresh = Den.at(root)) {
                    freshListMs[i] = timeOnce(fresh::list);
                }
                try (Den fresh = Den.at(root)) {
                    freshSearchMs[i] = timeOnce(() -> fresh.search(query));
                }
            }
            String freshNote = "first call on each of " + FRESH_DENS + " new Den instances, min %.1f ms, max %.1f ms";
            rows.add(registryRow(LIST_FRESH_DEN, String.format(Locale.ROOT, "list %,d, fresh Den (cold catalog)",
                    count), freshListMs, freshNote));
            rows.add(registryRow(SEARCH_FRESH_DEN, String.format(Locale.ROOT, "tag search over %,d, fresh Den", count),
                    freshSearchMs, freshNote));

            if (freshJvm) {
                log("list and tag search in a fresh JVM");
                rows.add(probe(LIST_FRESH_JVM, String.format(Locale.ROOT, "list %,d, fresh JVM", count), root,
                        List.of("list")));
                rows.add(probe(SEARCH_FRESH_JVM, String.format(Locale.ROOT, "tag search over %,d, fresh JVM", count),
                        root, List.of("search", tag)));
            }

            String one = modelName(Math.min(42, models - 1));
            den.fetch(one);
            double[] fetchMs = timeCalls(FETCH_CALLS, () -> den.fetch(one));
            rows.add(new Measurement(FETCH_STORED_IN_REGISTRY, String.format(Locale.ROOT,
                    "fetch of stored small model among %,d", count), median(fetchMs), "ms", null, 0, 0, "",
                    Verdict.INFO,
                    String.format(Locale.ROOT, "%d calls on the warm Den, min %.3f ms, max %.3f ms", FETCH_CALLS,
                            min(fetchMs), max(fetchMs))));
        }
    }

    /** Pushes the small models the den does not hold yet, through the public API, one at a time. */
    private void setup(Path work, Den den, List<Measurement> rows) throws IOException {
        Set<String> existing = new HashSet<>();
        for (ModelInfo m : den.list()) {
            existing.add(m.name());
        }
        Path dir = work.resolve("small-model");
        Files.createDirectories(dir);
        ModelMetadata meta = ModelMetadata.builder().modelType(ModelMetadata.DECODER_ONLY)
                .architecture("Qwen2ForCausalLM").build();
        RandomData random = new RandomData(3);
        int todo = 0;
        for (int i = 0; i < models; i++) {
            if (!existing.contains(modelName(i))) {
                todo++;
            }
        }
        log(String.format(Locale.ROOT, "set-up: pushing %,d small models through Den.push (%,d already there)", todo,
                models - todo));
        int step = Math.max(1, todo / 10);
        long[] windowNanos = new long[10];
        int[] windowCount = new int[10];
        long pushNanos = 0;
        long writeNanos = 0;
        int done = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < models; i++) {
            String name = modelName(i);
            if (existing.contains(name)) {
                continue;
            }
            long w0 = System.nanoTime();
            Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"Qwen2ForCausalLM\"], "
                    + "\"model_type\": \"qwen2\", \"bench_index\": " + i + "}\n");
            random.write(dir.resolve("model.safetensors"), 512);
            writeNanos += System.nanoTime() - w0;
            PushRequest request = PushRequest.builder(dir, name).description("benchmark model " + i)
                    .tags(List.of("bench", "group-" + (i % TAG_GROUPS))).metadata(meta).build();
            long p0 = System.nanoTime();
            den.push(request);
            long took = System.nanoTime() - p0;
            pushNanos += took;
            int window = Math.min(9, (int) ((long) done * 10 / Math.max(1, todo)));
            windowNanos[window] += took;
            windowCount[window]++;
            done++;
            if (done % step == 0 || done == todo) {
                double s = (System.nanoTime() - t0) / 1e9;
                log(String.format(Locale.ROOT, "  pushed %,d/%,d in %.1f s (%.0f models/s)", done, todo, s, done / s));
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String note;
        if (todo == 0) {
            note = "reused the " + models + " models already in " + den.location() + "; nothing pushed";
        } else {
            note = String.format(Locale.ROOT, "%,d pushes: %.1f s in Den.push (%.2f ms each), %.1f s writing "
                    + "their files; first tenth %.2f ms/push, last tenth %.2f ms/push", todo, pushNanos / 1e9,
                    pushNanos / 1e6 / todo, writeNanos / 1e9, windowNanos[0] / 1e6 / Math.max(1, windowCount[0]),
                    windowNanos[9] / 1e6 / Math.max(1, windowCount[9]));
        }
        rows.add(new Measurement(REGISTRY_SETUP, String.format(Locale.ROOT, "set-up: push %,d small models", todo),
                seconds, "s", null, 0, 0, "<= 120 s", verdict(seconds <= 120), note));
    }

    private static String modelName(int i) {
        return String.format(Locale.ROOT, "bench/model-%05d", i);
    }

    private static Measurement registryRow(String id, String name, double[] ms, String noteFormat) {
        double median = median(ms);
        return new Measurement(id, name, median, "ms", null, 0, 0, "< 300 ms", verdict(median < 300),
                String.format(Locale.ROOT, noteFormat, min(ms), max(ms)));
    }

    /** Runs {@link RegistryProbe} in a new JVM with this JVM's class path. */
    private Measurement probe(String id, String name, Path den, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PROBE_CLASS, den.toString()));
        cmd.addAll(args);
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int status = p.waitFor();
            double wallMs = (System.nanoTime() - t0) / 1e6;
            if (status != 0) {
                throw new IOException("probe exited with status " + status + ": " + out);
            }
            double open = field(out, "open_ms");
            double call = field(out, "call_ms");
            return new Measurement(id, name, call, "ms", null, 0, 0, "< 300 ms", verdict(call < 300),
                    String.format(Locale.ROOT, "the call only; opening the den took %.0f ms, the whole JVM %.0f ms "
                            + "(%s)", open, wallMs, out));
        } catch (IOException | RuntimeException e) {
            return new Measurement(id, name, Double.NaN, "ms", null, 0, 0, "< 300 ms", Verdict.MISS,
                    "could not run the probe JVM: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Measurement(id, name, Double.NaN, "ms", null, 0, 0, "< 300 ms", Verdict.MISS, "interrupted");
        }
    }

    private static double field(String output, String key) throws IOException {
        for (String part : output.split("\\s+")) {
            if (part.startsWith(key + "=")) {
                return Double.parseDouble(part.substring(key.length() + 1));
            }
        }
        throw new IOException("probe printed no " + key + ": " + output);
    }

    // ---------------------------------------------------------------- helpers

    private static double[] timeCalls(int calls, Supplier<?> call) {
        call.get(); // one untimed call, so the first timed one is not special
        double[] ms = new double[calls];
        for (int i = 0; i < calls; i++) {
            ms[i] = timeOnce(call);
        }
        return ms;
    }

    private static double timeOnce(Supplier<?> call) {
        long t0 = System.nanoTime();
        Object result = call.get();
        long elapsed = System.nanoTime() - t0;
        if (result == null) {
            throw new IllegalStateException("benchmarked call returned null");
        }
        return elapsed / 1e6;
    }

    private static void check(boolean ok, Supplier<String> message) {
        if (!ok) {
            throw new IllegalStateException("Den benchmark sanity check failed: " + message.get());
        }
    }

    /** Builds a {@link DenBenchmark}; the defaults are the sizes. */
    public static final class Builder extends SizedBenchmarkBuilder<Builder> {
        private int models = DEFAULT_MODELS;
        private boolean warmup = true;
        private boolean freshJvm = true;
        private Path registryDen;

        private Builder() {
            super(DEFAULT_SIZE_MIB, QUICK_SIZE_MIB, 1);
        }

        /** The small sizes for tests and CI: {@value #QUICK_SIZE_MIB} MiB and {@value #QUICK_MODELS} models. */
        @Override
        public Builder quick() {
            return sizeMiB(QUICK_SIZE_MIB).models(QUICK_MODELS);
        }

        /** How many small models the registry measurements run over (default 10,000). */
        public Builder models(int models) {
            this.models = models;
            return this;
        }

        /** Run a small benchmark first to warm up the JIT (default true). */
        public Builder warmup(boolean warmup) {
            this.warmup = warmup;
            return this;
        }

        /** Also time list and search in a new JVM (default true). */
        public Builder freshJvm(boolean freshJvm) {
            this.freshJvm = freshJvm;
            return this;
        }

        /**
         * A den to hold the small models instead of one in the work directory; it is kept, and a later
         * run reuses the models it holds, skipping most of the set-up (default none).
         */
        public Builder registryDen(Path registryDen) {
            this.registryDen = registryDen;
            return this;
        }

        /**
         * Builds the benchmark.
         *
         * @throws IllegalArgumentException when a size, count or repeat is below 1
         */
        public DenBenchmark build() {
            validate();
            if (models < 1) {
                throw new IllegalArgumentException("Model count " + models + " is too small; use 1 or more");
            }
            return new DenBenchmark(this);
        }
    }

    /** Hard-links {@code target} to {@code source}, or copies it where links are not possible. */
    private static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(source, target);
        }
    }
}
