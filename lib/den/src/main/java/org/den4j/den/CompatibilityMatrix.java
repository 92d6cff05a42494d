package org.den4j.den;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which output data types each input data type leads to, and through which models: directly (one
 * model takes the input and gives the output) or through a chain (a {@code TEXT -> IMAGE} model then
 * an {@code IMAGE -> TEXT} model make {@code TEXT -> TEXT} reachable).
 *
 * <pre>{@code
 * CompatibilityMatrix matrix = CompatibilityMatrix.of(den);
 * matrix.pair(DataType.TEXT, DataType.EMBEDDINGS).ifPresent(p -> System.out.println(p.direct()));
 * }</pre>
 *
 * <p>A model with several inputs counts as taking each of them: the matrix says what a model accepts,
 * not that one input alone is enough to run it. Chains are shortest by number of models; among equally
 * short ones the first by model name wins.
 *
 * @param pairs every reachable (input, output) pair, by input then output in {@link DataType} order
 */
public record CompatibilityMatrix(List<Pair> pairs) {
    public CompatibilityMatrix {
        pairs = pairs == null ? List.of() : List.copyOf(pairs);
    }

    /**
     * One reachable pair.
     *
     * @param input the data type given
     * @param output the data type obtained
     * @param direct the models ({@code name@version}) that take {@code input} and give {@code output}, by name
     * @param chain a shortest chain of models from {@code input} to {@code output}; one step when some model
     *     is direct
     */
    public record Pair(DataType input, DataType output, List<String> direct, List<Step> chain) {
        public Pair {
            direct = List.copyOf(direct);
            chain = List.copyOf(chain);
        }
    }

    /**
     * One model of a chain and the types it is used between.
     *
     * @param model the model as {@code name@version}
     * @param input the data type it takes here
     * @param output the data type it gives here
     */
    public record Step(String model, DataType input, DataType output) {
    }

    /** The matrix of the latest version of every model in {@code den}. */
    public static CompatibilityMatrix of(Den den) {
        return of(den.search(RegistryQuery.builder().latestOnly(true).build()));
    }

    /** The matrix of the given models (each version counts as a model). */
    public static CompatibilityMatrix of(List<ModelInfo> models) {
        List<ModelInfo> sorted = new ArrayList<>(models);
        sorted.sort(Comparator.comparing(ModelInfo::name).thenComparingInt(ModelInfo::version));
        // Edges by the type they start from, in model name order so that ties resolve the same way each time.
        Map<DataType, List<Step>> edges = new EnumMap<>(DataType.class);
        for (ModelInfo m : sorted) {
            for (DataType in : types(m.metadata().inputs())) {
                for (DataType out : types(m.metadata().outputs())) {
                    edges.computeIfAbsent(in, k -> new ArrayList<>()).add(new Step(m.ref(), in, out));
                }
            }
        }
        List<Pair> pairs = new ArrayList<>();
        for (DataType start : edges.keySet()) {
            Map<DataType, Step> reachedBy = shortestPaths(start, edges);
            for (DataType target : DataType.values()) {
                if (!reachedBy.containsKey(target)) {
                    continue;
                }
                List<String> direct = edges.get(start).stream().filter(s -> s.output() == target)
                        .map(Step::model).distinct().toList();
                pairs.add(new Pair(start, target, direct, chain(start, target, reachedBy)));
            }
        }
        return new CompatibilityMatrix(pairs);
    }

    /** The pair for {@code input} and {@code output}, or empty when no chain of models leads there. */
    public Optional<Pair> pair(DataType input, DataType output) {
        return pairs.stream().filter(p -> p.input() == input && p.output() == output).findFirst();
    }

    /** The output types reachable from {@code input}, in {@link DataType} order. */
    public Set<DataType> reachable(DataType input) {
        Set<DataType> out = EnumSet.noneOf(DataType.class);
        pairs.stream().filter(p -> p.input() == input).forEach(p -> out.add(p.output()));
        return out;
    }

    /** The input types some model takes, in {@link DataType} order. */
    public Set<DataType> inputs() {
        Set<DataType> in = EnumSet.noneOf(DataType.class);
        pairs.forEach(p -> in.add(p.input()));
        return in;
    }

    private static Set<DataType> types(List<IoSpec> specs) {
        Set<DataType> types = EnumSet.noneOf(DataType.class);
        specs.forEach(s -> types.add(s.dataType()));
        return types;
    }

    /**
     * Breadth-first search from {@code start}: for each type reached, the last step of a shortest chain.
     * The start itself is in the result only when a chain of at least one model leads back to it.
     */
    private static Map<DataType, Step> shortestPaths(DataType start, Map<DataType, List<Step>> edges) {
        Map<DataType, Step> reachedBy = new EnumMap<>(DataType.class);
        ArrayDeque<DataType> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            DataType at = queue.poll();
            for (Step step : edges.getOrDefault(at, List.of())) {
                if (!reachedBy.containsKey(step.output())) {
                    reachedBy.put(step.output(), step);
                    if (step.output() != start) { // the start was expanded first; once is enough
                        queue.add(step.output());
                    }
                }
            }
        }
        return reachedBy;
    }

    private static List<Step> chain(DataType start, DataType target, Map<DataType, Step> reachedBy) {
        ArrayDeque<Step> chain = new ArrayDeque<>();
        Step step = reachedBy.get(target);
        chain.addFirst(step);
        // Search-tree paths pass through the start only at their beginning, so the first step from it ends the walk.
        while (step.input() != start) {
            step = reachedBy.get(step.input());
            chain.addFirst(step);
        }
        return List.copyOf(chain);
    }
}
