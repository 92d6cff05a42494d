package org.den4j.den.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelMetadata;
import org.den4j.den.RegistryIndex;
import org.den4j.den.RegistryQuery;

/** The default registry index: a scan over the records in memory. */
public final class MemoryRegistryIndex implements RegistryIndex {

    @Override
    public List<ModelInfo> search(List<ModelInfo> models, RegistryQuery query) {
        List<String> words = query.text() == null ? List.of()
                : List.of(query.text().toLowerCase(Locale.ROOT).split("\\s+"));
        List<ModelInfo> result = new ArrayList<>();
        for (ModelInfo m : models) {
            if (matches(m, query, words)) {
                result.add(m);
            }
        }
        return query.latestOnly() ? latestOnly(result) : result;
    }

    /** Keeps the highest version of each name, in name order. */
    public static List<ModelInfo> latestOnly(List<ModelInfo> models) {
        Map<String, ModelInfo> latest = new LinkedHashMap<>();
        for (ModelInfo m : models) {
            latest.merge(m.name(), m, (a, b) -> a.version() >= b.version() ? a : b);
        }
        return new ArrayList<>(latest.values());
    }

    /** Whether one record matches a query; {@code words} are the query's lower-case words. */
    static boolean matches(ModelInfo m, RegistryQuery q, List<String> words) {
        ModelMetadata meta = m.metadata();
        if (!m.tags().containsAll(q.tags())) {
            return false;
        }
        if (q.modelType() != null && !q.modelType().equalsIgnoreCase(meta.modelType())) {
            return false;
        }
        if (q.architecture() != null && !q.architecture().equalsIgnoreCase(meta.architecture())) {
            return false;
        }
        if (q.input() != null && !meta.hasInput(q.input())) {
            return false;
        }
        if (q.output() != null && !meta.hasOutput(q.output())) {
            return false;
        }
        if (!words.isEmpty()) {
            String haystack = (m.name() + " " + m.description() + " " + String.join(" ", m.tags()) + " "
                    + (meta.architecture() == null ? "" : meta.architecture()) + " "
                + (meta.displayName() == null ? "" : meta.displayName())).toLowerCase(Locale.ROOT);
            for (String w : words) {
                if (!haystack.contains(w)) {
                    return false;
                }
            }
        }
        return true;
    }
}
