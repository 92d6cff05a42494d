package org.den4j.bench;

import static org.den4j.bench.Samples.median;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.den4j.bench.Measurement.Verdict;
import org.den4j.den.ProgressListener;
import org.den4j.lm.GenerationConfig;
import org.den4j.lm.Generator;
import org.den4j.lm.LanguageModel;
import org.den4j.lm.gguf.GgmlType;
import org.den4j.lm.gguf.Qwen2GgufExport;
import org.den4j.lm.io.Qwen2Config;
import org.den4j.lm.kit.KitSize;
import org.den4j.lm.kit.ModelKit;
import org.den4j.lm.kit.NoteCorpus;

/**
 * Measures den4j's generation against llama.cpp on the same model exported to an F32 GGUF: the
 * same prompt, the same number of new tokens (end-of-text ignored), greedy, the same number of
 * CPU threads, and reports tokens per second with the ratio (target: at least {@value #TARGET_RATIO}x).
 *
 * <p>The model is the kit's ({@code small} size by default, random weights) unless a model folder
 * is given. Each side is warmed up with a short generation, then timed {@code repeats} times; the
 * report gives medians. It is not a test: it asserts nothing and only reports.
 *
 * <pre>{@code
 * BenchReport report = ExportBenchmark.builder().newTokens(256).build().run();
 * }</pre>
 */
public final class ExportBenchmark {
    /** The aim for den4j tokens/s over llama.cpp tokens/s. */
    public static final double TARGET_RATIO = 0.5;
    public static final String GENERATION = "generation";
    static final String PROMPT = "Patient admitted with chest pain and shortness of breath.";

    private final KitSize size;
    private final Path model;
    private final int newTokens;
    private final int repeats;
    private final int threads;
    private final Path workDir;

    private ExportBenchmark(Builder b) {
        this.size = b.size;
        this.model = b.model;
        this.newTokens = b.newTokens;
        this.repeats = b.repeats;
        this.threads = b.threads;
        this.workDir = b.workDir;
    }

    /** A builder with the defaults: kit size small, 256 new tokens, 3 repeats, all processors. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds or reads the model, exports it, times both engines and returns the report.
     *
     * @throws IllegalArgumentException when the model folder does not exist
     */
    public BenchReport run() {
        try (BenchRun run = BenchRun.start(workDir, "den4j-bench-export-", false, message -> { })) {
            Path dir = run.work();
            Path modelDir = model;
            if (modelDir == null) {
                modelDir = dir.resolve("model");
                new ModelKit(size.withTrainSteps(0), 42, new PrintStream(OutputStream.nullOutputStream()))
                        .build(syntheticNotes(dir), modelDir);
            } else if (!Files.isDirectory(modelDir)) {
                throw new IllegalArgumentException("model folder " + modelDir + " does not exist");
            }
            Path gguf = dir.resolve("model-f32.gguf");
            Qwen2GgufExport.export(modelDir, GgmlType.F32, gguf, ProgressListener.NONE);
            Qwen2Config config = Qwen2Config.read(modelDir);
            double[] den4j = timeDen4j(modelDir);
            double[] llama = timeLlamaCpp(gguf);
            double den4jMedian = median(den4j);
            double llamaMedian = median(llama);
            double ratio = den4jMedian / llamaMedian;
            List<Measurement> rows = new ArrayList<>();
            rows.add(new Measurement(GENERATION, "den4j greedy generation, " + newTokens + " new tokens", den4jMedian,
                    "tokens/s", "llama.cpp, same F32 GGUF", llamaMedian, ratio, ">= " + TARGET_RATIO + "x",
                    ratio >= TARGET_RATIO ? Verdict.PASS : Verdict.MISS,
                    String.format(Locale.ROOT, "medians of %d runs after a warm-up; den4j %s, llama.cpp %s tokens/s; "
                            + "prompt included", repeats, range(den4j), range(llama))));
            List<String> header = List.of("den4j export benchmark: den4j (DJL/PyTorch, CPU, float32) vs llama.cpp "
                    + "(de.kherud:llama 4.2.0) on the same model",
                    String.format(Locale.ROOT, "model: %s, %d parameters (hidden %d, %d layers, vocabulary %d); "
                            + "%d threads each; prompt: \"%s\"", model == null ? "kit size " + size.name()
                            + ", random weights" : model.toString(), config.parameterCount(), config.hiddenSize(),
                            config.numHiddenLayers(), config.vocabSize(), threads, PROMPT));
            return new BenchReport(header, rows, run.elapsed());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private double[] timeDen4j(Path modelDir) {
        double[] rates = new double[repeats];
        // a stop token that never comes, so that every run makes exactly newTokens tokens, as llama.cpp's ignore_eos
        GenerationConfig config = GenerationConfig.greedy(newTokens).withStopTokenIds(List.of(-1));
        try (LanguageModel lm = LanguageModel.load(modelDir, "cpu", "float32")) {
            int[] prompt = lm.encode(PROMPT);
            Generator generator = lm.newGenerator();
            generator.generate(prompt, GenerationConfig.greedy(8).withStopTokenIds(List.of(-1)));
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                int made = generator.generate(prompt, config).length;
                rates[r] = made / ((System.nanoTime() - t0) / 1e9);
            }
        }
        return rates;
    }

    private double[] timeLlamaCpp(Path gguf) {
        double[] rates = new double[repeats];
        ModelParameters params = new ModelParameters().setModel(gguf.toString()).setThreads(threads)
                .setThreadsBatch(threads).setCtxSize(newTokens + 128).disableLog();
        try (LlamaModel llama = new LlamaModel(params)) {
            llama.complete(parameters(8));
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                llama.complete(parameters(newTokens));
                rates[r] = newTokens / ((System.nanoTime() - t0) / 1e9);
            }
        }
        return rates;
    }

