package org.den4j.command;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code -v}/{@code --verbose} option as a mixin ({@code @Mixin VerboseOption verbose;}): errors print their
 * stack trace, and a command may log what it does on stderr ({@code hub} logs each HTTP request). {@link Commands} reads it from the parse result, so a command need not look at it.
 *
 * <p>It is inherited by subcommands: declare it once, on the root command.
 */
public final class VerboseOption {
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Print stack traces of errors; commands that talk to a server also log each request "
            + "on stderr (hub: method, URL, status, bytes, ms).")
    boolean verbose;

    /** True with {@code -v} or {@code --verbose}. */
    public boolean isVerbose() {
        return verbose;
    }
}
