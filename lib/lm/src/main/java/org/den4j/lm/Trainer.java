package org.den4j.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.den4j.lm.internal.Scalars;
import org.den4j.lm.internal.ShutdownGate;
import org.den4j.lm.train.AdamW;
import org.den4j.lm.train.Checkpoints;
import org.den4j.lm.train.DivergenceCheck;
import org.den4j.lm.train.LearningRateSchedule;
import org.den4j.lm.train.MemoryProbe;
import org.den4j.lm.train.MetricsLog;
import org.den4j.lm.train.ProgressDisplay;
import org.den4j.lm.train.TrainingListener;
import org.den4j.lm.train.TrainingListeners;
import org.den4j.lm.train.TrainingRun;

/**
 * Trains a {@link Qwen2Model} on token sequences: a LoRA adapter over frozen weights, or every
 * weight (full fine-tuning, used to pre-train the embedded model).
 *
 * <p>Causal-LM loss on the target tokens only ({@link TrainingExample#labelMask()}), AdamW with
 * decoupled weight decay, linear warm-up then linear or cosine decay (as Transformers'
 * schedulers), gradient accumulation, global-norm clipping, validation loss every N steps, a
 * stop with {@link TrainingDivergedException} when the loss or gradients turn NaN, checkpoints
 * (weights, optimizer moments, step; randomness is derived from the seed and the step, so no
 * generator state needs saving) and resume that reproduces the same loss curve.
 *
 * <pre>
 * try (Qwen2Model model = Qwen2Model.load(baseDir)) {
 *     Trainer trainer = new Trainer(model, TrainerOptions.builder(out).lora(lora).maxSteps(100).build());
 *     TrainingResult result = trainer.train(trainExamples, validationExamples, false);
 * }
 * </pre>
 *
 * <p>Writes into {@code outputDir}: the adapter ({@code adapter_config.json},
 * {@code adapter_model.safetensors}) or, for full fine-tuning, {@code config.json} and
 * {@code model.safetensors}; {@code checkpoint-N/} folders; the metrics file (JSON lines). After
 * LoRA training the adapter stays attached to the model; {@link #adapter()} returns it and the
 * caller closes it.
 *
 * <p>The loop itself only batches, runs forward and backward and evaluates; the pieces it calls live in
 * {@link org.den4j.lm.train}: {@link AdamW}, {@link LearningRateSchedule}, {@link DivergenceCheck},
 * {@link MemoryProbe}, and the {@link TrainingListener}s for the metrics file, the progress bar and checkpoints.
 * Callers add their own with {@link #addListener}.
 */
public final class Trainer {
    private final Qwen2Model model;
    private final TrainerOptions options;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Consumer<TrainingMetrics> stepCallback = m -> { };
    private LoraAdapter adapter;

    /**
     * @param model the model to train; not closed by the trainer
     * @throws LmInputException (bad input, exit 2) for full fine-tuning of a model not in float32
     */
    public Trainer(Qwen2Model model, TrainerOptions options) {
        if (options.isFullFineTuning() && model.dataType() != DataType.FLOAT32) {
            throw new LmInputException("Full fine-tuning needs float32 weights, the model is " + model.dataType()
                    + "; load it with precision float32, or train a LoRA adapter over the " + model.dataType()
                    + " weights");
        }
        this.model = model;
        this.options = options;
    }

    /** Calls {@code listener} after every step (for live plots), replacing the previous one; returns this. */
    public Trainer onStep(Consumer<TrainingMetrics> listener) {
        this.stepCallback = listener;
        return this;
    }

