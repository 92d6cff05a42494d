package org.den4j.coder.classic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.den4j.coder.Code;
import org.den4j.coder.CodeDictionary;
import org.den4j.coder.CoderInputException;
import org.den4j.coder.CoderModel;
import org.den4j.coder.Evidence;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.Prediction;
import org.den4j.coder.PredictedCode;
import org.den4j.coder.ScoredCode;
import org.den4j.coder.text.LabelScore;
import org.den4j.coder.text.TermSpan;
import org.den4j.coder.text.TextClassifier;
import org.den4j.coder.text.Thresholds;

/**
 * An ICD coder over a {@link TextClassifier} whose labels are code keys ({@code ICD-10-CM|I50.9}): scores every
 * code, keeps the codes of the answer's version at or above their thresholds, and gives as evidence the note's
 * terms that raise the code's score most. Safe for concurrent use.
 */
public final class ClassifierCoder implements IcdCoder {
    /** Terms given as evidence per code. */
    static final int EVIDENCE_TERMS = 3;

    private final String kind;
    private final CoderModel model;
    private final CodeDictionary dictionary;
    private final Set<IcdVersion> versions;
    private final TextClassifier classifier;
    private final Thresholds thresholds;
    private final Map<String, Code> codes = new HashMap<>();

    /**
     * @param kind the coder kind
     * @param model the identity to report
     * @param dictionary the codes' descriptions
     * @param versions the versions it was trained on
     * @param classifier the classifier, labels being {@link Code#key()}s
     * @param thresholds the per-code thresholds
     */
    public ClassifierCoder(String kind, CoderModel model, CodeDictionary dictionary, Set<IcdVersion> versions,
            TextClassifier classifier, Thresholds thresholds) {
        this.kind = kind;
        this.model = model;
        this.dictionary = dictionary;
        this.versions = Set.copyOf(versions);
        this.classifier = classifier;
        this.thresholds = thresholds;
        for (String label : classifier.labels()) {
            codes.put(label, Code.ofKey(label));
        }
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public CoderModel model() {
        return model;
    }

    @Override
    public CodeDictionary dictionary() {
        return dictionary;
    }

    @Override
    public Set<IcdVersion> versions() {
        return versions;
    }

    /** The classifier under the coder. */
    public TextClassifier classifier() {
        return classifier;
    }

    /** The thresholds tuned on validation. */
    public Thresholds thresholds() {
        return thresholds;
    }

    private IcdVersion version(IcdVersion asked) {
        IcdVersion v = asked != null ? asked : defaultVersion();
        if (!versions.contains(v)) {
            throw new CoderInputException("This " + kind + " coder was trained on " + versions.stream()
                    .map(IcdVersion::id).sorted().toList() + " codes only; it cannot answer in " + v.id()
                    + ": use --code-system " + versions.iterator().next().id());
        }
        return v;
    }

    @Override
    public Prediction predict(String text, PredictOptions options) {
        long start = System.nanoTime();
        IcdCoder.requireText(text);
        IcdVersion v = version(options.version());
        List<PredictedCode> out = new ArrayList<>();
        for (LabelScore s : classifier.scores(text)) {
            Code code = codes.get(s.label());
            if (code.system().version() != v) {
                continue;
            }
            double threshold = options.threshold() != null ? options.threshold() : thresholds.threshold(s.label());
            if (s.score() < threshold) {
                // Scores are sorted, but thresholds differ per code: keep looking.
                continue;
            }
            List<Evidence> evidence = options.evidence() ? evidence(text, s.label()) : List.of();
            out.add(PredictedCode.of(code, dictionary, Math.min(1, Math.max(0, s.score())), evidence));
            if (options.topK() != null && out.size() >= options.topK()) {
                break;
            }
        }
        return new Prediction(out, model, (System.nanoTime() - start) / 1_000_000);
    }

    private List<Evidence> evidence(String text, String label) {
        List<Evidence> out = new ArrayList<>();
        for (TermSpan s : classifier.evidence(text, label, EVIDENCE_TERMS)) {
            out.add(new Evidence(s.start(), s.end(), text.substring(s.start(), s.end())));
        }
        return out;
    }

    @Override
    public List<Prediction> predictBatch(List<String> texts, PredictOptions options) {
        return texts.parallelStream().map(t -> predict(t, options)).toList();
    }

    @Override
    public List<ScoredCode> rank(String text, IcdVersion version, int limit) {
        IcdCoder.requireText(text);
        IcdVersion v = version(version);
        List<ScoredCode> out = new ArrayList<>();
        for (LabelScore s : classifier.scores(text)) {
            Code code = codes.get(s.label());
            if (code.system().version() == v) {
                out.add(new ScoredCode(code, s.score()));
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }
}
