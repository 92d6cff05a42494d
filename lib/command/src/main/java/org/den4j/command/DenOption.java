package org.den4j.command;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.den4j.den.DenConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code --den PATH} option as a mixin ({@code @Mixin DenOption den;}): the den directory, over
 * {@code DEN4J_PATH}. Subcommands inherit it, so it may come before or after a subcommand's name.
 */
public final class DenOption {
    @Option(names = "--den", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The den directory (overrides DEN4J_PATH).")
    Path path;

    /** The directory given with {@code --den}, or null. */
    public Path path() {
        return path;
    }

    /**
     * The den configuration of {@code env} ({@code DEN4J_*} variables) with {@code --den} over
     * {@code DEN4J_PATH}; when {@code --den} is given, a bad {@code DEN4J_PATH} is not read at all.
     *
     * @throws org.den4j.den.DenConfigException naming the variable with a bad value
     */
    public DenConfig config(Map<String, String> env) {
        if (path == null) {
            return DenConfig.fromEnvironment(env);
        }
        Map<String, String> effective = new HashMap<>(env);
        effective.remove("DEN4J_PATH");
        return DenConfig.fromEnvironment(effective).withPath(path);
    }
}
