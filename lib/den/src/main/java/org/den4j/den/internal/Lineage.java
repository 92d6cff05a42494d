package org.den4j.den.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.den4j.den.LineageNode;
import org.den4j.den.ModelInfo;
import org.den4j.den.ModelRef;

/** Parent and child links between the den's live models: derivatives, lineage trees, ancestors first. */
public final class Lineage {
    private final Store store;

    public Lineage(Store store) {
        this.store = store;
    }

    /** The versions derived from {@code ref}, directly or through other derivatives, by name then version. */
    public List<ModelInfo> derivatives(String ref) {
        Catalog.View view = store.view();
        ModelInfo root = store.resolve(view, ModelRef.parse(ref));
        Map<String, List<ModelInfo>> children = childrenByParent(view);
        List<ModelInfo> result = new ArrayList<>();
        collect(root.digest(), children, result, new HashSet<>());
        result.sort(Comparator.comparing(ModelInfo::name).thenComparingInt(ModelInfo::version));
        return result;
    }

    private static void collect(String digest, Map<String, List<ModelInfo>> children, List<ModelInfo> out,
            Set<String> seen) {
        if (!seen.add(digest)) {
            return;
        }
        for (ModelInfo child : children.getOrDefault(digest, List.of())) {
            out.add(child);
            collect(child.digest(), children, out, seen);
        }
    }

    /** The references of the live models whose parent is {@code digest}. */
    public List<String> childrenOf(Catalog.View view, String digest) {
        return childrenByParent(view).getOrDefault(digest, List.of()).stream().map(ModelInfo::ref).toList();
    }

    /** The lineage tree that holds {@code ref}, from its base model down. */
    public LineageNode tree(String ref) {
        Catalog.View view = store.view();
        ModelInfo model = store.resolve(view, ModelRef.parse(ref));
        Map<String, ModelInfo> byDigest = byDigest(view);
        ModelInfo top = model;
        Set<String> seen = new HashSet<>();
        while (top.parent() != null && byDigest.containsKey(top.parent()) && seen.add(top.digest())) {
            top = byDigest.get(top.parent());
        }
        return node(top, childrenByParent(view), new HashSet<>());
    }

    /** Every lineage tree: one per model version that has no parent in the den. */
    public List<LineageNode> forest() {
        Catalog.View view = store.view();
        Set<String> digests = view.live().stream().map(ModelInfo::digest).collect(Collectors.toSet());
        Map<String, List<ModelInfo>> children = childrenByParent(view);
        return view.live().stream().filter(m -> m.parent() == null || !digests.contains(m.parent()))
                .map(m -> node(m, children, new HashSet<>())).toList();
    }

    /** {@code models} and the ancestors of each that the den holds, every parent before its derivatives. */
    public List<ModelInfo> withAncestorsFirst(Catalog.View view, List<ModelInfo> models) {
        Map<String, ModelInfo> byDigest = byDigest(view);
        List<ModelInfo> ordered = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ModelInfo m : models) {
            addWithAncestors(m, byDigest, ordered, seen);
        }
        return ordered;
    }

    private static void addWithAncestors(ModelInfo m, Map<String, ModelInfo> byDigest, List<ModelInfo> out,
            Set<String> seen) {
        if (m.parent() != null && byDigest.containsKey(m.parent()) && !seen.contains(m.parent() + "|" + byDigest.get(
                m.parent()).ref())) {
            addWithAncestors(byDigest.get(m.parent()), byDigest, out, seen);
        }
        if (seen.add(m.digest() + "|" + m.ref())) {
            out.add(m);
        }
    }

    private static Map<String, ModelInfo> byDigest(Catalog.View view) {
        Map<String, ModelInfo> byDigest = new HashMap<>();
        for (ModelInfo m : view.live()) {
            byDigest.putIfAbsent(m.digest(), m);
        }
        return byDigest;
    }

    private static LineageNode node(ModelInfo model, Map<String, List<ModelInfo>> children, Set<String> path) {
        if (!path.add(model.ref())) {
            return new LineageNode(model, List.of());
        }
        List<LineageNode> kids = children.getOrDefault(model.digest(), List.of()).stream()
                .map(c -> node(c, children, path)).toList();
        path.remove(model.ref());
        return new LineageNode(model, kids);
    }

    private static Map<String, List<ModelInfo>> childrenByParent(Catalog.View view) {
        Map<String, List<ModelInfo>> children = new HashMap<>();
        for (ModelInfo m : view.live()) {
            if (m.parent() != null) {
                children.computeIfAbsent(m.parent(), p -> new ArrayList<>()).add(m);
            }
        }
        for (List<ModelInfo> list : children.values()) {
            list.sort(Comparator.comparing(ModelInfo::created).thenComparing(ModelInfo::ref));
        }
        return children;
    }
}
