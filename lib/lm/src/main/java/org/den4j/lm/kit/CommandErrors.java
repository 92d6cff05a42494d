package org.den4j.lm.kit;

import java.io.PrintWriter;
import org.den4j.den.DenException;
import org.den4j.lm.LmException;
import picocli.CommandLine;

/**
 * Exit codes and error printing of the kit's commands: 0 success, 1 failure, 2 bad input (an
 * {@link LmException} or {@link DenException} about the arguments, files or models named, or a
 * usage error). An error is one line on the error stream; {@code --verbose} adds the stack trace.
 */
final class CommandErrors {
    private CommandErrors() {
    }

    static CommandLine install(CommandLine cl) {
        cl.setExecutionExceptionHandler((error, line, parsed) -> {
            PrintWriter err = line.getErr();
            boolean ours = error instanceof LmException || error instanceof DenException;
            err.println(line.getCommandSpec().root().name() + ": " + (ours ? error.getMessage() : error.toString()));
            if (parsed.hasMatchedOption("--verbose")) {
                error.printStackTrace(err);
            } else if (!ours) {
                err.println("(an unexpected error; run again with --verbose for the stack trace)");
            }
            err.flush();
            return ours ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
        });
        return cl;
    }
}
