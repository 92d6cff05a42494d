package org.den4j.agent;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * What the agent redirects and how: the options of {@code -javaagent:den4j-agent.jar=OPTIONS}.
 *
 * <p>Each option comes from the agent argument string ({@code prefix=den:,mapper=/etc/map.properties}),
 * else the system property {@code den4j.agent.NAME}, else the environment variable
 * {@code DEN4J_AGENT_NAME}, else its default.
 *
 * @param prefix what marks a name as a den reference ({@value #DEFAULT_PREFIX} by default); empty
 *     means that every intercepted load is a den reference
 * @param mapper a {@code .properties} or {@code .json} file mapping names to den references, or the
 *     name of a class implementing {@code java.util.function.Function<String,String>}; null for none
 * @param backend a named backend of {@code DEN4J_BACKENDS_JSON}, or null for the den the
 *     {@code DEN4J_*} environment describes
 * @param save the prefix under which a program's model saves become den pushes: DJL
 *     {@code model.save(Path.of("den-save:acme/tuned"), name)} writes to a temporary folder that is pushed
 *     as a new version of {@code acme/tuned}; null for none
 */
public record AgentOptions(String prefix, String mapper, String backend, String save) {
    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "den:";
    private static final java.util.List<String> NAMES = java.util.List.of("prefix", "mapper", "backend", "save");

    public AgentOptions {
        prefix = prefix == null ? DEFAULT_PREFIX : prefix.trim();
        mapper = blankToNull(mapper);
        backend = blankToNull(backend);
        save = blankToNull(save);
    }

    /** The defaults: prefix {@value #DEFAULT_PREFIX}, no mapper, the environment's den. */
    public static AgentOptions defaults() {
        return new AgentOptions(null, null, null, null);
    }

    /** Options from an agent argument string over this JVM's system properties and environment. */
    public static AgentOptions fromAgentArguments(String arguments) {
        return parse(arguments, System.getProperties(), System.getenv());
    }

    /**
     * Options from an agent argument string ({@code name=value} pairs separated by commas), then
     * {@code den4j.agent.NAME} properties, then {@code DEN4J_AGENT_NAME} variables.
     *
     * @throws IllegalArgumentException naming the option when a pair has no {@code =} or the name is
     *     not one of prefix, mapper, backend, save
     */
    public static AgentOptions parse(String arguments, Properties properties, Map<String, String> env) {
        Map<String, String> given = parseArguments(arguments);
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : NAMES) {
            if (given.containsKey(name)) {
                values.put(name, given.get(name));
                continue;
            }
            String property = properties.getProperty("den4j.agent." + name);
            if (property != null) {
                values.put(name, property);
                continue;
            }
            String variable = env.get("DEN4J_AGENT_" + name.toUpperCase(Locale.ROOT));
            if (variable != null) {
                values.put(name, variable);
            }
        }
        return new AgentOptions(values.get("prefix"), values.get("mapper"), values.get("backend"),
                values.get("save"));
    }

    /** This as an agent argument string that {@link #parse} reads back. */
    public String toArguments() {
        StringBuilder s = new StringBuilder("prefix=").append(prefix);
        if (mapper != null) {
            s.append(",mapper=").append(mapper);
        }
        if (backend != null) {
            s.append(",backend=").append(backend);
        }
        if (save != null) {
            s.append(",save=").append(save);
        }
        return s.toString();
    }

    private static Map<String, String> parseArguments(String arguments) {
        Map<String, String> given = new LinkedHashMap<>();
        if (arguments == null || arguments.isBlank()) {
            return given;
        }
        for (String pair : arguments.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("den4j agent option '" + pair.trim() + "' has no value; write "
                        + "name=value pairs separated by commas, such as prefix=den:,mapper=/path/map.properties");
            }
            String name = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("den4j agent option '" + name + "' is unknown; use one of "
                        + String.join(", ", NAMES));
            }
            given.put(name, pair.substring(eq + 1));
        }
        return given;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
