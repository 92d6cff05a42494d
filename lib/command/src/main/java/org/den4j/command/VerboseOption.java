package org.den4j.command;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code -v}/{@code --verbose} option as a mixin ({@code @Mixin VerboseOption verbose;}): errors print their
 * stack trace. {@link Commands} reads it from the parse result, so a command need not look at it.
 *
 * <p>It is inherited by subcommands: declare it once, on the root command.
 */
public final class VerboseOption {
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    /** True with {@code -v} or {@code --verbose}. */
    public boolean isVerbose() {
        return verbose;
    }
}
