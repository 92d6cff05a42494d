package org.den4j.den.duckdb;

import java.nio.file.Path;
import org.den4j.den.RegistryIndex;

/** Registers the DuckDB index under the name {@code duckdb} for {@code DEN4J_REGISTRY_INDEX}. */
public final class DuckDbRegistryIndexProvider implements RegistryIndex.Provider {
    /** The name that selects this index. */
    public static final String NAME = "duckdb";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RegistryIndex open(Path indexDirectory) {
        return new DuckDbRegistryIndex(indexDirectory);
    }
}
