package org.den4j.bench.cli;

import java.nio.file.Path;
import org.den4j.bench.AgentBenchmark;
import org.den4j.bench.BenchReport;
import org.den4j.cli.launch.AgentJar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code bench-agent} command; the script {@code scripts/bench_agent.java} runs it. */
@Command(name = "bench-agent", version = "bench-agent 0.1.0",
        description = {"Measures the JVM start-up time the den4j agent adds to a program that loads nothing "
                + "(medians of launches with and without -javaagent, alternating), and prints the table with the "
                + "issue's target.", "The table goes to stdout."},
        exitCodeList = {"0:the benchmark ran (targets missed too, unless --fail-on-miss)",
                "1:it failed, or --fail-on-miss and a target was missed", "2:invalid options, or no agent jar"})
public final class BenchAgentCommand extends BenchCommand {
    @Option(names = "--agent", paramLabel = "JAR", description = "The agent jar (default: DEN4J_AGENT_JAR, else "
            + "~/.m2/repository/org/den4j/den4j-agent/0.1.0/den4j-agent-0.1.0.jar).")
    Path agent;

    @Option(names = "--agent-options", paramLabel = "OPTIONS", defaultValue = "prefix=den:",
            description = "The agent's argument string (default: ${DEFAULT-VALUE}).")
    String agentOptions;

    @Option(names = {"-n", "--launches"}, paramLabel = "N", defaultValue = "10",
            description = "Launches with and without the agent, each (default: ${DEFAULT-VALUE}).")
    int launches;

    @Override
    BenchReport measure() {
        Path jar = agent != null ? agent : AgentJar.find(System.getenv());
        return AgentBenchmark.builder(jar).agentOptions(agentOptions).launches(launches).build().run();
    }
}
