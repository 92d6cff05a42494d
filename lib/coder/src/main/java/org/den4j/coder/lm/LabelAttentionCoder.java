package org.den4j.coder.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CoderConfig;
import org.den4j.coder.CoderFormat;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderModel;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.Prediction;
import org.den4j.coder.ScoredCode;
import org.den4j.coder.text.Thresholds;
import org.den4j.lm.LoraAdapter;

/**
 * An {@code lm-label-attention} coder loaded for use: the base model (from the den, with the coder's LoRA adapter
 * when its backbone was tuned) and the label-attention head. A code's score is its sigmoid output; its evidence
 * is the words it attended to most. Calls are serialised (one note at a time through the backbone). The caller
 * closes it.
 */
public final class LabelAttentionCoder extends BackboneCoder {
    /** The kind, as in {@code coder.json}. */
    public static final String KIND = "lm-label-attention";
    private static final int EVIDENCE_SPANS = 3;

    private final NDManager manager;
    private final LabelAttentionHead head;
    private final LabelAttentionConfig config;
    private final Thresholds thresholds;
    private final List<Code> labels;

    LabelAttentionCoder(CoderModel model, CodeDictionary dictionary, Collection<IcdVersion> versions,
            Backbone backbone, LoraAdapter adapter, NDManager manager, LabelAttentionHead head,
            LabelAttentionConfig config, Thresholds thresholds) {
        super(KIND, model, dictionary, versions, backbone, adapter);
        this.manager = manager;
        this.head = head;
        this.config = config;
        this.thresholds = thresholds;
        this.labels = config.labels().stream().map(Code::ofKey).toList();
    }

    /**
     * Loads a coder folder: the base named in {@code coder.json} (from the den of the environment unless it is
     * a folder), the adapter when there is one, and the head.
     *
     * @throws CoderInputException when a file is missing or the base cannot be found
     */
    public static LabelAttentionCoder load(Path folder, CoderModel model, CoderFormat.LoadOptions options) {
        CoderConfig coder = CoderConfig.read(folder);
        CodeDictionary dictionary = CodeDictionary.read(folder);
        LabelAttentionConfig config = LabelAttentionConfig.read(folder);
        Thresholds thresholds = Thresholds.load(folder);
        Backbone backbone = Backbone.open(coder.base(), null, options.device());
        NDManager manager = null;
        LoraAdapter adapter = null;
        try {
            if (config.tuned()) {
                Path dir = folder.resolve(LabelAttentionConfig.ADAPTER_DIR);
                if (!Files.isDirectory(dir)) {
                    throw new CoderInputException("Coder folder " + folder + " has a tuned backbone but no "
                            + LabelAttentionConfig.ADAPTER_DIR + "/; train it again");
                }
                adapter = attachAdapter(backbone, dir);
            }
            manager = backbone.model().model().manager().newSubManager();
            LabelAttentionHead head = LabelAttentionHead.load(folder, manager);
            if (head.labels() != config.labels().size() || head.hidden() != backbone.hiddenSize()) {
                throw new CoderInputException("The head in " + folder + " scores " + head.labels() + " labels over "
                        + "hidden size " + head.hidden() + " but " + LabelAttentionConfig.FILE_NAME + " lists "
                        + config.labels().size() + " labels and base " + coder.base() + " has hidden size "
                        + backbone.hiddenSize() + "; the coder was trained on another base");
            }
            return new LabelAttentionCoder(model, dictionary, coder.icdVersions(), backbone, adapter, manager, head,
                    config, thresholds);
        } catch (RuntimeException e) {
            if (manager != null) {
                manager.close();
            }
            throw release(e, adapter, backbone);
        }
    }

    /** The labels in the head's order. */
    public List<Code> labels() {
        return labels;
    }

    @Override
    public Prediction predict(String text, PredictOptions options) {
        long start = System.nanoTime();
        IcdCoder.requireText(text);
        IcdVersion version = checkVersion(options.version());
        Scored s = score(text);
        List<Integer> chosen = new ArrayList<>();
        for (int l = 0; l < labels.size(); l++) {
            Code code = labels.get(l);
            double threshold = options.threshold() != null ? options.threshold() : thresholds.threshold(code.key());
            if (code.system().version() == version && s.probabilities[l] >= threshold) {
                chosen.add(l);
            }
        }
        chosen.sort(Comparator.comparingDouble((Integer l) -> -s.probabilities[l]));
        if (options.topK() != null && chosen.size() > options.topK()) {
            chosen = chosen.subList(0, options.topK());
        }
        List<PredictedCode> codes = new ArrayList<>();
        int tokens = s.note.length();
        for (int l : chosen) {
            float[] row = new float[tokens];
            if (options.evidence()) {
                System.arraycopy(s.attention, l * tokens, row, 0, tokens);
            }
            codes.add(PredictedCode.of(labels.get(l), dictionary, clamp(s.probabilities[l]),
                    options.evidence() ? EvidenceSpans.of(s.note, row, EVIDENCE_SPANS) : List.of()));
        }
        return new Prediction(codes, model(), (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public List<ScoredCode> rank(String text, IcdVersion version, int limit) {
        IcdCoder.requireText(text);
        IcdVersion v = checkVersion(version);
        Scored s = score(text);
        List<ScoredCode> out = new ArrayList<>();
        for (int l = 0; l < labels.size(); l++) {
            if (labels.get(l).system().version() == v) {
                out.add(new ScoredCode(labels.get(l), clamp(s.probabilities[l])));
            }
        }
        out.sort(Comparator.comparingDouble((ScoredCode c) -> -c.score()));
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    /** A note's tokens, every label's probability, and its attention (labels x tokens, row-major). */
    private record Scored(TokenizedNote note, float[] probabilities, float[] attention) {
    }

    private synchronized Scored score(String text) {
        TokenizedNote note = backbone.tokenize(text);
        try (NDManager m = manager.newSubManager()) {
            NDArray states = backbone.states(note, config.chunk(), m).expandDims(0);
            NDArray mask = m.ones(new Shape(1, note.length()));
            NDList out = head.forward(states, mask);
            float[] probabilities = Activation.sigmoid(out.get(0)).toFloatArray();
            float[] attention = out.get(1).toFloatArray();
            return new Scored(note, probabilities, attention);
        }
    }

    private static double clamp(double p) {
        return Double.isFinite(p) ? Math.max(0, Math.min(1, p)) : 0;
    }

    @Override
    public void close() {
        try {
            manager.close();
        } finally {
            super.close();
        }
    }
}
