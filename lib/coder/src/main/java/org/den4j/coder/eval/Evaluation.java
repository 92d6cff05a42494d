package org.den4j.coder.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.den4j.coder.Code;
import org.den4j.coder.CodedNote;
import org.den4j.coder.CoderException;
import org.den4j.coder.IcdCoder;
import org.den4j.coder.IcdVersion;
import org.den4j.coder.PredictOptions;
import org.den4j.coder.Prediction;
import org.den4j.coder.ScoredCode;

/**
 * Measures coders on the notes of a split, each with its own validation-tuned thresholds, in each note's ICD
 * version: micro and macro figures, precision at 5, 8 and 15, exact match, a per-code table, the negation
 * false-positive rate, and paired comparisons of every two coders.
 *
 * <pre>{@code
 * Evaluation.Report r = Evaluation.run(List.of(linear, bayes), CodingData.read(db, "test", 0),
 *     NegatedMentions.fromDatabase(db), "test", PairedComparison.RESAMPLES, 7);
 * System.out.println(r.toJson());
 * }</pre>
 */
public final class Evaluation {
    /** The k of precision at k. */
    public static final int[] PRECISION_AT = {5, 8, 15};

    private static final ObjectMapper JSON = new ObjectMapper();

    private Evaluation() {
    }

    /**
     * One coder's figures on the notes.
     *
     * @param model the model's name ({@code name@version} for a den model, else the folder)
     * @param kind the coder kind
     * @param metrics micro, macro, exact match and the per-code table (labels are {@link Code#key()}s)
     * @param pAt5 precision at 5
     * @param pAt8 precision at 8
     * @param pAt15 precision at 15
     * @param negationFpRate of the conditions notes name only negated, as family history or ruled out, the share
     *     the coder assigned anyway; null when the data has no such truth
     * @param negatedMentions how many such mentions the notes have
     * @param negatedAssigned how many of them the coder assigned
     * @param predictionsPerSecond notes coded per second (thresholded predictions without evidence, in parallel,
     *     after a warm-up of up to 2 seconds)
     * @param predicted the code keys assigned to each note, in note order
     */
    public record ModelResult(String model, String kind, MultiLabelMetrics metrics, double pAt5, double pAt8,
            double pAt15, Double negationFpRate, long negatedMentions, long negatedAssigned,
            double predictionsPerSecond, List<Set<String>> predicted) {
    }

    /**
     * One comparison: B against A on the same notes.
     *
     * @param a the first model
     * @param b the second model
     * @param result the difference {@code B - A} with its interval and McNemar's p-value
     */
    public record Comparison(String a, String b, PairedComparison result) {
    }

    /**
     * Every coder's figures and every pair's comparison on one split.
     *
     * @param split the split's name
     * @param notes how many notes
     * @param models one result per coder, in the order given
     * @param comparisons every pair (i, j), i before j: B = j against A = i
     */
    public record Report(String split, int notes, List<ModelResult> models, List<Comparison> comparisons) {
        /** The JSON of {@code evaluate --json} (one line). */
        public String toJson() {
            List<ModelRow> rows = models.stream().map(m -> new ModelRow(m.model(), m.kind(),
                    m.metrics().microPrecision(), m.metrics().microRecall(), m.metrics().microF1(),
                    m.metrics().macroF1(), m.pAt5(), m.pAt8(), m.pAt15(), m.metrics().exactMatch(),
                    m.negationFpRate())).toList();
            List<ComparisonRow> pairs = comparisons.stream().map(c -> new ComparisonRow(c.a(), c.b(),
                    c.result().microF1Diff(), c.result().ciLow(), c.result().ciHigh(), c.result().mcnemarP()))
                    .toList();
            try {
                return JSON.writeValueAsString(new ReportRow(split, notes, rows, pairs));
            } catch (JsonProcessingException e) {
                throw new CoderException("Cannot write the evaluation as JSON: " + e.getMessage(), e);
            }
        }
    }

    @JsonPropertyOrder({"split", "notes", "models", "comparisons"})
    private record ReportRow(@JsonProperty("split") String split, @JsonProperty("notes") int notes,
            @JsonProperty("models") List<ModelRow> models, @JsonProperty("comparisons") List<ComparisonRow> comps) {
    }

    @JsonPropertyOrder({"model", "kind", "micro_precision", "micro_recall", "micro_f1", "macro_f1", "p_at_5",
        "p_at_8", "p_at_15", "exact_match", "negation_fp_rate"})
    private record ModelRow(@JsonProperty("model") String model, @JsonProperty("kind") String kind,
            @JsonProperty("micro_precision") double microPrecision, @JsonProperty("micro_recall") double microRecall,
            @JsonProperty("micro_f1") double microF1, @JsonProperty("macro_f1") double macroF1,
            @JsonProperty("p_at_5") double pAt5, @JsonProperty("p_at_8") double pAt8,
            @JsonProperty("p_at_15") double pAt15, @JsonProperty("exact_match") double exactMatch,
            @JsonProperty("negation_fp_rate") Double negationFpRate) {
    }

