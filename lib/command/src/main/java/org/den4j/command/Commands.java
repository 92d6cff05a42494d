package org.den4j.command;

import java.io.PrintWriter;
import org.den4j.den.BadInput;
import picocli.CommandLine;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Builds den4j's command lines with one error policy.
 *
 * <pre>{@code
 * public static void main(String... args) {
 *     System.exit(Commands.line(new MyCommand()).execute(args));
 * }
 * }</pre>
 *
 * <p>Exit codes, read from the exception's type: {@value #OK} success; {@value #BAD_INPUT} bad input, that
 * is a usage error, an exception marked {@link BadInput} or an {@link IllegalArgumentException}; {@value
 * #FAILURE} any other failure. A command with codes of its own (3 and up) passes a mapper that handles its
 * types and falls back to {@link #exitCode(Throwable)}.
 *
 * <p>An error prints one line on the error stream, {@code name: message}, where {@code name} is the root
 * command's name. A usage error adds picocli's suggestions and a pointer to {@code --help}. An exception that is
 * not den4j's own (a bug, or a library failing) prints as {@code name: Type: message} with a hint to run again
 * with {@code --verbose}; {@code -v}/{@code --verbose} (see {@link VerboseOption}) adds the stack trace.
 * Exit codes belong to commands only: libraries throw typed exceptions and never exit.
 */
public final class Commands {
    /** The command did what was asked. */
    public static final int OK = CommandLine.ExitCode.OK;
    /** The command failed for a reason other than its input. */
    public static final int FAILURE = CommandLine.ExitCode.SOFTWARE;
    /** The input was wrong: fix the arguments, names, files or environment and run again. */
    public static final int BAD_INPUT = CommandLine.ExitCode.USAGE;

    private static final String VERBOSE = "--verbose";

    private Commands() {
    }

    /** A command line for {@code command} (a {@code @Command} object) with the error policy installed. */
    public static CommandLine line(Object command) {
        return install(new CommandLine(command), Commands::exitCode);
    }

    /**
     * A command line for {@code command} whose exit codes come from {@code exitCodes}; it should return
     * {@link #exitCode(Throwable)} for the exceptions it has no code of its own for.
     */
    public static CommandLine line(Object command, IExitCodeExceptionMapper exitCodes) {
        return install(new CommandLine(command), exitCodes);
    }

    /** Installs the error policy on an existing command line, with {@code exitCodes}, and returns it. */
    public static CommandLine install(CommandLine cl, IExitCodeExceptionMapper exitCodes) {
        cl.setExitCodeExceptionMapper(exitCodes);
        cl.setExecutionExceptionHandler(Commands::handleExecution);
        cl.setParameterExceptionHandler(Commands::handleParameters);
        return cl;
    }

    /** The exit code for an exception: {@link #BAD_INPUT} for bad input, else {@link #FAILURE}. */
    public static int exitCode(Throwable error) {
        return isBadInput(error) ? BAD_INPUT : FAILURE;
    }

    /** True for a usage error, an exception marked {@link BadInput} and an {@link IllegalArgumentException}. */
    public static boolean isBadInput(Throwable error) {
        return error instanceof BadInput || error instanceof ParameterException
                || error instanceof IllegalArgumentException;
    }

    private static int handleExecution(Exception error, CommandLine cl, ParseResult parsed) {
        if (error instanceof ParameterException) {
            return handleParameters((ParameterException) error, null);
        }
        PrintWriter err = cl.getErr();
        boolean expected = isExpected(error);
        err.println(name(cl) + ": " + (expected ? error.getMessage() : error.toString()));
        if (isVerbose(parsed)) {
            error.printStackTrace(err);
        } else if (!expected) {
            err.println("(an unexpected error; run again with " + VERBOSE + " for the stack trace)");
        }
        err.flush();
        return cl.getExitCodeExceptionMapper().getExitCode(error);
    }

    private static int handleParameters(ParameterException error, String[] args) {
        CommandLine cl = error.getCommandLine();
        PrintWriter err = cl.getErr();
        String message = String.valueOf(error.getMessage());
        // picocli starts some messages with "Error: "; the command's name already says it.
        err.println(name(cl) + ": " + (message.startsWith("Error: ") ? message.substring("Error: ".length())
                : message));
        CommandLine.UnmatchedArgumentException.printSuggestions(error, err);
        err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        if (isVerbose(cl.getParseResult())) {
            error.printStackTrace(err);
        }
        err.flush();
        IExitCodeExceptionMapper mapper = cl.getCommandSpec().root().commandLine().getExitCodeExceptionMapper();
        return mapper != null ? mapper.getExitCode(error) : BAD_INPUT;
    }

    /**
     * True when the exception's message was written for users: den4j's own exceptions, bad input, and
     * {@link IllegalArgumentException}s from option checks. Anything else is unexpected.
     */
    private static boolean isExpected(Throwable error) {
        return error.getMessage() != null && (isBadInput(error)
                || error.getClass().getName().startsWith("org.den4j."));
    }

    private static String name(CommandLine cl) {
        return cl.getCommandSpec().root().name();
    }

    private static boolean isVerbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }
}