    private static InferenceParameters parameters(int n) {
        return new InferenceParameters(PROMPT).setTemperature(0f).setNPredict(n).setIgnoreEos(true)
                .setRepeatPenalty(1f).setCachePrompt(false).setSeed(0);
    }

    private static NoteCorpus syntheticNotes(Path dir) throws IOException {
        String[] words = ("patient admitted with chest pain shortness of breath fever cough history hypertension "
                + "diabetes mellitus discharged home stable condition labs normal creatinine elevated started on "
                + "antibiotics follow up cardiology in two weeks denies nausea vomiting blood pressure heart rate")
                .split(" ");
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append(words[random.nextInt(words.length)]).append(i % 17 == 16 ? ".\n" : " ");
        }
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, text);
        return NoteCorpus.read(file, Long.MAX_VALUE);
    }

    private static String range(double[] values) {
        return String.format(Locale.ROOT, "%.0f-%.0f", Arrays.stream(values).min().orElse(0),
                Arrays.stream(values).max().orElse(0));
    }

    /** Options of an {@link ExportBenchmark}. */
    public static final class Builder {
        private KitSize size = KitSize.SMALL;
        private Path model;
        private int newTokens = 256;
        private int repeats = 3;
        private int threads = Runtime.getRuntime().availableProcessors();
        private Path workDir;

        private Builder() {
        }

        /** The kit size of the model built for the run (ignored with {@link #model}). */
        public Builder size(KitSize size) {
            this.size = size;
            return this;
        }

        /** A model folder to measure instead of a kit model. */
        public Builder model(Path model) {
            this.model = model;
            return this;
        }

        /** New tokens per timed generation. */
        public Builder newTokens(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("new tokens must be at least 1, got " + n);
            }
            this.newTokens = n;
            return this;
        }

        /** Timed runs per engine. */
        public Builder repeats(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("repeats must be at least 1, got " + n);
            }
            this.repeats = n;
            return this;
        }

        /** CPU threads for llama.cpp; PyTorch's are set by the caller before DJL starts (the script does). */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + n);
            }
            this.threads = n;
            return this;
        }

        /** Where the temporary run folder goes. */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** The benchmark. */
        public ExportBenchmark build() {
            return new ExportBenchmark(this);
        }
    }
}