    /**
     * Adds a listener, called after the trainer's own (metrics file, progress bar, checkpoints) in the order
     * added; returns this.
     */
    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** The adapter being trained (null before {@link #train} and in full fine-tuning). */
    public LoraAdapter adapter() {
        return adapter;
    }

    /** The options. */
    public TrainerOptions options() {
        return options;
    }

    /**
     * Trains from scratch; see {@link #train(List, List, boolean)}.
     */
    public TrainingResult train(List<TrainingExample> train, List<TrainingExample> validation) {
        return train(train, validation, false);
    }

    /**
     * Trains on {@code train}, evaluating on {@code validation} (may be empty).
     *
     * @param resume continue from the newest {@code checkpoint-N} in the output folder (from
     *     scratch when there is none)
     * @throws TrainingDivergedException when the loss or gradient norm becomes NaN or infinite
     * @throws LmInputException when the output folder holds checkpoints and {@code resume} is false,
     *     or a checkpoint does not match the options
     */
    public TrainingResult train(List<TrainingExample> train, List<TrainingExample> validation, boolean resume) {
        if (train.isEmpty()) {
            throw new LmInputException("No training examples; give at least one");
        }
        Batch.checkIds(train, model.config().vocabSize());
        Batch.checkIds(validation, model.config().vocabSize());
        Path out = options.outputDir();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new LmException("Cannot create the output folder " + out + ": " + e, e);
        }
        Checkpoints checkpoints = new Checkpoints(out, options.keepCheckpoints());
        Path checkpoint = checkpoints.latest();
        if (checkpoint != null && !resume) {
            throw new LmInputException("Output folder " + out + " already holds " + checkpoint.getFileName()
                    + "; continue that run with --resume (resume=true) or choose another output folder");
        }
        BatchOrder order = new BatchOrder(train, options.batchSize(), options.gradientAccumulationSteps(),
                options.seed());
        int totalSteps = options.maxSteps() > 0 ? options.maxSteps() : options.epochs() * order.stepsPerEpoch();
        if (!options.isFullFineTuning()) {
            if (model.adapter() != null) {
                throw new LmException("The model already has an adapter attached; detach it before LoRA training");
            }
            adapter = LoraAdapter.create(model, options.lora(), options.seed());
            model.attachAdapter(adapter);
        }
        Map<String, NDArray> params = options.isFullFineTuning() ? model.weights() : adapter.parameters();
        List<TrainingMetrics> history = new ArrayList<>();
        try (AdamW optimizer = new AdamW(model.manager(), params, options.weightDecay(), options.maxGradNorm())) {
            TrainerCheckpoint saver = new TrainerCheckpoint(model, adapter, options, optimizer, checkpoints);
            int start = checkpoint == null ? 0 : saver.restore(checkpoint, params, history);
            List<TrainingListener> all = new ArrayList<>(List.of(new MetricsLog(out.resolve(options.metricsFile()))));
            if (options.showProgress()) {
                all.add(new ProgressDisplay(System.err));
            }
            all.add(saver);
            all.add(new StepCallback(stepCallback));
            all.addAll(listeners);
            loop(new TrainingRun(out, start, totalSteps, history), history, validation, order, params, optimizer,
                    new DivergenceCheck(checkpoints), new TrainingListeners(all));
        }
        if (options.isFullFineTuning()) {
            model.save(out);
        } else {
            adapter.save(out, options.baseModel());
        }
        return new TrainingResult(totalSteps, history, lastEval(history), out);
    }

    /** Steps from {@code run.firstStep() + 1} to {@code run.totalSteps()}, adding each step's metrics to the history. */
    private void loop(TrainingRun run, List<TrainingMetrics> history, List<TrainingExample> validation,
            BatchOrder order, Map<String, NDArray> params, AdamW optimizer, DivergenceCheck divergence,
            TrainingListeners listeners) {
        int accumulation = options.gradientAccumulationSteps();
        int totalSteps = run.totalSteps();
        LearningRateSchedule schedule = LearningRateSchedule.of(options);
        MemoryProbe memory = new MemoryProbe(model.device());
        Engine engine = model.manager().getEngine();
        long startNanos = System.nanoTime();
        boolean wasTraining = model.isTraining();
        model.setTraining(true);
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
        Throwable failure = null;
        try {
            listeners.onTrainingBegin(run);
            for (int step = run.firstStep() + 1; step <= totalSteps; step++) {
                // The JVM's exit waits for the step in progress, listeners included (a checkpoint reads tensors):
                // libtorch torn down under backward() crashes.
                try (ShutdownGate.Pass pass = ShutdownGate.process().enter()) {
                    long stepStart = System.nanoTime();
                    double lr = schedule.at(step - 1, totalSteps);
                    double lossSum = 0;
                    long tokens = 0;
                    for (int micro = 0; micro < accumulation; micro++) {
                        long index = (long) (step - 1) * accumulation + micro;
                        try (NDScope scope = new NDScope();
                                GradientCollector collector = engine.newGradientCollector()) {
                            JniUtils.setSeed(options.seed() * 1_000_003L + index);
                            Batch b = Batch.of(order.microBatch(index), options.maxLength());
                            NDArray loss = b.loss(model);
                            collector.backward(Scalars.div(loss, accumulation));
                            lossSum += loss.getFloat();
                            tokens += b.tokens;
                        }
                    }
                    double loss = lossSum / accumulation;
                    double gradNorm = optimizer.gradientNorm();
                    divergence.check(step, totalSteps, loss, gradNorm, lr);
                    optimizer.step(lr, step, gradNorm);
                    long now = System.nanoTime();
                    double seconds = (now - stepStart) / 1e9;
                    double eval = Double.NaN;
                    if (!validation.isEmpty() && ((options.evalEvery() > 0 && step % options.evalEvery() == 0)
                            || step == totalSteps)) {
                        eval = evaluate(validation);
                        model.setTraining(true);
                    }
                    TrainingMetrics metrics = new TrainingMetrics(step, totalSteps,
                            (double) step / order.stepsPerEpoch(), loss, lr, gradNorm, tokens,
                            tokens / Math.max(seconds, 1e-9), (now - startNanos) / 1e9, eval, memory.heapBytes(),
                            memory.rssBytes(), memory.deviceBytes());
                    history.add(metrics);
                    listeners.onStep(run, metrics);
                }
            }
        } catch (Throwable e) {
            failure = e;
            throw e;
        } finally {
            model.setTraining(wasTraining);
            for (NDArray p : params.values()) {
                p.setRequiresGradient(false);
            }
            listeners.onTrainingEnd(run, failure);
        }
    }

    private static double lastEval(List<TrainingMetrics> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (Double.isFinite(history.get(i).evalLoss())) {
                return history.get(i).evalLoss();
            }
        }
        return Double.NaN;
    }

