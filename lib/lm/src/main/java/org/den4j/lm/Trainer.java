package org.den4j.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.den4j.lm.internal.Scalars;
import org.den4j.lm.internal.TrainingProgress;
import org.den4j.lm.io.DType;
import org.den4j.lm.io.Safetensors;
import org.den4j.lm.io.SafetensorsFile;
import org.den4j.lm.io.Tensor;

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
 */
public final class Trainer {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    private static final String STATE_FILE = "trainer_state.json";
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Qwen2Model model;
    private final TrainerOptions options;
    private Consumer<TrainingMetrics> listener = m -> { };
    private LoraAdapter adapter;

    /**
     * @param model the model to train; not closed by the trainer
     * @throws LmException for full fine-tuning of a model not in float32
     */
    public Trainer(Qwen2Model model, TrainerOptions options) {
        if (options.isFullFineTuning() && model.dataType() != DataType.FLOAT32) {
            throw new LmException("Full fine-tuning needs float32 weights, the model is " + model.dataType()
                    + "; load it with precision float32, or train a LoRA adapter over the " + model.dataType()
                    + " weights");
        }
        this.model = model;
        this.options = options;
    }

    /** Calls {@code listener} after every step (for live plots); returns this. */
    public Trainer onStep(Consumer<TrainingMetrics> listener) {
        this.listener = listener;
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
     * @throws LmException when the output folder holds checkpoints and {@code resume} is false,
     *     or a checkpoint does not match the options
     */
    public TrainingResult train(List<TrainingExample> train, List<TrainingExample> validation, boolean resume) {
        if (train.isEmpty()) {
            throw new LmException("No training examples; give at least one");
        }
        for (TrainingExample e : train) {
            checkIds(e);
        }
        for (TrainingExample e : validation) {
            checkIds(e);
        }
        Path out = options.outputDir();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new LmException("Cannot create the output folder " + out + ": " + e, e);
        }
        Path checkpoint = latestCheckpoint(out);
        if (checkpoint != null && !resume) {
            throw new LmException("Output folder " + out + " already holds " + checkpoint.getFileName()
                    + "; continue that run with --resume (resume=true) or choose another output folder");
        }
        int accumulation = options.gradientAccumulationSteps();
        int batchesPerEpoch = (train.size() + options.batchSize() - 1) / options.batchSize();
        int stepsPerEpoch = Math.max(1, batchesPerEpoch / accumulation);
        int totalSteps = options.maxSteps() > 0 ? options.maxSteps() : options.epochs() * stepsPerEpoch;

        if (!options.isFullFineTuning()) {
            if (model.adapter() != null) {
                throw new LmException("The model already has an adapter attached; detach it before LoRA training");
            }
            adapter = LoraAdapter.create(model, options.lora(), options.seed());
            model.attachAdapter(adapter);
        }
        Map<String, NDArray> params = options.isFullFineTuning() ? model.weights() : adapter.parameters();
        NDManager optimizerManager = model.manager().newSubManager();
        Map<String, NDArray[]> moments = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            moments.put(e.getKey(), new NDArray[] {
                    optimizerManager.zeros(e.getValue().getShape(), DataType.FLOAT32),
                    optimizerManager.zeros(e.getValue().getShape(), DataType.FLOAT32)});
        }
        List<TrainingMetrics> history = new ArrayList<>();
        int start = 0;
        if (checkpoint != null) {
            start = restore(checkpoint, params, moments, history);
            rewriteMetrics(start);
        } else {
            deleteQuietly(out.resolve(options.metricsFile()));
        }
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
        Engine engine = model.manager().getEngine();
        TrainingProgress progress = options.showProgress() ? new TrainingProgress(System.err, start, totalSteps) : null;
        Map<Integer, List<Integer>> orders = new LinkedHashMap<>();
        double evalLoss = history.isEmpty() ? Double.NaN : lastEval(history);
        long startNanos = System.nanoTime();
        boolean wasTraining = model.isTraining();
        model.setTraining(true);
        try {
            for (int step = start + 1; step <= totalSteps; step++) {
                long stepStart = System.nanoTime();
                double lr = learningRate(step - 1, totalSteps);
                double lossSum = 0;
                long tokens = 0;
                for (int micro = 0; micro < accumulation; micro++) {
                    long index = (long) (step - 1) * accumulation + micro;
                    List<TrainingExample> batch = microBatch(train, index, stepsPerEpoch * accumulation,
                            batchesPerEpoch, orders);
                    try (NDScope scope = new NDScope();
                            GradientCollector collector = engine.newGradientCollector()) {
                        JniUtils.setSeed(options.seed() * 1_000_003L + index);
                        Batch b = Batch.of(batch, options.maxLength());
                        NDArray loss = loss(b);
                        collector.backward(Scalars.div(loss, accumulation));
                        lossSum += loss.getFloat();
                        tokens += b.tokens;
                    }
                }
                double loss = lossSum / accumulation;
                double gradNorm = gradientNorm(params);
                if (!Double.isFinite(loss) || !Double.isFinite(gradNorm)) {
                    throw new TrainingDivergedException(step, "Training diverged at step " + step + " of "
                            + totalSteps + ": the " + (!Double.isFinite(loss) ? "loss" : "gradient norm") + " is "
                            + (!Double.isFinite(loss) ? loss : gradNorm) + " (learning rate " + lr + "). Lower the "
                            + "learning rate, add warm-up steps or clipping (max_grad_norm), or train in float32"
                            + (latestCheckpoint(out) == null ? "" : "; the last good checkpoint is "
                            + latestCheckpoint(out)));
                }
                update(params, moments, lr, step, gradNorm);
                long now = System.nanoTime();
                double seconds = (now - stepStart) / 1e9;
                double eval = Double.NaN;
                if (!validation.isEmpty() && ((options.evalEvery() > 0 && step % options.evalEvery() == 0)
                        || step == totalSteps)) {
                    eval = evaluate(validation);
                    evalLoss = eval;
                    model.setTraining(true);
                }
                TrainingMetrics metrics = new TrainingMetrics(step, totalSteps,
                        (double) step / stepsPerEpoch, loss, lr, gradNorm, tokens, tokens / Math.max(seconds, 1e-9),
                        (now - startNanos) / 1e9, eval, heapBytes(), rssBytes(), deviceBytes());
                history.add(metrics);
                appendMetrics(metrics);
                if (progress != null) {
                    progress.update(step, loss, metrics.tokensPerSecond());
                }
                if (options.saveEvery() > 0 && step % options.saveEvery() == 0 && step < totalSteps) {
                    saveCheckpoint(step, totalSteps, params, moments, history);
                }
                listener.accept(metrics);
            }
        } finally {
            model.setTraining(wasTraining);
            for (NDArray p : params.values()) {
                p.setRequiresGradient(false);
            }
            optimizerManager.close();
        }
        if (options.isFullFineTuning()) {
            model.save(out);
        } else {
            adapter.save(out, options.baseModel());
        }
        return new TrainingResult(totalSteps, history, evalLoss, out);
    }

    private void checkIds(TrainingExample e) {
        int vocab = model.config().vocabSize();
        for (int i = 0; i < e.length(); i++) {
            if (e.id(i) < 0 || e.id(i) >= vocab) {
                throw new LmException("A training example holds token id " + e.id(i) + ", outside the model's "
                        + "vocabulary of " + vocab + "; it was tokenized with another tokenizer");
            }
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

    /** The examples of micro-batch {@code index}: epochs are shuffled with a seed of their own. */
    private List<TrainingExample> microBatch(List<TrainingExample> train, long index, int perEpoch,
            int batchesPerEpoch, Map<Integer, List<Integer>> orders) {
        int epoch = (int) (index / perEpoch);
        int batch = (int) (index % perEpoch) % batchesPerEpoch;
        List<Integer> order = orders.computeIfAbsent(epoch, e -> {
            List<Integer> o = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                o.add(i);
            }
            Collections.shuffle(o, new Random(options.seed() * 31 + e));
            return o;
        });
        orders.keySet().removeIf(e -> e < epoch);
        List<TrainingExample> out = new ArrayList<>();
        for (int i = batch * options.batchSize(); i < Math.min(train.size(), (batch + 1) * options.batchSize()); i++) {
            out.add(train.get(order.get(i)));
        }
        return out;
    }

    /** The learning rate at 0-based step {@code step}, as Transformers' schedulers compute it. */
    double learningRate(int step, int totalSteps) {
        double peak = options.learningRate();
        int warmup = options.warmupSteps();
        String s = options.scheduler();
        if (s.equals("constant")) {
            return peak;
        }
        if (step < warmup) {
            return peak * step / Math.max(1, warmup);
        }
        if (s.equals("constant_with_warmup")) {
            return peak;
        }
        double progress = (double) (step - warmup) / Math.max(1, totalSteps - warmup);
        if (s.equals("linear")) {
            return peak * Math.max(0, 1 - progress);
        }
        return peak * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /** Mean negative log-likelihood of the batch's targets, a scalar float32 array. */
    private NDArray loss(Batch b) {
        NDManager m = model.manager();
        NDArray ids = m.create(b.ids, new Shape(b.rows, b.length));
        NDArray logits = model.forward(ids, b.mask, null, false);
        NDArray logProbs = JniUtils.logSoftmax((PtNDArray) logits, -1, DataType.FLOAT32);
        NDArray targets = m.create(b.targets, new Shape(b.rows, b.length, 1)).toDevice(model.device(), false);
        NDArray weights = m.create(b.weights, new Shape(b.rows, b.length)).toDevice(model.device(), false);
        NDArray picked = logProbs.gather(targets, 2).reshape(b.rows, b.length);
        return Scalars.div(picked.mul(weights).sum().neg(), Math.max(1, b.targetCount));
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
                    total += loss(b).getFloat() * b.targetCount;
                    count += b.targetCount;
                }
            }
        } finally {
            model.setTraining(wasTraining);
        }
        return count == 0 ? Double.NaN : total / count;
    }

    private static double gradientNorm(Map<String, NDArray> params) {
        double sum = 0;
        try (NDScope scope = new NDScope()) {
            for (NDArray p : params.values()) {
                NDArray g = p.getGradient();
                sum += g.toType(DataType.FLOAT32, false).square().sum().getFloat();
            }
        }
        return Math.sqrt(sum);
    }

    /** AdamW as torch.optim.AdamW, after clipping the gradients to the global norm. */
    private void update(Map<String, NDArray> params, Map<String, NDArray[]> moments, double lr, int step,
            double gradNorm) {
        double clip = options.maxGradNorm() > 0 && gradNorm > options.maxGradNorm()
                ? options.maxGradNorm() / (gradNorm + 1e-6) : 1.0;
        double bc1 = 1 - Math.pow(BETA1, step);
        double bc2 = 1 - Math.pow(BETA2, step);
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue();
                NDArray g = p.getGradient();
                if (clip != 1.0) {
                    g = g.mul(clip);
                }
                NDArray[] mv = moments.get(e.getKey());
                mv[0].muli(BETA1).addi(g.mul(1 - BETA1));
                mv[1].muli(BETA2).addi(g.square().mul(1 - BETA2));
                if (options.weightDecay() > 0) {
                    p.muli(1 - lr * options.weightDecay());
                }
                NDArray denom = mv[1].sqrt().div(Math.sqrt(bc2)).add(EPSILON);
                p.subi(mv[0].div(denom).mul(lr / bc1));
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
    }

    private static Path latestCheckpoint(Path out) {
        if (!Files.isDirectory(out)) {
            return null;
        }
        try (Stream<Path> list = Files.list(out)) {
            return list.filter(p -> p.getFileName().toString().matches("checkpoint-\\d+") && Files.isDirectory(p)
                    && Files.isRegularFile(p.resolve(STATE_FILE)))
                    .max(Comparator.comparingInt(Trainer::checkpointStep)).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int checkpointStep(Path p) {
        return Integer.parseInt(p.getFileName().toString().substring("checkpoint-".length()));
    }

    private void saveCheckpoint(int step, int totalSteps, Map<String, NDArray> params, Map<String, NDArray[]> moments,
            List<TrainingMetrics> history) {
        Path out = options.outputDir();
        Path target = out.resolve("checkpoint-" + step);
        Path tmp = out.resolve(".checkpoint-" + step + ".tmp");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            if (options.isFullFineTuning()) {
                model.save(tmp);
            } else {
                adapter.save(tmp, options.baseModel());
            }
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
                state.put("exp_avg/" + e.getKey(), tensor(e.getValue()[0]));
                state.put("exp_avg_sq/" + e.getKey(), tensor(e.getValue()[1]));
            }
            Safetensors.write(tmp.resolve(OPTIMIZER_FILE), state, Map.of("step", Integer.toString(step)));
            ObjectNode root = JSON.createObjectNode();
            root.put("step", step);
            root.put("total_steps", totalSteps);
            root.put("seed", options.seed());
            root.put("mode", options.isFullFineTuning() ? "full" : "lora");
            root.put("rng", "derived from seed and micro-batch index; nothing to restore");
            ArrayNode h = root.putArray("history");
            for (TrainingMetrics m : history) {
                h.add(JSON.readTree(m.toJson()));
            }
            Files.writeString(tmp.resolve(STATE_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            List<Path> all;
            try (Stream<Path> list = Files.list(out)) {
                all = list.filter(p -> p.getFileName().toString().matches("checkpoint-\\d+"))
                        .sorted(Comparator.comparingInt(Trainer::checkpointStep)).toList();
            }
            for (int i = 0; i < all.size() - options.keepCheckpoints(); i++) {
                deleteTree(all.get(i));
            }
        } catch (IOException e) {
            throw new LmException("Cannot write checkpoint " + target + ": " + e, e);
        }
    }

    private static Tensor tensor(NDArray array) {
        float[] values = array.toType(DataType.FLOAT32, false).toDevice(ai.djl.Device.cpu(), false).toFloatArray();
        return Tensor.ofFloats(DType.F32, array.getShape().getShape(), values);
    }

    private int restore(Path checkpoint, Map<String, NDArray> params, Map<String, NDArray[]> moments,
            List<TrainingMetrics> history) {
        Path stateFile = checkpoint.resolve(STATE_FILE);
        JsonNode state;
        try {
            state = JSON.readTree(stateFile.toFile());
        } catch (IOException e) {
            throw new ModelFileException(stateFile, null, "Checkpoint state " + stateFile + " is unreadable: " + e, e);
        }
        String mode = state.path("mode").asText();
        String expected = options.isFullFineTuning() ? "full" : "lora";
        if (!mode.equals(expected)) {
            throw new ModelFileException(stateFile, "mode", "Checkpoint " + checkpoint + " is from " + mode
                    + " training but this run does " + expected + " training; use the same configuration to resume");
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            if (options.isFullFineTuning()) {
                try (SafetensorsFile weights = SafetensorsFile.open(checkpoint.resolve(Safetensors.MODEL_FILE))) {
                    for (Map.Entry<String, NDArray> e : params.entrySet()) {
                        assign(e.getValue(), weights, e.getKey());
                    }
                }
            } else {
                try (LoraAdapter saved = LoraAdapter.load(checkpoint, model)) {
                    if (!saved.config().equals(options.lora())) {
                        throw new ModelFileException(checkpoint.resolve(LoraAdapter.CONFIG_FILE), null, "Checkpoint "
                                + checkpoint + " holds a LoRA adapter " + saved.config() + " but this run asks for "
                                + options.lora() + "; use the same configuration to resume");
                    }
                    for (Map.Entry<String, NDArray> e : saved.parameters().entrySet()) {
                        params.get(e.getKey()).muli(0).addi(e.getValue());
                    }
                }
            }
            try (SafetensorsFile opt = SafetensorsFile.open(checkpoint.resolve(OPTIMIZER_FILE))) {
                for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
                    assign(e.getValue()[0], opt, "exp_avg/" + e.getKey());
                    assign(e.getValue()[1], opt, "exp_avg_sq/" + e.getKey());
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        for (JsonNode m : state.path("history")) {
            history.add(metrics(m));
        }
        return state.path("step").asInt();
    }

    private static void assign(NDArray target, SafetensorsFile file, String name) {
        float[] values = file.floats(name);
        try (NDArray loaded = target.getManager().create(values, target.getShape())) {
            target.muli(0).addi(loaded.toType(target.getDataType(), false).toDevice(target.getDevice(), false));
        }
    }

    private static TrainingMetrics metrics(JsonNode m) {
        return new TrainingMetrics(m.path("step").asInt(), m.path("total_steps").asInt(), num(m, "epoch"),
                num(m, "loss"), num(m, "learning_rate"), num(m, "grad_norm"), m.path("tokens").asLong(),
                num(m, "tokens_per_second"), num(m, "elapsed_s"), num(m, "eval_loss"), m.path("heap_bytes").asLong(),
                m.path("rss_bytes").asLong(), m.path("device_bytes").asLong());
    }

    private static double num(JsonNode m, String key) {
        JsonNode n = m.get(key);
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    private void appendMetrics(TrainingMetrics metrics) {
        Path file = options.outputDir().resolve(options.metricsFile());
        try {
            Files.writeString(file, metrics.toJson() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new LmException("Cannot write metrics to " + file + ": " + e, e);
        }
    }

    /** Drops the lines a killed run wrote after the checkpoint it resumes from. */
    private void rewriteMetrics(int step) {
        Path file = options.outputDir().resolve(options.metricsFile());
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank() && JSON.readTree(line).path("step").asInt() <= step) {
                    kept.add(line);
                }
            }
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.write(tmp, kept);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LmException("Cannot rewrite metrics " + file + ": " + e, e);
        }
    }

    private static long heapBytes() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** Resident set size from /proc (Linux), else 0. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private long deviceBytes() {
        if (!model.device().isGpu()) {
            return 0;
        }
        try {
            return CudaUtils.getGpuMemory(model.device()).getUsed();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A right-padded batch with targets shifted by one. */
    private static final class Batch {
        int rows;
        int length;
        long[] ids;
        long[][] mask;
        long[] targets;
        float[] weights;
        int targetCount;
        long tokens;

        static Batch of(List<TrainingExample> examples, int maxLength) {
            Batch b = new Batch();
            b.rows = examples.size();
            for (TrainingExample e : examples) {
                b.length = Math.max(b.length, Math.min(maxLength, e.length()));
            }
            b.ids = new long[b.rows * b.length];
            b.mask = new long[b.rows][b.length];
            b.targets = new long[b.rows * b.length];
            b.weights = new float[b.rows * b.length];
            for (int r = 0; r < b.rows; r++) {
                TrainingExample e = examples.get(r);
                int n = Math.min(maxLength, e.length());
                for (int t = 0; t < n; t++) {
                    b.ids[r * b.length + t] = e.id(t);
                    b.mask[r][t] = 1;
                    if (t + 1 < n && e.mask(t + 1) == 1) {
                        b.targets[r * b.length + t] = e.id(t + 1);
                        b.weights[r * b.length + t] = 1;
                        b.targetCount++;
                    }
                }
                b.tokens += n;
            }
            return b;
        }
    }
}
