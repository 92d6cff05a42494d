package org.den4j.den.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.den4j.den.AliasChange;

/**
 * The aliases of one model name and their history.
 *
 * @param aliases alias to version
 * @param history every change, oldest first
 */
public record AliasDoc(Map<String, Integer> aliases, List<AliasChange> history) {
    public static final AliasDoc EMPTY = new AliasDoc(Map.of(), List.of());

    public AliasDoc {
        aliases = aliases == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(aliases));
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** The document key of a name's aliases. */
    public static String key(String name) {
        return "models/" + name + "/@aliases.json";
    }

    /** True for document keys of aliases. */
    public static boolean isKey(String key) {
        return key.startsWith("models/") && key.endsWith("/@aliases.json");
    }

    /** The model name a key belongs to. */
    public static String nameOf(String key) {
        return key.substring("models/".length(), key.length() - "/@aliases.json".length());
    }
}