    @JsonPropertyOrder({"a", "b", "micro_f1_diff", "ci_low", "ci_high", "mcnemar_p"})
    private record ComparisonRow(@JsonProperty("a") String a, @JsonProperty("b") String b,
            @JsonProperty("micro_f1_diff") double microF1Diff, @JsonProperty("ci_low") double ciLow,
            @JsonProperty("ci_high") double ciHigh, @JsonProperty("mcnemar_p") double mcnemarP) {
    }

    /** The gold code keys of each note. */
    public static List<Set<String>> gold(List<CodedNote> notes) {
        return notes.stream().map(n -> n.codes().stream().map(Code::key).collect(Collectors.toSet())).toList();
    }

    /** The name a coder goes by in reports: {@code name@version}, or the name alone. */
    public static String name(IcdCoder coder) {
        return coder.model().version() == null ? coder.model().name()
                : coder.model().name() + "@" + coder.model().version();
    }

    /**
     * Measures one coder on {@code notes}.
     *
     * @param negated the truth of the negation report ({@link NegatedMentions#none()} for none)
     */
    public static ModelResult evaluate(IcdCoder coder, List<CodedNote> notes, NegatedMentions negated) {
        List<Set<String>> gold = gold(notes);
        Map<IcdVersion, List<Integer>> byVersion = new EnumMap<>(IcdVersion.class);
        for (int i = 0; i < notes.size(); i++) {
            byVersion.computeIfAbsent(notes.get(i).version(), k -> new ArrayList<>()).add(i);
        }
        Set<String>[] predicted = newSets(notes.size());
        warmUp(coder, notes);
        long start = System.nanoTime();
        for (Map.Entry<IcdVersion, List<Integer>> e : byVersion.entrySet()) {
            List<String> texts = e.getValue().stream().map(i -> notes.get(i).text()).toList();
            List<Prediction> answers = coder.predictBatch(texts, new PredictOptions(null, null, e.getKey(), false));
            for (int j = 0; j < answers.size(); j++) {
                predicted[e.getValue().get(j)] = answers.get(j).codes().stream().map(c -> c.asCode().key())
                        .collect(Collectors.toSet());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int maxK = Arrays.stream(PRECISION_AT).max().orElse(15);
        List<List<String>> ranked = notes.parallelStream().map(n -> coder.rank(n.text(), n.version(), maxK)
                .stream().map(ScoredCode::code).map(Code::key).toList()).toList();
        List<Set<String>> predictedList = Arrays.asList(predicted);
        MultiLabelMetrics metrics = MultiLabelMetrics.of(gold, predictedList);
        long mentions = 0;
        long assigned = 0;
        for (int i = 0; i < notes.size(); i++) {
            for (NegatedMentions.Mention m : negated.of(notes.get(i).hadmId())) {
                String key = m.code().key();
                if (gold.get(i).contains(key)) {
                    continue;
                }
                mentions++;
                if (predicted[i].contains(key)) {
                    assigned++;
                }
            }
        }
        Double rate = !negated.available() ? null : mentions == 0 ? 0.0 : (double) assigned / mentions;
        return new ModelResult(name(coder), coder.kind(), metrics,
                MultiLabelMetrics.precisionAt(PRECISION_AT[0], gold, ranked),
                MultiLabelMetrics.precisionAt(PRECISION_AT[1], gold, ranked),
                MultiLabelMetrics.precisionAt(PRECISION_AT[2], gold, ranked), rate, mentions, assigned,
                seconds > 0 ? notes.size() / seconds : 0, predictedList);
    }

    /**
     * Codes notes for up to 2 seconds (at most 64) before the timed run, so that notes per second measure the
     * compiled code rather than the JIT's first passes (the first 254 notes of a linear coder run 3 to 4 times
     * slower than the next ones).
     */
    private static void warmUp(IcdCoder coder, List<CodedNote> notes) {
        long end = System.nanoTime() + 2_000_000_000L;
        for (int i = 0; i < Math.min(64, notes.size()) && System.nanoTime() < end; i++) {
            CodedNote n = notes.get(i);
            coder.predict(n.text(), new PredictOptions(null, null, n.version(), false));
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<String>[] newSets(int n) {
        Set<String>[] out = new Set[n];
        for (int i = 0; i < n; i++) {
            out[i] = new HashSet<>();
        }
        return out;
    }

    /**
     * Measures every coder on {@code notes} and compares every pair.
     *
     * @param resamples bootstrap resamples of each comparison
     * @param seed the bootstrap's seed
     */
    public static Report run(List<IcdCoder> coders, List<CodedNote> notes, NegatedMentions negated, String split,
            int resamples, long seed) {
        List<ModelResult> results = new ArrayList<>();
        for (IcdCoder c : coders) {
            results.add(evaluate(c, notes, negated));
        }
        return report(split, notes, results, resamples, seed);
    }

    /** The report of results already measured on {@code notes}, with every pair compared. */
    public static Report report(String split, List<CodedNote> notes, List<ModelResult> results, int resamples,
            long seed) {
        List<Set<String>> gold = gold(notes);
        List<Comparison> comparisons = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            for (int j = i + 1; j < results.size(); j++) {
                comparisons.add(new Comparison(results.get(i).model(), results.get(j).model(),
                        PairedComparison.of(gold, results.get(i).predicted(), results.get(j).predicted(), resamples,
                                seed)));
            }
        }
        return new Report(split, notes.size(), results, comparisons);
    }
}
