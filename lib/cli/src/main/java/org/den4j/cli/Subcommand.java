package org.den4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.den4j.den.Den;
import org.den4j.den.ProgressListener;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A {@code den} subcommand: opens the den the global options name, runs, and closes it. */
abstract class Subcommand implements Callable<Integer> {
    @ParentCommand
    DenCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        if (!needsDen()) {
            return run(null);
        }
        try (Den den = createsDen() ? parent.open() : parent.openExisting()) {
            return run(den);
        }
    }

    /** True for commands that may create the den (push, import); the others need an existing one. */
    boolean createsDen() {
        return false;
    }

    /** False for work that touches no den, such as fetching {@code hf:} references; {@link #run} then gets null. */
    boolean needsDen() {
        return true;
    }

    /** Does the work and returns the exit code. */
    abstract int run(Den den) throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    ProgressListener progress() {
        return DenCommand.progress(spec.commandLine());
    }

    static int ok() {
        return CommandLine.ExitCode.OK;
    }
}
