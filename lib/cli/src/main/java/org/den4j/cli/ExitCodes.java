package org.den4j.cli;

import java.io.PrintWriter;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The exit codes of den4j scripts and how errors are printed.
 *
 * <p>0: success. 1: a failure (corrupted data, a refused delete, an I/O error, a bug). 2: bad input,
 * that is a {@link DenInputException} (unknown model, invalid name or value) or a usage error.
 * An error prints one line, its message, on the error stream; {@code -v}/{@code --verbose} adds the
 * stack trace. Exit codes belong here, never in the library.
 */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = CommandLine.ExitCode.OK;
    /** The command failed for a reason other than its input. */
    public static final int FAILURE = CommandLine.ExitCode.SOFTWARE;
    /** The input was wrong: fix the arguments, names or environment and run again. */
    public static final int BAD_INPUT = CommandLine.ExitCode.USAGE;

    private ExitCodes() {
    }

    /**
     * Installs the exit-code mapper and the error printers on {@code cl}, and returns it.
     *
     * <p>Only options named {@code --verbose} (on any command of the line) turn on stack traces.
     */
    public static CommandLine install(CommandLine cl) {
        cl.setExitCodeExceptionMapper(ExitCodes::of);
        cl.setExecutionExceptionHandler(ExitCodes::handleExecution);
        cl.setParameterExceptionHandler(ExitCodes::handleParameters);
        return cl;
    }

    /** The exit code for an exception: {@link #BAD_INPUT} for bad input, else {@link #FAILURE}. */
    public static int of(Throwable error) {
        if (error instanceof DenInputException || error instanceof CommandLine.ParameterException) {
            return BAD_INPUT;
        }
        return FAILURE;
    }

    private static int handleExecution(Exception error, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String message = error instanceof DenException && error.getMessage() != null ? error.getMessage()
                : error.toString();
        err.println(cl.getCommandSpec().root().name() + ": " + message);
        if (verbose(parsed)) {
            error.printStackTrace(err);
        } else if (!(error instanceof DenException)) {
            err.println("(an unexpected error; run again with --verbose for the stack trace)");
        }
        err.flush();
        return of(error);
    }

    private static int handleParameters(CommandLine.ParameterException error, String[] args) {
        CommandLine cl = error.getCommandLine();
        PrintWriter err = cl.getErr();
        String message = String.valueOf(error.getMessage());
        // picocli starts some messages with "Error: "; the command name already says it.
        err.println(cl.getCommandSpec().root().name() + ": " + (message.startsWith("Error: ")
                ? message.substring("Error: ".length()) : message));
        CommandLine.UnmatchedArgumentException.printSuggestions(error, err);
        err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        if (verbose(cl.getParseResult())) {
            error.printStackTrace(err);
        }
        err.flush();
        return BAD_INPUT;
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
