package org.den4j.coder.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/** Evidence of linear scores: the terms of a text whose weight times TF-IDF value raises a label's score most. */
final class TermEvidence {
    /** At most this many occurrences of one term. */
    private static final int OCCURRENCES = 3;

    private TermEvidence() {
    }

    static List<TermSpan> strongest(TfIdfVectorizer vectorizer, String text, int limit,
            IntToDoubleFunction weight) {
        if (limit <= 0) {
            return List.of();
        }
        SparseVector x = vectorizer.transform(text);
        Map<Integer, List<TermSpan>> byFeature = new LinkedHashMap<>();
        for (TermSpan s : vectorizer.spans(text)) {
            List<TermSpan> list = byFeature.computeIfAbsent(s.feature(), k -> new ArrayList<>());
            if (list.size() < OCCURRENCES) {
                list.add(s);
            }
        }
        List<double[]> contributions = new ArrayList<>();
        for (int feature : byFeature.keySet()) {
            int at = Arrays.binarySearch(x.indices(), feature);
            double c = at < 0 ? 0 : weight.applyAsDouble(feature) * x.values()[at];
            if (c > 0) {
                contributions.add(new double[] {feature, c});
            }
        }
        contributions.sort(Comparator.comparingDouble((double[] c) -> -c[1]));
        List<TermSpan> out = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, contributions.size()); i++) {
            out.addAll(byFeature.get((int) contributions.get(i)[0]));
        }
        return out;
    }
}
