package org.den4j.den;

import java.nio.file.Path;
import java.util.List;

/**
 * Answers registry queries over the den's records; the JSON documents stay the truth and an index
 * is rebuilt from them whenever they change.
 *
 * <p>The default index filters in memory. Others, such as the DuckDB index, register a
 * {@link Provider} in {@code META-INF/services/org.den4j.den.RegistryIndex$Provider} and are chosen
 * by name with {@code DEN4J_REGISTRY_INDEX}. The den closes the index it opened.
 */
public interface RegistryIndex extends AutoCloseable {

    /**
     * The live models matching {@code query}, by name then version. An index may ignore the query's
     * {@link RegistryQuery#metrics()} and {@link RegistryQuery#sortBy()}: the den applies them to the result.
     *
     * @param models every live model of the den, by name then version; the same list instance
     *     until the registry changes, so an index may cache what it built from it
     */
    List<ModelInfo> search(List<ModelInfo> models, RegistryQuery query);

    @Override
    default void close() {
    }

    /** The default index, which filters in memory ({@code DEN4J_REGISTRY_INDEX=memory}). */
    static RegistryIndex inMemory() {
        return new org.den4j.den.internal.MemoryRegistryIndex();
    }

    /** Makes a named index. */
    interface Provider {
        /** The name users select it by, for example {@code duckdb}. */
        String name();

        /**
         * Opens the index for a den.
         *
         * @param indexDirectory a directory for the index's files, or null to keep everything in memory
         */
        RegistryIndex open(Path indexDirectory);
    }
}
