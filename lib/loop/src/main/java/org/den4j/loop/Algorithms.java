package org.den4j.loop;

import java.util.LinkedHashMap;
import java.util.Map;

/** The algorithms label sets train with, by name. */
public final class Algorithms {
    private final Map<String, LabelAlgorithm> byName;

    /** The given algorithms. */
    public Algorithms(Map<String, LabelAlgorithm> byName) {
        this.byName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    /** naive-bayes (TF-IDF + multinomial naive Bayes, the default) and linear, from lib/coder. */
    public static Algorithms standard() {
        Map<String, LabelAlgorithm> map = new LinkedHashMap<>();
        for (LabelAlgorithm a : CoderAlgorithms.all()) {
            map.put(a.name(), a);
        }
        return new Algorithms(map);
    }

    /** The names of the algorithms, in order. */
    public java.util.Set<String> names() {
        return byName.keySet();
    }

    /**
     * The algorithm {@code name}.
     *
     * @throws LoopInputException when there is none of that name
     */
    public LabelAlgorithm get(String name) {
        LabelAlgorithm a = byName.get(name);
        if (a == null) {
            throw new LoopInputException("Algorithm '" + name + "' is not available here; use one of "
                    + String.join(", ", byName.keySet()));
        }
        return a;
    }
}
