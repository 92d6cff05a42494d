package org.den4j.loop;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A test fake for the plumbing tests (HTTP, isolation, reload): it answers the labels of the identical
 * training text, else the known labels whose names the text contains, else the most frequent label. The gate is tested with lib/coder's real classifiers.
 */
final class MemorizingAlgorithm implements LabelAlgorithm {
    static final String NAME = "memorizing";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Algorithms algorithms() {
        Map<String, LabelAlgorithm> map = new LinkedHashMap<>();
        map.put(NAME, new MemorizingAlgorithm());
        return new Algorithms(map);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LabelClassifier train(List<Example> examples, boolean multiLabel, Path folder) {
        Map<String, List<String>> memory = new LinkedHashMap<>();
        for (Example e : examples) {
            memory.put(e.text(), new ArrayList<>(e.labels()));
        }
        try {
            JSON.writeValue(folder.resolve("memory.json").toFile(), memory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classifier(memory);
    }

    @Override
    public LabelClassifier load(Path folder) {
        try {
            return classifier(JSON.readValue(folder.resolve("memory.json").toFile(),
                    new TypeReference<Map<String, List<String>>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LabelClassifier classifier(Map<String, List<String>> memory) {
        Map<String, Integer> counts = new HashMap<>();
        memory.values().forEach(ls -> ls.forEach(l -> counts.merge(l, 1, Integer::sum)));
        String top = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("none");
        return new LabelClassifier() {
            @Override
            public List<ScoredLabel> scores(String text) {
                List<ScoredLabel> out = new ArrayList<>();
                for (String l : decide(text)) {
                    out.add(new ScoredLabel(l, memory.containsKey(text) ? 1.0 : 0.5));
                }
                return out;
            }

            @Override
            public Set<String> decide(String text) {
                List<String> known = memory.get(text);
                if (known != null) {
                    return new TreeSet<>(known);
                }
                Set<String> named = new TreeSet<>();
                for (String label : counts.keySet()) {
                    if (text.contains(label)) {
                        named.add(label);
                    }
                }
                return named.isEmpty() ? new TreeSet<>(List.of(top)) : named;
            }
        };
    }
}