    /** The learning rate at 0-based step {@code step}, as Transformers' schedulers compute it. */
    double learningRate(int step, int totalSteps) {
        return LearningRateSchedule.of(options).at(step, totalSteps);
    }

    /**
     * Mean loss per target token over {@code examples}, without gradients or dropout.
     */
    public double evaluate(List<TrainingExample> examples) {
        boolean wasTraining = model.isTraining();
        model.setTraining(false);
        double total = 0;
        long count = 0;
        try {
            for (int i = 0; i < examples.size(); i += options.batchSize()) {
                List<TrainingExample> batch = examples.subList(i, Math.min(examples.size(), i + options.batchSize()));
                try (NDScope scope = new NDScope()) {
                    Batch b = Batch.of(batch, options.maxLength());
                    if (b.targetCount == 0) {
                        continue;
                    }
                    total += b.loss(model).getFloat() * b.targetCount;
                    count += b.targetCount;
                }
            }
        } finally {
            model.setTraining(wasTraining);
        }
        return count == 0 ? Double.NaN : total / count;
    }

    /** The {@link #onStep} callback as a listener. */
    private record StepCallback(Consumer<TrainingMetrics> callback) implements TrainingListener {
        @Override
        public void onStep(TrainingRun run, TrainingMetrics metrics) {
            callback.accept(metrics);
        }
    }
}
