///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.den4j:den4j-bench:0.1.0
//DEPS org.den4j:den4j-cli:0.1.0
//DEPS info.picocli:picocli:4.7.6
//DEPS ai.djl.huggingface:tokenizers:0.35.1
//DEPS org.slf4j:slf4j-nop:2.0.12

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.den4j.bench.AgentBenchmark;
import org.den4j.bench.BenchCli;
import org.den4j.cli.launch.AgentJar;
import org.den4j.bench.BenchReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-agent", mixinStandardHelpOptions = true, version = "bench-agent 0.1.0",
        description = {"Measures the JVM start-up time the den4j agent adds to a program that loads nothing "
                + "(medians of launches with and without -javaagent, alternating), and prints the table with the "
                + "issue's target.", "The table goes to stdout."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options, or no agent jar"})
class bench_agent implements Callable<Integer> {
    @Option(names = "--agent", paramLabel = "JAR", description = "The agent jar (default: DEN4J_AGENT_JAR, else "
            + "~/.m2/repository/org/den4j/den4j-agent/0.1.0/den4j-agent-0.1.0.jar).")
    Path agent;

    @Option(names = "--agent-options", paramLabel = "OPTIONS", defaultValue = "prefix=den:",
            description = "The agent's argument string (default: ${DEFAULT-VALUE}).")
    String agentOptions;

    @Option(names = {"-n", "--launches"}, paramLabel = "N", defaultValue = "10",
            description = "Launches with and without the agent, each (default: ${DEFAULT-VALUE}).")
    int launches;

    @Option(names = "--fail-on-miss", description = "Exit with 1 when a target is missed.")
    boolean failOnMiss;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path jar = agent != null ? agent : AgentJar.find(System.getenv());
        BenchReport report = AgentBenchmark.builder(jar).agentOptions(agentOptions).launches(launches).build().run();
        return BenchCli.print(report, spec.commandLine().getOut(), failOnMiss);
    }

    public static void main(String... args) {
        System.exit(BenchCli.execute(new bench_agent(), "bench-agent", args));
    }
}
