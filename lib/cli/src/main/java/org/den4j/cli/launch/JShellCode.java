package org.den4j.cli.launch;

import java.io.File;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * A code string run by JShell, snippet by snippet, in the JVM of this class: the form behind
 * {@code den run --with-injection --code 'JAVA STATEMENTS'} (Python's {@code -c}).
 *
 * <p>{@link #target} gives the {@link InjectedLaunch} target that starts a JVM with this class as its
 * main class, so the agent, the environment ({@code DEN4J_PATH}, ...) and the standard streams are the
 * child's, as for any other program. The snippets run in that JVM (JShell's {@code local} execution), so
 * the agent sees their model loads and {@code System.exit(n)} in the code ends the run with {@code n}.
 *
 * <p>The code is split into snippets as JShell's own tool splits typed input; the imports of JShell's
 * default startup ({@code java.util.*}, {@code java.nio.file.*}, ...) are in scope. Expression values are
 * not printed: the code prints what it wants. Exit codes: 0 when every snippet ran; 1 when one threw (its
 * exception and stack on stderr, the rest not run); 2 when one does not compile or the code ends in the
 * middle of a statement (the compiler's message on stderr, nothing run after it).
 */
public final class JShellCode {
    /** The imports of JShell's {@code DEFAULT} startup. */
    static final List<String> DEFAULT_IMPORTS = List.of("java.io.*", "java.math.*", "java.net.*",
            "java.nio.file.*", "java.util.*", "java.util.concurrent.*", "java.util.function.*", "java.util.prefs.*",
            "java.util.regex.*", "java.util.stream.*");

    private JShellCode() {
    }

    /**
     * The {@link InjectedLaunch} target that runs {@code code} in a new JVM: {@code -cp THIS_JAR
     * org.den4j.cli.launch.JShellCode [--class-path CP] -- CODE}.
     *
     * @param code Java statements, declarations and imports
     * @param classPath class path entries the code may use (separated by the platform's path separator), or null
     */
    public static List<String> target(String code, String classPath) {
        List<String> target = new ArrayList<>(List.of("-cp", ownClassPath(), JShellCode.class.getName()));
        if (classPath != null && !classPath.isBlank()) {
            target.addAll(List.of("--class-path", classPath));
        }
        target.addAll(List.of("--", code));
        return target;
    }

    /** Where this class was loaded from: the den4j-cli jar or its classes folder. */
    private static String ownClassPath() {
        try {
            return Path.of(JShellCode.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("den4j-cli's location is not a file: " + e.getMessage(), e);
        }
    }

    /** {@code [--class-path CP] -- CODE}: runs the code and exits with {@link #run}'s code. */
    public static void main(String[] args) {
        String classPath = null;
        int i = 0;
        if (args.length > 1 && args[0].equals("--class-path")) {
            classPath = args[1];
            i = 2;
        }
        if (args.length != i + 2 || !args[i].equals("--")) {
            System.err.println("usage: JShellCode [--class-path CP] -- CODE");
            System.exit(2);
        }
        System.exit(run(args[i + 1], classPath, System.err));
    }

    /**
     * Runs {@code code} snippet by snippet in this JVM and returns the exit code (0, 1 or 2, see the class
     * comment); the code's own output goes to {@code System.out} and {@code System.err}.
     *
     * @param classPath entries to add for the code, separated by the platform's path separator, or null
     * @param err where failures are reported
     */
    public static int run(String code, String classPath, PrintStream err) {
        try (JShell shell = JShell.builder().executionEngine("local").out(System.out).err(System.err)
                .in(System.in).build()) {
            if (classPath != null) {
                for (String entry : classPath.split(File.pathSeparator)) {
                    if (!entry.isBlank()) {
                        shell.addToClasspath(entry);
                    }
                }
            }
            for (String imports : DEFAULT_IMPORTS) {
                shell.eval("import " + imports + ";");
            }
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            String remaining = code;
            while (true) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
                switch (info.completeness()) {
                    case EMPTY -> {
                        return 0;
                    }
                    case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                        err.println("den run --code: the code ends in the middle of a statement: "
                                + firstLine(remaining) + "; close every bracket, string and statement");
                        err.flush();
                        return 2;
                    }
                    default -> {
                        int exit = eval(shell, info.source(), err);
                        if (exit != 0) {
                            return exit;
                        }
                        remaining = info.remaining();
                    }
                }
            }
        }
    }

    private static int eval(JShell shell, String source, PrintStream err) {
        for (SnippetEvent event : shell.eval(source)) {
            if (event.causeSnippet() != null) {
                continue; // an update of an earlier snippet, not this one
            }
            if (event.status() == Snippet.Status.REJECTED) {
                String messages = shell.diagnostics(event.snippet()).filter(Diag::isError)
                        .map(d -> d.getMessage(Locale.ROOT).replace('\n', ' ')).collect(Collectors.joining("; "));
                err.println("den run --code: " + firstLine(source) + " does not compile: " + messages);
                err.flush();
                return 2;
            }
            if (event.exception() instanceof UnresolvedReferenceException unresolved) {
                err.println("den run --code: " + firstLine(source) + " uses " + unresolved.getSnippet().source().trim()
                        + ", which does not compile");
                err.flush();
                return 2;
            }
            if (event.exception() instanceof EvalException thrown) {
                report(thrown, err);
                return 1;
            }
            if (event.exception() != null) {
                err.println("den run --code: " + firstLine(source) + " failed: " + event.exception());
                err.flush();
                return 1;
            }
        }
        return 0;
    }

    /** As JShell's tool prints it: the exception's own class, its message and the snippet frames. */
    private static void report(EvalException thrown, PrintStream err) {
        err.println("Exception " + thrown.getExceptionClassName()
                + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage()));
        for (StackTraceElement frame : thrown.getStackTrace()) {
            err.println("\tat " + frame);
        }
        Throwable cause = thrown.getCause();
        while (cause instanceof EvalException c) {
            err.println("Caused by: " + c.getExceptionClassName() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
            cause = c.getCause();
        }
        err.flush();
    }

    private static String firstLine(String source) {
        String line = source.strip().lines().findFirst().orElse("");
        return "'" + (line.length() > 80 ? line.substring(0, 77) + "..." : line) + "'";
    }
}
