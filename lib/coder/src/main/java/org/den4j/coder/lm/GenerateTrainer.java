package org.den4j.coder.lm;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderModel;
import org.den4j.coder.CoderTraining;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.text.LabelScore;
import org.den4j.coder.text.Thresholds;
import org.den4j.den.io.FileTree;
import org.den4j.lm.LoraConfig;
import org.den4j.lm.Trainer;
import org.den4j.lm.TrainerOptions;
import org.den4j.lm.TrainingExample;
import org.den4j.lm.TrainingResult;
import org.den4j.lm.kit.ModelKit;

/**
 * Trains an {@code lm-generate} coder: a LoRA adapter (lib/lm's {@link Trainer}) on prompt/completion pairs, one
 * per chunk of each note (prompt: the template with the chunk; completion: the note's codes, comma-separated,
 * then end of sequence, tokenized as the {@link CodeTrie} expects), then a score threshold tuned on validation
 * notes decoded under the trie.
 */
final class GenerateTrainer {
    static final Set<String> SETTINGS = Set.of("base", "steps", "batch-size", "learning-rate", "lora-r",
            "lora-alpha", "chunk", "max-new-tokens", "validation-notes", "prompt-template");

    private final CoderTraining training;
    private final Settings settings;
    private final PrintStream log;

    GenerateTrainer(CoderTraining training) {
        this.training = training;
        this.settings = new Settings(GenerateCoder.KIND, training.settings(), SETTINGS);
        this.log = training.progress();
    }

