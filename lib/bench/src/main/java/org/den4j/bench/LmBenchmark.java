package org.den4j.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.den4j.bench.Measurement.Verdict;
import org.den4j.den.io.FileTree;
import org.den4j.lm.Devices;
import org.den4j.lm.GenerationConfig;
import org.den4j.lm.Generator;
import org.den4j.lm.LoraConfig;
import org.den4j.lm.Qwen2Model;
import org.den4j.lm.Trainer;
import org.den4j.lm.TrainerOptions;
import org.den4j.lm.TrainingExample;
import org.den4j.lm.TrainingResult;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.Tensor;

/**
 * Measures the engine with references taken in the same run: generation with the KV cache against
 * recomputing the whole sequence, LoRA training throughput against forward-only throughput on the
 * same batches, and the peak memory of loading a BF16 model against its weight bytes (in a fresh
 * JVM, after PyTorch has started).
 *
 * <pre>
 * BenchReport report = LmBenchmark.builder().quick().build().run();
 * System.out.print(report.toTable());
 * </pre>
 */
public final class LmBenchmark {
    private final Qwen2Config generationModel;
    private final int promptTokens;
    private final int newTokens;
    private final Qwen2Config trainingModel;
    private final int trainSteps;
    private final int sequenceLength;
    private final int batchSize;
    private final Qwen2Config memoryModel;
    private final Path workDir;
    private final PrintStream log;
    private final int threads;

    private LmBenchmark(Builder b) {
        this.generationModel = b.generationModel;
        this.promptTokens = b.promptTokens;
        this.newTokens = b.newTokens;
        this.trainingModel = b.trainingModel;
        this.trainSteps = b.trainSteps;
        this.sequenceLength = b.sequenceLength;
        this.batchSize = b.batchSize;
        this.memoryModel = b.memoryModel;
        this.workDir = b.workDir;
        this.log = b.log;
        this.threads = b.threads;
    }

    /** A builder with the full sizes. */
    public static Builder builder() {
        return new Builder();
    }

    /** Runs every measurement and returns the report. */
    public BenchReport run() {
        long start = System.nanoTime();
        Devices.setCpuThreads(threads);
        List<Measurement> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add(String.format(Locale.ROOT, "machine: %d cores, Java %s, %s/%s", Runtime.getRuntime()
                .availableProcessors(), System.getProperty("java.version"), System.getProperty("os.name"),
                System.getProperty("os.arch")) + ", PyTorch CPU threads " + threads);
        header.add("generation model: " + describe(generationModel) + "; prompt " + promptTokens + " tokens, "
                + newTokens + " new tokens, greedy, CPU float32");
        header.add("training model: " + describe(trainingModel) + "; LoRA r=8 on q,k,v,o; batch " + batchSize
                + " x " + sequenceLength + " tokens, " + trainSteps + " steps, CPU float32");
        header.add("memory model: " + describe(memoryModel) + " saved as BF16, loaded in a fresh JVM");
        Path dir;
        try {
            Files.createDirectories(workDir);
            dir = Files.createTempDirectory(workDir, "bench-lm-");
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot create a work folder in " + workDir + ": " + e, e);
        }
        try {
            rows.addAll(generation());
            rows.add(training(dir));
            rows.addAll(memory(dir));
        } finally {
            FileTree.deleteQuietly(dir);
        }
        return new BenchReport(header, rows, Duration.ofNanos(System.nanoTime() - start));
    }

    private static String describe(Qwen2Config c) {
        return String.format(Locale.ROOT, "Qwen2 vocab %d, hidden %d, intermediate %d, %d layers, %d/%d heads "
                + "(%.1fM parameters)", c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.parameterCount() / 1e6);
    }

