package org.den4j.bench;

import java.io.PrintWriter;
import picocli.CommandLine;

/** What the {@code bench-*} scripts share: exit codes, one-line errors, and printing a report. */
public final class BenchCli {
    private BenchCli() {
    }

    /**
     * Runs a benchmark script's picocli command: exit 2 for bad options or values
     * ({@link IllegalArgumentException}), 1 for other failures, each as one line on stderr prefixed by
     * {@code name}.
     */
    public static int execute(Object command, String name, String... args) {
        CommandLine cmd = new CommandLine(command);
        cmd.setExitCodeExceptionMapper(e -> e instanceof IllegalArgumentException ? 2 : 1);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(name + ": " + e.getMessage());
            return commandLine.getExitCodeExceptionMapper().getExitCode(e);
        });
        return cmd.execute(args);
    }

    /** Prints the report's table and returns the exit code: 1 when {@code failOnMiss} and a target was missed. */
    public static int print(BenchReport report, PrintWriter out, boolean failOnMiss) {
        out.print(report.toTable());
        out.flush();
        return failOnMiss && !report.misses().isEmpty() ? 1 : 0;
    }
}
