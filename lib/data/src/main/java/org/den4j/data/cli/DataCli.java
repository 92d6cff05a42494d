package org.den4j.data.cli;

import java.io.PrintWriter;
import org.den4j.data.DataException;
import org.den4j.data.MimicInputException;
import org.den4j.data.TrainingConfigException;
import picocli.CommandLine;

/**
 * Exit codes and error printing shared by the data commands: 0 success, 1 failure, 2 bad input (a missing
 * or wrong file, a bad configuration value, a bad option). An error is one line on stderr, prefixed by the
 * command's name; {@code --verbose} adds the stack trace.
 */
public final class DataCli {
    private DataCli() {
    }

    /** The exit code for an exception. */
    public static int exitCode(Throwable e) {
        return e instanceof MimicInputException || e instanceof TrainingConfigException
                || e instanceof IllegalArgumentException || e instanceof CommandLine.ParameterException ? 2 : 1;
    }

    /** A command line for {@code command} with the exit codes and error printing installed. */
    public static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setExitCodeExceptionMapper(DataCli::exitCode);
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            PrintWriter err = commandLine.getErr();
            String name = commandLine.getCommandSpec().name();
            err.println(name + ": " + (e instanceof DataException || e instanceof IllegalArgumentException
                    ? e.getMessage() : e.toString()));
            if (parsed.hasMatchedOption("--verbose")) {
                e.printStackTrace(err);
            } else if (!(e instanceof DataException) && !(e instanceof IllegalArgumentException)) {
                err.println("(an unexpected error; run again with --verbose for the stack trace)");
            }
            err.flush();
            return exitCode(e);
        });
        return cl;
    }
}
