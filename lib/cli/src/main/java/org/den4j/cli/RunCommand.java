package org.den4j.cli;

import java.nio.file.Path;
import java.util.List;
import org.den4j.cli.launch.AgentJar;
import org.den4j.cli.launch.InjectedLaunch;
import org.den4j.cli.launch.JShellCode;
import org.den4j.den.Den;
import org.den4j.den.DenInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = {"Runs a Java program, JBang script or alias, or JShell, with the den4j agent "
        + "when --with-injection is given: its model loads of prefixed names then come from the den.",
        "The program inherits stdin, stdout and stderr, and its exit code is this command's.",
        "Examples:",
        "  den run --with-injection --prefix den: -- -jar app.jar --input notes.txt",
        "  den run --with-injection -- -cp app.jar:lib/* com.acme.Main",
        "  den run --with-injection --prefix den: -- scripts/classify.java notes.txt",
        "  den --den /data/den run --with-injection -- jshell",
        "  den run --with-injection -- jshell -q setup.jsh    (then snippets on stdin)",
        "  den run --with-injection --class-path 'lib/*' -c 'System.out.println(",
        "      ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(",
        "      \"den:acme/tok\").tokenize(\"chest pain\"));'",
        "--code runs a code string in JShell, in the JVM that has the agent. Exit",
        "code: 0 when it ran, 1 when it threw (the exception on stderr), 2 when it",
        "does not compile; System.exit(n) in the code gives n."},
        footerHeading = "%nEnvironment:%n",
        footer = {"  DEN4J_AGENT_JAR  the agent jar (default: ~/.m2/repository/" + AgentJar.REPOSITORY_PATH + ")",
                "  DEN4J_JBANG      JBang for scripts and aliases (default: the den4j ./jbang above the",
                "                   working directory, else jbang on PATH)",
                "  --den and --type reach the program as DEN4J_PATH and DEN4J_TYPE."})
final class RunCommand extends Subcommand {
    @Option(names = "--with-injection", description = "Start the program with the den4j agent.")
    boolean withInjection;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "Only names starting with PREFIX go to the den "
            + "(the agent's default: den:); --prefix '' sends every intercepted load there.")
    String prefix;

    @Option(names = "--mapper", paramLabel = "FILE", description = "A properties or JSON file mapping names to den "
            + "references.")
    Path mapper;

    @Option(names = "--save", paramLabel = "PREFIX", description = "Model saves under PREFIX (e.g. den-save:) "
            + "become den pushes.")
    String save;

    @Option(names = {"-c", "--code"}, paramLabel = "CODE", description = "Java statements, declarations and imports "
            + "to run in JShell instead of a program (JShell's default imports are in scope).")
    String code;

    @Option(names = "--class-path", paramLabel = "CP", description = "With --code: jars and folders the code uses "
            + "(separated as for java -cp; a folder/* entry is every jar in it).")
    String classPath;

    @Parameters(paramLabel = "PROGRAM", arity = "0..*", description = "After --: -jar APP.jar [ARGS], "
            + "-cp CLASSPATH MAIN [ARGS], a JBang script or alias [ARGS], or jshell [ARGS]; not with --code.")
    List<String> target = List.of();

    @Override
    boolean needsDen() {
        return false;
    }

    @Override
    int run(Den none) throws InterruptedException {
        if (code != null && !target.isEmpty()) {
            throw new DenInputException("Give either --code or a program after --, not both");
        }
        if (code == null && target.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'PROGRAM' "
                    + "(give a program after --, or --code 'JAVA STATEMENTS')");
        }
        if (classPath != null && code == null) {
            throw new DenInputException("--class-path is for --code; give a program's class path after --, "
                    + "as -cp CLASSPATH MAIN");
        }
        List<String> program = code != null ? JShellCode.target(code, expand(classPath)) : target;
        InjectedLaunch.Builder builder = InjectedLaunch.builder(program)
                .jbang(InjectedLaunch.findJbang(Path.of(""), parent.env()))
                .prefix(prefix).mapper(mapper).backend(parent.backend).save(save);
        if (withInjection) {
            builder.agent(AgentJar.find(parent.env()));
        }
        // Checks --type and DEN4J_* before starting anything.
        parent.config();
        if (parent.den.path() != null) {
            builder.env("DEN4J_PATH", parent.den.path().toAbsolutePath().toString());
        }
        if (parent.denType != null) {
            builder.env("DEN4J_TYPE", parent.denType);
        }
        InjectedLaunch launch = builder.build();
        if (parent.verbose.isVerbose()) {
            err().println("den run: " + launch);
            err().flush();
        }
        out().flush();
        return launch.run();
    }

    /** The class path with each {@code folder/*} entry replaced by the jars in it, as {@code java -cp} reads it. */
    static String expand(String classPath) {
        if (classPath == null) {
            return null;
        }
        List<String> entries = new java.util.ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (entry.endsWith("/*") || entry.equals("*")) {
                Path folder = Path.of(entry.substring(0, entry.length() - 1).isEmpty() ? "."
                        : entry.substring(0, entry.length() - 1));
                try (var jars = java.nio.file.Files.list(folder)) {
                    jars.map(Path::toString).filter(n -> n.endsWith(".jar") || n.endsWith(".JAR")).sorted()
                            .forEach(entries::add);
                } catch (java.io.IOException e) {
                    throw new DenInputException("--class-path entry " + entry + ": cannot list " + folder.toAbsolutePath()
                            + " (" + e.getMessage() + "); give an existing folder", e);
                }
            } else if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
