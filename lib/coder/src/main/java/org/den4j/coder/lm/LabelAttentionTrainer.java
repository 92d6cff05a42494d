package org.den4j.coder.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.den4j.coder.Code;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.text.LabelScore;
import org.den4j.coder.text.Thresholds;
import org.den4j.den.io.FileTree;
import org.den4j.lm.LoraAdapter;
import org.den4j.lm.LoraConfig;
import org.den4j.lm.kit.ModelKit;

/**
 * Trains an {@code lm-label-attention} coder: the head over a frozen backbone (its hidden states computed once
 * and cached) or over a LoRA-tuned one (states recomputed with gradients every step: far slower on a CPU).
 * Batches hold notes of one ICD version and score only that version's labels. The epoch with the lowest
 * validation loss is kept; thresholds are tuned on the validation notes.
 */
final class LabelAttentionTrainer {
    /** Validation positives a code needs for a threshold of its own (others share the global one). */
    static final int MIN_SUPPORT = 3;
    static final Set<String> SETTINGS = Set.of("base", "backbone", "chunk", "projection", "width", "epochs",
            "batch-size", "learning-rate", "dropout", "lora-r", "lora-alpha");

    private final CoderTraining training;
    private final Settings settings;
    private final PrintStream log;

    LabelAttentionTrainer(CoderTraining training) {
        this.training = training;
        this.settings = new Settings(LabelAttentionCoder.KIND, training.settings(), SETTINGS);
        this.log = training.progress();
    }

    /** A note ready for the head: its tokens, its version and its labels' indices. */
    private record Example(TokenizedNote note, IcdVersion version, Set<Integer> labels) {
    }

