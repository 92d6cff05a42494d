package org.den4j.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry: {@code java -javaagent:den4j-agent.jar[=prefix=den:,mapper=FILE] ...}.
 *
 * <p>Bad options stop the JVM at start-up with a message that names the option, rather than leaving a
 * program to load from the wrong place.
 */
public final class AgentMain {
    private AgentMain() {
    }

    /** Runs before the program's {@code main}. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation);
    }

    /** Runs when the agent is attached to a running JVM. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation);
    }

    private static void start(String arguments, Instrumentation instrumentation) {
        try {
            DenInjection.start(AgentOptions.fromAgentArguments(arguments), instrumentation);
        } catch (IllegalArgumentException e) {
            System.err.println("den4j agent: " + e.getMessage());
            throw e;
        }
    }
}
