package org.den4j.lm;

import java.nio.file.Path;
import java.util.List;

/**
 * How a {@link Trainer} trains: LoRA or full fine-tuning, the optimizer, schedule, evaluation and checkpoints.
 *
 * <pre>
 * TrainerOptions options = TrainerOptions.builder(Path.of("out/run"))
 *         .lora(new LoraConfig(8, 16, 0.05, List.of("q_proj", "v_proj")))
 *         .learningRate(2e-4).batchSize(4).maxSteps(100).warmupSteps(10).scheduler("cosine")
 *         .evalEvery(20).saveEvery(50)
 *         .build();
 * </pre>
 *
 * @param outputDir where the adapter (or full model), checkpoints and metrics go
 * @param lora the adapter to train, or null for full fine-tuning (every weight trains; float32 only)
 * @param epochs passes over the training examples (when {@code maxSteps} is not positive)
 * @param maxSteps optimizer steps, or a non-positive number for {@code epochs} full passes
 * @param batchSize examples per forward pass
 * @param gradientAccumulationSteps forward passes per optimizer step
 * @param learningRate peak learning rate
 * @param weightDecay AdamW decoupled weight decay
 * @param warmupSteps steps of linear warm-up from 0
 * @param scheduler {@code cosine}, {@code linear}, {@code constant} or {@code constant_with_warmup}
 * @param maxGradNorm clip the global gradient norm to this, 0 for no clipping
 * @param evalEvery evaluate on the validation examples every N steps (and at the end); 0 only at the end
 * @param saveEvery write a checkpoint every N steps; 0 for none
 * @param keepCheckpoints checkpoints kept (oldest removed first)
 * @param seed seed of the adapter's initialisation, shuffling and dropout
 * @param maxLength examples are cut to this many tokens
 * @param metricsFile JSON-lines metrics file, relative to {@code outputDir}
 * @param baseModel recorded as the adapter's {@code base_model_name_or_path} (may be null)
 * @param showProgress draw a progress bar on stderr
 */
public record TrainerOptions(Path outputDir, LoraConfig lora, int epochs, int maxSteps, int batchSize,
        int gradientAccumulationSteps, double learningRate, double weightDecay, int warmupSteps, String scheduler,
        double maxGradNorm, int evalEvery, int saveEvery, int keepCheckpoints, long seed, int maxLength,
        Path metricsFile, String baseModel, boolean showProgress) {
    /** The schedulers accepted, as Transformers names them. */
    public static final List<String> SCHEDULERS = List.of("cosine", "linear", "constant", "constant_with_warmup");

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the value at fault
     */
    public TrainerOptions {
        if (outputDir == null) {
            throw new IllegalArgumentException("outputDir is required");
        }
        positive("epochs", epochs);
        positive("batchSize", batchSize);
        positive("gradientAccumulationSteps", gradientAccumulationSteps);
        positive("maxLength", maxLength);
        positive("keepCheckpoints", keepCheckpoints);
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (warmupSteps < 0 || evalEvery < 0 || saveEvery < 0) {
            throw new IllegalArgumentException("warmupSteps, evalEvery and saveEvery must be >= 0");
        }
        if (!SCHEDULERS.contains(scheduler)) {
            throw new IllegalArgumentException("scheduler '" + scheduler + "' is unknown; use one of " + SCHEDULERS);
        }
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("maxGradNorm must be >= 0 (0: no clipping), got " + maxGradNorm);
        }
        if (metricsFile == null) {
            metricsFile = Path.of("metrics.jsonl");
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** Whether every weight trains (no adapter). */
    public boolean isFullFineTuning() {
        return lora == null;
    }

    /** A builder with the defaults: full fine-tuning until {@link Builder#lora} is set, 1 epoch, lr 2e-4. */
    public static Builder builder(Path outputDir) {
        return new Builder(outputDir);
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        Builder b = new Builder(outputDir);
        b.lora = lora;
        b.epochs = epochs;
        b.maxSteps = maxSteps;
        b.batchSize = batchSize;
        b.gradientAccumulationSteps = gradientAccumulationSteps;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.warmupSteps = warmupSteps;
        b.scheduler = scheduler;
        b.maxGradNorm = maxGradNorm;
        b.evalEvery = evalEvery;
        b.saveEvery = saveEvery;
        b.keepCheckpoints = keepCheckpoints;
        b.seed = seed;
        b.maxLength = maxLength;
        b.metricsFile = metricsFile;
        b.baseModel = baseModel;
        b.showProgress = showProgress;
        return b;
    }

    /** Builds {@link TrainerOptions}; setters are named for the record's components. */
    public static final class Builder {
        private Path outputDir;
        private LoraConfig lora;
        private int epochs = 1;
        private int maxSteps = -1;
        private int batchSize = 4;
        private int gradientAccumulationSteps = 1;
        private double learningRate = 2e-4;
        private double weightDecay = 0.0;
        private int warmupSteps = 0;
        private String scheduler = "cosine";
        private double maxGradNorm = 1.0;
        private int evalEvery = 0;
        private int saveEvery = 0;
        private int keepCheckpoints = 2;
        private long seed = 42;
        private int maxLength = 512;
        private Path metricsFile = Path.of("metrics.jsonl");
        private String baseModel;
        private boolean showProgress = true;

        private Builder(Path outputDir) {
            this.outputDir = outputDir;
        }

        public Builder outputDir(Path v) {
            outputDir = v;
            return this;
        }

        public Builder lora(LoraConfig v) {
            lora = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder maxSteps(int v) {
            maxSteps = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder gradientAccumulationSteps(int v) {
            gradientAccumulationSteps = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder warmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        public Builder scheduler(String v) {
            scheduler = v;
            return this;
        }

        public Builder maxGradNorm(double v) {
            maxGradNorm = v;
            return this;
        }

        public Builder evalEvery(int v) {
            evalEvery = v;
            return this;
        }

        public Builder saveEvery(int v) {
            saveEvery = v;
            return this;
        }

        public Builder keepCheckpoints(int v) {
            keepCheckpoints = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        public Builder metricsFile(Path v) {
            metricsFile = v;
            return this;
        }

        public Builder baseModel(String v) {
            baseModel = v;
            return this;
        }

        public Builder showProgress(boolean v) {
            showProgress = v;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming a bad value
         */
        public TrainerOptions build() {
            return new TrainerOptions(outputDir, lora, epochs, maxSteps, batchSize, gradientAccumulationSteps,
                    learningRate, weightDecay, warmupSteps, scheduler, maxGradNorm, evalEvery, saveEvery,
                    keepCheckpoints, seed, maxLength, metricsFile, baseModel, showProgress);
        }
    }
}