    private List<Measurement> generation() {
        try (Qwen2Model model = Qwen2Model.randomInit(generationModel, 1, Device.cpu(), DataType.FLOAT32)) {
            Generator generator = new Generator(model, null);
            int[] prompt = new Random(3).ints(promptTokens, 0, generationModel.vocabSize()).toArray();
            GenerationConfig cached = GenerationConfig.greedy(newTokens).withStopTokenIds(List.of(-1));
            log.println("bench-lm: warm-up");
            generator.generate(prompt, GenerationConfig.greedy(16).withStopTokenIds(List.of(-1)));
            generator.generate(prompt, GenerationConfig.greedy(4).withStopTokenIds(List.of(-1)).withCache(false));
            log.println("bench-lm: generation with the KV cache");
            long t0 = System.nanoTime();
            int[] withCache = generator.generate(prompt, cached);
            double cachedSeconds = (System.nanoTime() - t0) / 1e9;
            log.println("bench-lm: generation without a cache");
            t0 = System.nanoTime();
            int[] without = generator.generate(prompt, cached.withCache(false));
            double uncachedSeconds = (System.nanoTime() - t0) / 1e9;
            double cachedRate = withCache.length / cachedSeconds;
            double uncachedRate = without.length / uncachedSeconds;
            double ratio = cachedRate / uncachedRate;
            boolean same = java.util.Arrays.equals(withCache, without);
            return List.of(new Measurement("generate-kv-cache", "generation, " + newTokens + " new tokens, KV cache",
                    cachedRate, "tok/s", "no cache", uncachedRate, ratio, ">= 5x", ratio >= 5 ? Verdict.PASS
                    : Verdict.MISS, String.format(Locale.ROOT, "%.2f s with the cache, %.2f s without; same tokens: %s",
                    cachedSeconds, uncachedSeconds, same)));
        }
    }