    Path train() {
        long started = System.nanoTime();
        String base = settings.string("base", ModelKit.DEFAULT_NAME);
        int steps = settings.integer("steps", 200, 1);
        int batchSize = settings.integer("batch-size", 4, 1);
        double learningRate = settings.number("learning-rate", 1e-3);
        int maxNewTokens = settings.integer("max-new-tokens", 96, 4);
        int validationNotes = settings.integer("validation-notes", 50, 0);
        String template = settings.string("prompt-template", GenerateConfig.DEFAULT_TEMPLATE);
        if (training.train().isEmpty()) {
            throw new CoderInputException("No training notes; the train split is empty");
        }
        TreeSet<Code> codes = new TreeSet<>();
        EnumSet<IcdVersion> versions = EnumSet.noneOf(IcdVersion.class);
        for (CodedNote n : training.train()) {
            codes.addAll(n.codes());
            versions.add(n.version());
        }
        CodeDictionary dictionary = training.dictionary().restrictTo(codes);
        Path staged = CoderFolders.staging(training.outputDir());
        try (Backbone backbone = Backbone.open(base, training.den(), training.device())) {
            int context = backbone.contextLength();
            int chunk = settings.integer("chunk", Math.max(16, context - maxNewTokens - 32), 8);
            GenerateConfig config = new GenerateConfig(template, chunk, maxNewTokens, 0.0);
            int end = backbone.endToken();
            List<TrainingExample> examples = new ArrayList<>();
            for (CodedNote n : training.train()) {
                examples.addAll(examples(backbone, config, n, end, context));
            }
            List<TrainingExample> validationLoss = new ArrayList<>();
            for (CodedNote n : training.validation().subList(0, Math.min(validationNotes,
                    training.validation().size()))) {
                validationLoss.addAll(examples(backbone, config, n, end, context));
            }
            Path adapterDir = staged.resolve(GenerateConfig.ADAPTER_DIR);
            TrainerOptions options = TrainerOptions.builder(adapterDir)
                    .lora(new LoraConfig(settings.integer("lora-r", 8, 1), settings.number("lora-alpha", 16), 0.0,
                            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")))
                    .maxSteps(steps).batchSize(batchSize).learningRate(learningRate).warmupSteps(Math.max(1,
                            steps / 10)).scheduler("cosine").maxLength(context).seed(training.seed())
                    .baseModel(base).showProgress(log != null).build();
            Trainer trainer = new Trainer(backbone.model().model(), options);
            TrainingResult result;
            try {
                result = trainer.train(examples, validationLoss);
            } catch (RuntimeException e) {
                if (trainer.adapter() != null) {
                    backbone.model().model().detachAdapter();
                    trainer.adapter().close();
                }
                throw e;
            }
            Map<String, Double> metrics = new TreeMap<>();
            metrics.put("train_loss", result.finalLoss());
            metrics.put("validation_loss", result.finalEvalLoss());
            metrics.put("steps", (double) result.steps());
            metrics.put("train_examples", (double) examples.size());
            try {
                // not closed: the trainer's adapter and the backbone it borrows are closed below
                GenerateCoder coder = new GenerateCoder(CoderModel.ofFolder(staged.toString(), GenerateCoder.KIND),
                        dictionary, versions, backbone, trainer.adapter(), config);
                List<Map<String, Double>> scores = new ArrayList<>();
                List<Set<String>> gold = new ArrayList<>();
                for (CodedNote n : training.validation().subList(0, Math.min(validationNotes,
                        training.validation().size()))) {
                    if (!versions.contains(n.version())) {
                        continue;
                    }
                    Map<String, Double> s = new HashMap<>();
                    coder.generate(n.text(), n.version()).forEach((c, p) -> s.put(c.key(), p));
                    scores.add(s);
                    Set<String> g = new TreeSet<>();
                    n.codes().forEach(c -> g.add(c.key()));
                    gold.add(g);
                }
                double threshold = scores.isEmpty() ? 0.0 : tuneThreshold(scores, gold);
                config = new GenerateConfig(template, chunk, maxNewTokens, threshold);
                if (!scores.isEmpty()) {
                    metrics.put("validation_micro_f1", microF1(scores, gold, threshold));
                }
            } finally {
                backbone.model().model().detachAdapter();
                trainer.adapter().close();
            }
            metrics.put("train_seconds", (System.nanoTime() - started) / 1e9);
            config.write(staged);
            dictionary.write(staged);
            Map<String, Object> trainedOn = new TreeMap<>(training.trainedOn());
            trainedOn.put("train_notes", training.train().size());
            trainedOn.put("validation_notes", training.validation().size());
            CoderConfig.of(GenerateCoder.KIND, List.copyOf(versions), base, metrics, trainedOn).write(staged);
            if (log != null) {
                log.printf(Locale.ROOT, "lm-generate: %d steps on %d examples, loss %.4f, validation micro-F1 %.4f, "
                        + "%.0f s%n", result.steps(), examples.size(), result.finalLoss(),
                        metrics.getOrDefault("validation_micro_f1", Double.NaN), metrics.get("train_seconds"));
            }
            return CoderFolders.commit(staged, training.outputDir());
        } catch (RuntimeException | Error e) {
            FileTree.deleteQuietly(staged);
            throw e;
        }
    }

    /** One example per chunk of the note; a chunk whose prompt and completion do not fit the context is cut. */
    static List<TrainingExample> examples(Backbone backbone, GenerateConfig config, CodedNote note, int end,
            int context) {
        int[] completionText = backbone.tokenize(String.join(CodeTrie.SEPARATOR,
                note.codes().stream().map(Code::code).toList())).ids();
        int[] completion = java.util.Arrays.copyOf(completionText, completionText.length + 1);
        completion[completionText.length] = end;
        TokenizedNote t = backbone.tokenize(note.text());
        List<TrainingExample> out = new ArrayList<>();
        for (int[] range : t.chunks(config.chunk())) {
            String piece = note.text().substring(t.starts()[range[0]], t.ends()[range[1] - 1]);
            int[] prompt = backbone.tokenize(config.prompt(piece)).ids();
            int room = context - completion.length;
            if (room < 8) {
                continue;
            }
            if (prompt.length > room) {
                prompt = java.util.Arrays.copyOf(prompt, room);
            }
            out.add(TrainingExample.completion(prompt, completion));
        }
        return out;
    }

    /** One threshold on the sequence probability for every code, tuned on the validation answers. */
    private static double tuneThreshold(List<Map<String, Double>> scores, List<Set<String>> gold) {
        List<List<LabelScore>> points = new ArrayList<>();
        for (Map<String, Double> s : scores) {
            points.add(s.entrySet().stream().map(e -> new LabelScore(e.getKey(), e.getValue())).toList());
        }
        return Thresholds.tune(gold, points, Integer.MAX_VALUE, 0.0).global();
    }

    private static double microF1(List<Map<String, Double>> scores, List<Set<String>> gold, double t) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < scores.size(); i++) {
            Set<String> predicted = new TreeSet<>();
            scores.get(i).forEach((k, v) -> {
                if (v >= t) {
                    predicted.add(k);
                }
            });
            for (String p : predicted) {
                if (gold.get(i).contains(p)) {
                    tp++;
                } else {
                    fp++;
                }
            }
            for (String g : gold.get(i)) {
                if (!predicted.contains(g)) {
                    fn++;
                }
            }
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }
}
