package org.den4j.cli.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.den4j.den.DenConfigException;

/**
 * Where the den4j agent jar ({@code org.den4j:den4j-agent}) is: {@code DEN4J_AGENT_JAR}, else the local
 * Maven repository, where {@code ./jbang} and {@code mvn install} put it.
 */
public final class AgentJar {
    /** The variable that names the agent jar. */
    public static final String VARIABLE = "DEN4J_AGENT_JAR";
    /** The agent's coordinates in the local Maven repository, relative to its root. */
    public static final String REPOSITORY_PATH = "org/den4j/den4j-agent/0.1.0/den4j-agent-0.1.0.jar";

    private AgentJar() {
    }

    /**
     * The agent jar that {@code env} names with {@code DEN4J_AGENT_JAR}, else the one in the local Maven
     * repository ({@code DEN4J_M2_REPO}, else {@code ~/.m2/repository}).
     *
     * @throws DenConfigException when that file does not exist, naming where it looked and the fix
     */
    public static Path find(Map<String, String> env) {
        String named = env.get(VARIABLE);
        if (named != null && !named.isBlank()) {
            Path jar = Path.of(named).toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new DenConfigException(VARIABLE, VARIABLE + "=" + named + " is not a file; point it at "
                        + "den4j-agent-0.1.0.jar (lib/agent/target/ after mvn -pl lib/agent -am package), "
                        + "or unset it to use the one in the local Maven repository");
            }
            return jar;
        }
        String m2 = env.get("DEN4J_M2_REPO");
        Path repository = m2 != null && !m2.isBlank() ? Path.of(m2)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path jar = repository.resolve(REPOSITORY_PATH).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new DenConfigException(VARIABLE, "The den4j agent jar is not at " + jar + ": install it with "
                    + "`mvn -DskipTests install` at the den4j repo root (./jbang does this when lib/ changed), "
                    + "or set " + VARIABLE + " to the path of den4j-agent-0.1.0.jar");
        }
        return jar;
    }
}
