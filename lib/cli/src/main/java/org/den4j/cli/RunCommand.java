package org.den4j.cli;

import java.nio.file.Path;
import java.util.List;
import org.den4j.cli.launch.AgentJar;
import org.den4j.cli.launch.InjectedLaunch;
import org.den4j.den.Den;
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
        "  den --den /data/den run --with-injection -- jshell"},
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

    @Parameters(paramLabel = "PROGRAM", arity = "1..*", description = "After --: -jar APP.jar [ARGS], "
            + "-cp CLASSPATH MAIN [ARGS], a JBang script or alias [ARGS], or jshell [ARGS].")
    List<String> target;

    @Override
    boolean needsDen() {
        return false;
    }

    @Override
    int run(Den none) throws InterruptedException {
        InjectedLaunch.Builder builder = InjectedLaunch.builder(target)
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
}