    Path train() {
        long started = System.nanoTime();
        String base = settings.string("base", ModelKit.DEFAULT_NAME);
        String mode = settings.choice("backbone", "frozen", Set.of("frozen", "lora"));
        int projection = settings.integer("projection", 64, 1);
        int width = settings.integer("width", 5, 1);
        int epochs = settings.integer("epochs", 8, 1);
        int batchSize = settings.integer("batch-size", 4, 1);
        double learningRate = settings.number("learning-rate", 5e-3);
        double dropout = Double.parseDouble(settings.string("dropout", "0.2"));
        if (!(dropout >= 0 && dropout < 1)) {
            throw new CoderInputException(LabelAttentionCoder.KIND + " setting dropout=" + dropout
                    + " must be in [0, 1)");
        }
        if (training.train().isEmpty()) {
            throw new CoderInputException("No training notes; the train split is empty");
        }
        TreeSet<Code> codes = new TreeSet<>();
        EnumSet<IcdVersion> versions = EnumSet.noneOf(IcdVersion.class);
        for (CodedNote n : training.train()) {
            codes.addAll(n.codes());
            versions.add(n.version());
        }
        List<Code> labels = List.copyOf(codes);
        Map<Code, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        Map<IcdVersion, long[]> versionLabels = new EnumMap<>(IcdVersion.class);
        for (IcdVersion v : versions) {
            versionLabels.put(v, java.util.stream.IntStream.range(0, labels.size())
                    .filter(i -> labels.get(i).system().version() == v).mapToLong(i -> i).toArray());
        }
        Path staged = CoderFolders.staging(training.outputDir());
        try (Backbone backbone = Backbone.open(base, training.den(), training.device())) {
            int chunk = Math.min(settings.integer("chunk", 256, 8), backbone.contextLength());
            List<Example> train = examples(backbone, training.train(), index);
            List<Example> validation = examples(backbone, training.validation(), index);
            boolean tuned = mode.equals("lora");
            LoraAdapter adapter = null;
            NDManager root = backbone.model().model().manager().newSubManager();
            try {
                LabelAttentionHead head = LabelAttentionHead.create(root, backbone.hiddenSize(), projection, width,
                        labels.size(), training.seed());
                initializeBiases(head, labels, train);
                Map<String, NDArray> params = new LinkedHashMap<>(head.parameters());
                if (tuned) {
                    adapter = LoraAdapter.create(backbone.model().model(), new LoraConfig(settings.integer("lora-r", 8,
                            1), settings.number("lora-alpha", 16), 0.0, List.of("q_proj", "v_proj")), training.seed());
                    backbone.model().model().attachAdapter(adapter);
                    params.putAll(adapter.parameters());
                }
                StateSource states = tuned ? new StateSource(backbone, chunk, null, null)
                        : new StateSource(backbone, chunk, cache(backbone, train, chunk, root, "train"),
                                cache(backbone, validation, chunk, root, "validation"));
                Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) learningRate))
                        .build();
                Engine engine = root.getEngine();
                Map<String, float[]> best = snapshot(params);
                double bestLoss = Double.POSITIVE_INFINITY;
                int bestEpoch = 0;
                Random random = new Random(training.seed());
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    long t0 = System.nanoTime();
                    double sum = 0;
                    int batches = 0;
                    for (List<Integer> batch : batches(train, batchSize, random)) {
                        IcdVersion v = train.get(batch.get(0)).version();
                        try (NDScope scope = new NDScope()) {
                            for (NDArray p : params.values()) {
                                p.setRequiresGradient(true);
                            }
                            try (GradientCollector collector = engine.newGradientCollector()) {
                                NDArray loss = batchLoss(head, states, train, batch, false, versionLabels.get(v), root,
                                        (float) dropout);
                                collector.backward(loss);
                                sum += loss.getFloat();
                                batches++;
                            }
                        }
                        // outside the scope: Adam keeps its moments on the weights' manager across steps
                        for (Map.Entry<String, NDArray> e : params.entrySet()) {
                            try (NDArray gradient = e.getValue().getGradient()) {
                                adam.update(e.getKey(), e.getValue(), gradient);
                            }
                            JniUtils.zeroGrad((PtNDArray) e.getValue());
                        }
                    }
                    double validationLoss = validation.isEmpty() ? sum / batches
                            : validationLoss(head, states, validation, versionLabels, root, batchSize);
                    if (validationLoss < bestLoss) {
                        bestLoss = validationLoss;
                        bestEpoch = epoch;
                        best = snapshot(params);
                    }
                    if (log != null) {
                        log.printf(Locale.ROOT, "lm-label-attention: epoch %d/%d  loss %.4f  validation loss %.4f  "
                                + "%.0f s%n", epoch, epochs, sum / Math.max(1, batches), validationLoss,
                                (System.nanoTime() - t0) / 1e9);
                    }
                }
                restore(params, best);
                for (NDArray p : params.values()) {
                    p.setRequiresGradient(false);
                }
                List<List<LabelScore>> scores = new ArrayList<>();
                List<Set<String>> gold = new ArrayList<>();
                for (int i = 0; i < validation.size(); i++) {
                    Example e = validation.get(i);
                    long[] idx = versionLabels.get(e.version());
                    float[] p = probabilities(head, states, validation, i, idx, root);
                    List<LabelScore> s = new ArrayList<>();
                    for (int k = 0; k < p.length; k++) {
                        s.add(new LabelScore(labels.get((int) idx[k]).key(), p[k]));
                    }
                    scores.add(s);
                    Set<String> g = new TreeSet<>();
                    e.labels().forEach(l -> g.add(labels.get(l).key()));
                    gold.add(g);
                }
                Thresholds thresholds = Thresholds.tune(gold, scores, MIN_SUPPORT, 0.5);
                Map<String, Double> metrics = new TreeMap<>();
                metrics.put("validation_loss", bestLoss);
                metrics.put("best_epoch", (double) bestEpoch);
                metrics.put("train_seconds", (System.nanoTime() - started) / 1e9);
                if (!validation.isEmpty()) {
                    metrics.put("validation_micro_f1", microF1(scores, gold, thresholds));
                }
                head.save(staged);
                if (adapter != null) {
                    Path dir = staged.resolve(LabelAttentionConfig.ADAPTER_DIR);
                    java.nio.file.Files.createDirectories(dir);
                    adapter.save(dir, base);
                }
                thresholds.save(staged);
                new LabelAttentionConfig(chunk, projection, width, mode, labels.stream().map(Code::key).toList())
                        .write(staged);
                training.dictionary().restrictTo(labels).write(staged);
                Map<String, Object> trainedOn = new TreeMap<>(training.trainedOn());
                trainedOn.put("train_notes", training.train().size());
                trainedOn.put("validation_notes", training.validation().size());
                CoderConfig.of(LabelAttentionCoder.KIND, List.copyOf(versions), base, metrics, trainedOn)
                        .write(staged);
                if (log != null) {
                    log.printf(Locale.ROOT, "lm-label-attention: best epoch %d, validation loss %.4f, validation "
                            + "micro-F1 %.4f, %.0f s%n", bestEpoch, bestLoss, metrics.getOrDefault(
                            "validation_micro_f1", Double.NaN), metrics.get("train_seconds"));
                }
            } finally {
                if (adapter != null) {
                    backbone.model().model().detachAdapter();
                    adapter.close();
                }
                root.close();
            }
            return CoderFolders.commit(staged, training.outputDir());
        } catch (java.io.IOException e) {
            FileTree.deleteQuietly(staged);
            throw new org.den4j.coder.CoderException("Cannot write the coder into " + staged + ": " + e.getMessage(),
                    e);
        } catch (RuntimeException | Error e) {
            FileTree.deleteQuietly(staged);
            throw e;
        }
    }

    /**
     * Starts each code's output bias at the log-odds of its frequency among the training notes of its version,
     * so the first epochs learn where codes are mentioned rather than how rare they are.
     */
    private static void initializeBiases(LabelAttentionHead head, List<Code> labels, List<Example> train) {
        Map<IcdVersion, Integer> notes = new EnumMap<>(IcdVersion.class);
        int[] counts = new int[labels.size()];
        for (Example e : train) {
            notes.merge(e.version(), 1, Integer::sum);
            e.labels().forEach(l -> counts[l]++);
        }
        float[] bias = new float[labels.size()];
        for (int l = 0; l < bias.length; l++) {
            double p = (counts[l] + 0.5) / (notes.getOrDefault(labels.get(l).system().version(), 0) + 1.0);
            p = Math.min(0.999, Math.max(1e-4, p));
            bias[l] = (float) Math.log(p / (1 - p));
        }
        head.parameters().get(LabelAttentionHead.OUTPUT_BIAS).set(bias);
    }

    private static List<Example> examples(Backbone backbone, List<CodedNote> notes, Map<Code, Integer> index) {
        List<Example> out = new ArrayList<>(notes.size());
        for (CodedNote n : notes) {
            Set<Integer> l = new TreeSet<>();
            for (Code c : n.codes()) {
                Integer i = index.get(c);
                if (i != null) {
                    l.add(i);
                }
            }
            out.add(new Example(backbone.tokenize(n.text()), n.version(), l));
        }
        return out;
    }

    /** The frozen backbone's states of every note, computed once. */
    private List<NDArray> cache(Backbone backbone, List<Example> examples, int chunk, NDManager root, String what) {
        List<NDArray> out = new ArrayList<>(examples.size());
        long t0 = System.nanoTime();
        long tokens = 0;
        for (int i = 0; i < examples.size(); i++) {
            try (NDScope scope = new NDScope()) {
                NDArray s = backbone.states(examples.get(i).note(), chunk, root).duplicate();
                NDScope.unregister(s);
                out.add(s);
            }
            tokens += examples.get(i).note().length();
            if (log != null && (i + 1) % 200 == 0) {
                log.printf(Locale.ROOT, "lm-label-attention: backbone states of %d/%d %s notes (%.0f tokens/s)%n",
                        i + 1, examples.size(), what, tokens / ((System.nanoTime() - t0) / 1e9));
            }
        }
        return out;
    }

    /** Where a batch's hidden states come from: the cache (frozen) or the backbone with gradients (LoRA). */
    private record StateSource(Backbone backbone, int chunk, List<NDArray> train, List<NDArray> validation) {
        NDArray states(List<Example> examples, int i, boolean isValidation, NDManager m) {
            List<NDArray> cached = isValidation ? validation : train;
            return cached != null ? cached.get(i) : backbone.states(examples.get(i).note(), chunk, m);
        }
    }

    /** Batches of one version each, shuffled. */
    private static List<List<Integer>> batches(List<Example> examples, int size, Random random) {
        Map<IcdVersion, List<Integer>> byVersion = new EnumMap<>(IcdVersion.class);
        for (int i = 0; i < examples.size(); i++) {
            byVersion.computeIfAbsent(examples.get(i).version(), v -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> out = new ArrayList<>();
        for (List<Integer> ids : byVersion.values()) {
            Collections.shuffle(ids, random);
            for (int i = 0; i < ids.size(); i += size) {
                out.add(List.copyOf(ids.subList(i, Math.min(ids.size(), i + size))));
            }
        }
        Collections.shuffle(out, random);
        return out;
    }

    private static NDArray batchLoss(LabelAttentionHead head, StateSource source, List<Example> examples,
            List<Integer> batch, boolean isValidation, long[] labelIndices, NDManager m, float dropout) {
        int longest = 0;
        for (int i : batch) {
            longest = Math.max(longest, examples.get(i).note().length());
        }
        int hidden = head.hidden();
        NDList rows = new NDList();
        float[] mask = new float[batch.size() * longest];
        float[] targets = new float[batch.size() * labelIndices.length];
        for (int r = 0; r < batch.size(); r++) {
            Example e = examples.get(batch.get(r));
            NDArray s = source.states(examples, batch.get(r), isValidation, m);
            int n = e.note().length();
            if (n < longest) {
                s = s.concat(m.zeros(new Shape(longest - n, hidden)), 0);
            }
            rows.add(s);
            java.util.Arrays.fill(mask, r * longest, r * longest + n, 1f);
            for (int k = 0; k < labelIndices.length; k++) {
                if (e.labels().contains((int) labelIndices[k])) {
                    targets[r * labelIndices.length + k] = 1f;
                }
            }
        }
        NDArray states = NDArrays.stack(rows);
        NDArray maskArray = m.create(mask, new Shape(batch.size(), longest));
        NDArray idx = m.create(labelIndices);
        NDArray logits = head.forward(states, maskArray, idx, dropout).get(0);
        NDArray t = m.create(targets, new Shape(batch.size(), labelIndices.length));
        return LabelAttentionHead.loss(logits, t, m.ones(t.getShape()));
    }

    private static double validationLoss(LabelAttentionHead head, StateSource source, List<Example> validation,
            Map<IcdVersion, long[]> versionLabels, NDManager m, int batchSize) {
        double sum = 0;
        int n = 0;
        for (List<Integer> batch : batches(validation, batchSize, new Random(0))) {
            long[] idx = versionLabels.get(validation.get(batch.get(0)).version());
            if (idx == null || idx.length == 0) {
                continue;
            }
            try (NDScope scope = new NDScope()) {
                sum += batchLoss(head, source, validation, batch, true, idx, m, 0f).getFloat() * batch.size();
                n += batch.size();
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static float[] probabilities(LabelAttentionHead head, StateSource source, List<Example> examples, int i,
            long[] labelIndices, NDManager m) {
        if (labelIndices == null || labelIndices.length == 0) {
            return new float[0];
        }
        try (NDScope scope = new NDScope()) {
            NDArray s = source.states(examples, i, true, m).expandDims(0);
            NDArray mask = m.ones(new Shape(1, examples.get(i).note().length()));
            NDArray logits = head.forward(s, mask, m.create(labelIndices), 0f).get(0);
            return Activation.sigmoid(logits).toFloatArray();
        }
    }

    private static double microF1(List<List<LabelScore>> scores, List<Set<String>> gold, Thresholds t) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < scores.size(); i++) {
            Set<String> predicted = new TreeSet<>();
            for (LabelScore s : scores.get(i)) {
                if (t.accepts(s.label(), s.score())) {
                    predicted.add(s.label());
                }
            }
            for (String p : predicted) {
                tp += gold.get(i).contains(p) ? 1 : 0;
                fp += gold.get(i).contains(p) ? 0 : 1;
            }
            for (String g : gold.get(i)) {
                fn += predicted.contains(g) ? 0 : 1;
            }
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    private static Map<String, float[]> snapshot(Map<String, NDArray> params) {
        Map<String, float[]> out = new HashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            out.put(e.getKey(), e.getValue().toType(DataType.FLOAT32, false).toFloatArray());
        }
        return out;
    }

    private static void restore(Map<String, NDArray> params, Map<String, float[]> values) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            try (NDArray v = p.getManager().create(values.get(e.getKey()), p.getShape())) {
                p.set(v.toType(p.getDataType(), false).toDevice(p.getDevice(), false).toByteBuffer());
            }
        }
    }
}
