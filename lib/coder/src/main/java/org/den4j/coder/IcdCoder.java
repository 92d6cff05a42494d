package org.den4j.coder;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A model that assigns ICD codes to a clinical note. Every answer is in one ICD version: the one asked for, else
 * {@link #defaultVersion()}. Implementations are safe for concurrent {@link #predict} calls unless they say
 * otherwise; the caller that loaded a coder closes it (it may hold native memory).
 *
 * <pre>{@code
 * try (IcdCoder coder = Coders.load(Path.of("output/coders/linear"))) {
 *     Prediction p = coder.predict("Pt with CHF and type 2 diabetes ...", PredictOptions.DEFAULTS);
 *     System.out.println(p.toJson());
 * }
 * }</pre>
 */
public interface IcdCoder extends AutoCloseable {
    /** The kind, as in {@code coder.json} ({@code linear}, {@code naive-bayes}, {@code lm-generate}, ...). */
    String kind();

    /** Which model this is, as reported in every prediction. */
    CoderModel model();

    /** The codes it can assign, with descriptions. */
    CodeDictionary dictionary();

    /** The ICD versions it was trained on. */
    Set<IcdVersion> versions();

    /** The version of answers for free text: the one it was trained on, ICD-10 when it knows both. */
    default IcdVersion defaultVersion() {
        return versions().contains(IcdVersion.ICD10) || versions().isEmpty() ? IcdVersion.ICD10 : IcdVersion.ICD9;
    }

    /**
     * Codes a note.
     *
     * @throws CoderInputException for empty text or a version the coder was not trained on
     */
    Prediction predict(String text, PredictOptions options);

    /** Codes several notes; the answers are in the order of {@code texts}. */
    default List<Prediction> predictBatch(List<String> texts, PredictOptions options) {
        List<Prediction> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(predict(t, options));
        }
        return out;
    }

    /**
     * The {@code limit} best codes of {@code version} for a note by score, ignoring thresholds and without
     * evidence: what precision at k and threshold tuning read. Generative coders return what they generate.
     */
    List<ScoredCode> rank(String text, IcdVersion version, int limit);

    /** Releases what the coder holds; the default holds nothing. */
    @Override
    default void close() {
    }

    /**
     * Checks a note before coding: the text of a {@link CoderInputException} when it is null or blank.
     *
     * @return the text
     */
    static String requireText(String text) {
        if (text == null || text.isBlank()) {
            throw new CoderInputException("The note is empty; give the text of a clinical note to code");
        }
        return text;
    }
}