    private Measurement training(Path dir) {
        Random random = new Random(5);
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < batchSize * (trainSteps + 1); i++) {
            int[] ids = random.ints(sequenceLength, 0, trainingModel.vocabSize()).toArray();
            examples.add(TrainingExample.allTokens(ids));
        }
        try (Qwen2Model model = Qwen2Model.randomInit(trainingModel, 2, Device.cpu(), DataType.FLOAT32)) {
            log.println("bench-lm: forward-only throughput");
            double forwardRate;
            try (NDManager m = model.manager().newSubManager()) {
                long[] ids = new long[batchSize * sequenceLength];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = examples.get(i / sequenceLength).inputIds()[i % sequenceLength];
                }
                try (NDScope scope = new NDScope()) {
                    model.forward(m.create(ids, new Shape(batchSize, sequenceLength)));
                }
                long t0 = System.nanoTime();
                for (int s = 0; s < trainSteps; s++) {
                    try (NDScope scope = new NDScope()) {
                        NDArray logits = model.forward(m.create(ids, new Shape(batchSize, sequenceLength)));
                        logits.getFloat(0, 0, 0);
                    }
                }
                forwardRate = (double) trainSteps * batchSize * sequenceLength / ((System.nanoTime() - t0) / 1e9);
            }
            log.println("bench-lm: LoRA training throughput");
            TrainerOptions options = TrainerOptions.builder(dir.resolve("lora"))
                    .lora(new LoraConfig(8, 16, 0.05, List.of("q_proj", "k_proj", "v_proj", "o_proj")))
                    .batchSize(batchSize).maxSteps(trainSteps + 1).learningRate(1e-4).maxLength(sequenceLength)
                    .showProgress(false).build();
            Trainer trainer = new Trainer(model, options);
            TrainingResult result = trainer.train(examples, List.of());
            trainer.adapter().close();
            // the first step warms up; the rate is the median of the others
            double[] rates = result.history().stream().skip(1).mapToDouble(h -> h.tokensPerSecond()).sorted()
                    .toArray();
            double rate = rates[rates.length / 2];
            return new Measurement("lora-train", "LoRA training throughput (CPU)", rate, "tok/s",
                    "forward only", forwardRate, rate / forwardRate, "", Verdict.INFO,
                    "median of " + rates.length + " steps; forward, backward and AdamW on the adapter; heap "
                    + result.history().get(result.history().size() - 1).heapBytes() / (1 << 20) + " MiB, RSS "
                    + result.history().get(result.history().size() - 1).rssBytes() / (1 << 20) + " MiB");
        }
    }

    private List<Measurement> memory(Path dir) {
        Path folder = dir.resolve("bf16-model");
        log.println("bench-lm: writing a BF16 model of " + describe(memoryModel));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Random random = new Random(9);
        long bytes = 0;
        for (Map.Entry<String, long[]> e : Qwen2Model.weightShapes(memoryModel).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] values = new float[(int) n];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 0.02);
            }
            Tensor t = Tensor.ofFloats(DType.BF16, e.getValue(), values);
            bytes += t.data().remaining();
            tensors.put(e.getKey(), t);
        }
        Safetensors.writeModel(folder, tensors, Map.of("format", "pt"), Long.MAX_VALUE);
        memoryModel.withTorchDtype("bfloat16").write(folder.resolve(Qwen2Config.FILE));
        tensors.clear();
        List<Measurement> rows = new ArrayList<>();
        for (String precision : List.of("float16", "float32")) {
            log.println("bench-lm: loading it as " + precision + " in a fresh JVM");
            long[] probe = probe(folder, precision);
            double extra = probe[1] - probe[0];
            double ratio = extra / bytes;
            boolean half = precision.equals("float16");
            rows.add(new Measurement("load-bf16-" + precision, "peak memory loading BF16 as " + precision,
                    extra / (1 << 20), "MiB", "weight bytes", bytes / (double) (1 << 20), ratio,
                    half ? "<= 1.2x" : "", half ? (ratio <= 1.2 ? Verdict.PASS : Verdict.MISS) : Verdict.INFO,
                    String.format(Locale.ROOT, "peak RSS %d MiB minus %d MiB after PyTorch started (the fixed "
                    + "overhead)%s", probe[1] >> 20, probe[0] >> 20, half ? "" : "; float32 holds 2 bytes more per "
                    + "weight, so about 2x is expected")));
        }
        return rows;
    }

    private static long[] probe(Path folder, String precision) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true", "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), LoadProbe.class.getName(), folder.toString(), precision);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("the load probe failed (exit " + p.exitValue() + "): " + out);
            }
            String[] parts = out.split("\\s+");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the load probe JVM: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Builds an {@link LmBenchmark}. */
    public static final class Builder {
        private Qwen2Config generationModel = Qwen2Config.of(8192, 256, 704, 4, 8, 2);
        private int promptTokens = 16;
        private int newTokens = 256;
        private Qwen2Config trainingModel = Qwen2Config.of(3072, 256, 704, 4, 4, 2).withTiedEmbeddings(true);
        private int trainSteps = 6;
        private int sequenceLength = 128;
        private int batchSize = 8;
        private Qwen2Config memoryModel = Qwen2Config.of(32000, 1024, 2816, 8, 16, 4);
        private Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
        private PrintStream log = System.err;
        private int threads = 1;

        private Builder() {
        }

        /** Small sizes for CI: 64 new tokens, a 2-layer training model, a 20M-parameter memory model. */
        public Builder quick() {
            generationModel = Qwen2Config.of(4096, 128, 352, 2, 4, 2);
            newTokens = 64;
            trainingModel = Qwen2Config.of(512, 64, 128, 2, 4, 2).withTiedEmbeddings(true);
            trainSteps = 3;
            sequenceLength = 64;
            batchSize = 4;
            memoryModel = Qwen2Config.of(8192, 512, 1408, 2, 8, 2);
            return this;
        }

        /** New tokens to generate in the cache comparison. */
        public Builder newTokens(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("new tokens must be at least 1, got " + n);
            }
            newTokens = n;
            return this;
        }

        /** PyTorch CPU threads (default 1: steady on a shared machine). */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + n);
            }
            threads = n;
            return this;
        }

        /** Where the temporary model folder goes. */
        public Builder workDir(Path dir) {
            if (dir != null) {
                workDir = dir;
            }
            return this;
        }

        /** Where progress lines go. */
        public Builder log(PrintStream log) {
            this.log = log;
            return this;
        }

        public LmBenchmark build() {
            return new LmBenchmark(this);
        }
    }
}
