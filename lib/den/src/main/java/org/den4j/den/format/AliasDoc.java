package org.den4j.den.format;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.den4j.den.AliasChange;

/**
 * The aliases of one model name and their history.
 *
 * @param aliases alias to version
 * @param history every change, oldest first
 * @see DocumentKey#aliases(String)
 */
public record AliasDoc(Map<String, Integer> aliases, List<AliasChange> history) {
    public static final AliasDoc EMPTY = new AliasDoc(Map.of(), List.of());

    public AliasDoc {
        aliases = aliases == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(aliases));
        history = history == null ? List.of() : List.copyOf(history);
    }
}
