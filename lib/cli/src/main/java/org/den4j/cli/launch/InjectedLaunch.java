package org.den4j.cli.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.den4j.den.DenConfigException;
import org.den4j.den.DenException;
import org.den4j.den.DenInputException;

/**
 * A program started as a child process, with the den4j agent when {@link Builder#agent(Path)} names it:
 * the Java counterpart of running a module, a script, a code string or a shell with injection.
 *
 * <pre>{@code
 * InjectedLaunch launch = InjectedLaunch.builder(List.of("-jar", "app.jar", "--input", "notes.txt"))
 *         .agent(AgentJar.find(System.getenv()))
 *         .prefix("den:")
 *         .build();
 * int exit = launch.run(); // java -javaagent:.../den4j-agent-0.1.0.jar=prefix=den: -jar app.jar --input notes.txt
 * }</pre>
 *
 * <p>The target is one of:
 * <ul>
 *   <li>{@code -jar APP.jar [ARGS]}: {@code java -javaagent:AGENT=OPTS -jar APP.jar ARGS};
 *   <li>{@code -cp CLASSPATH MAIN [ARGS]} (also {@code -classpath}, {@code --class-path}):
 *       {@code java -javaagent:AGENT=OPTS -cp CLASSPATH MAIN ARGS};
 *   <li>{@code jshell [ARGS]}: {@code jshell -R-javaagent:AGENT=OPTS ARGS}. The agent goes to the JVM that
 *       runs the snippets ({@code -R}); {@code -J} would only reach JShell's own tool JVM;
 *   <li>anything else, a JBang script, jar, URL or alias: {@code JBANG run --javaagent=AGENT=OPTS TARGET ARGS}.
 * </ul>
 *
 * <p>{@code java} and {@code jshell} come from {@link Builder#javaHome(Path)} (default: the running JDK).
 * The child inherits the standard streams, the working directory and the environment, plus
 * {@link Builder#env(String, String)}. It does not forward signals: Ctrl-C reaches the child through the
 * terminal's process group, and a runner that is shut down kills the child.
 */
public final class InjectedLaunch {
    /** What the target names, which decides how the agent is passed. */
    public enum Kind {
        /** {@code -jar APP.jar}. */
        JAR,
        /** {@code -cp CLASSPATH MAIN}. */
        CLASSPATH,
        /** {@code jshell}. */
        JSHELL,
        /** A JBang script, jar, URL or alias. */
        JBANG
    }

    private final Kind kind;
    private final List<String> command;
    private final Map<String, String> environment;

    private InjectedLaunch(Kind kind, List<String> command, Map<String, String> environment) {
        this.kind = kind;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
    }

    /**
     * A builder for the program that {@code target} names: {@code -jar APP.jar ...}, {@code -cp CP MAIN ...},
     * {@code jshell ...} or a JBang script or alias followed by its arguments.
     */
    public static Builder builder(List<String> target) {
        return new Builder(target);
    }

    /**
     * The agent argument string for these options, for example {@code prefix=den:,mapper=/x/map.properties}.
     *
     * @param prefix the reference prefix; empty sends every intercepted load to the den; null leaves the
     *     agent's default ({@code den:})
     * @param mapper the mapper file, or null for none (made absolute)
     * @param backend the backend name, or null for none
     * @param save the prefix under which the program's model saves become den pushes, or null for none
     * @return the string, empty when all four are null
     * @throws DenInputException when a value holds a comma, which separates options
     */
    public static String agentArguments(String prefix, Path mapper, String backend, String save) {
        List<String> options = new ArrayList<>();
        add(options, "prefix", prefix);
        add(options, "mapper", mapper == null ? null : mapper.toAbsolutePath().normalize().toString());
        add(options, "backend", backend);
        add(options, "save", save);
        return String.join(",", options);
    }

    private static void add(List<String> options, String name, String value) {
        if (value == null) {
            return;
        }
        if (value.indexOf(',') >= 0) {
            throw new DenInputException("--" + name + " '" + value + "' cannot be passed to the agent: it holds a "
                    + "comma, which separates the agent's options");
        }
        options.add(name + "=" + value);
    }

    /**
     * The JBang command to use from {@code dir}: {@code DEN4J_JBANG} from {@code env}, else the den4j
     * {@code jbang} wrapper of the first folder from {@code dir} upwards that holds it next to a
     * {@code jbang-catalog.json}, else {@code jbang} on the {@code PATH}.
     */
    public static String findJbang(Path dir, Map<String, String> env) {
        String named = env.get("DEN4J_JBANG");
        if (named != null && !named.isBlank()) {
            return named;
        }
        for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            Path wrapper = d.resolve("jbang");
            if (Files.isExecutable(wrapper) && Files.isRegularFile(wrapper)
                    && Files.isRegularFile(d.resolve("jbang-catalog.json"))) {
                return wrapper.toString();
            }
        }
        return "jbang";
    }

    /** What the target names. */
    public Kind kind() {
        return kind;
    }

    /** The child's command line, starting with the program to run. */
    public List<String> command() {
        return command;
    }

    /** Variables set for the child on top of the inherited environment. */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * Starts the child with the standard streams inherited, waits for it, and returns its exit code.
     *
     * <p>If this JVM shuts down first (a signal), the child is killed with it.
     *
     * @throws DenException when the program cannot be started (not found, not executable)
     * @throws InterruptedException when this thread is interrupted while waiting; the child is killed
     */
    public int run() throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            String fix = switch (kind) {
                case JBANG -> "run from the den4j repo (its ./jbang), put jbang on the PATH, or set DEN4J_JBANG";
                case JSHELL -> "run with a JDK (not a JRE) that has bin/jshell, or set JAVA_HOME";
                default -> "run with a JDK, or set JAVA_HOME";
            };
            throw new DenException("Could not start " + command.get(0) + ": " + e.getMessage() + "; " + fix, e);
        }
        // Without this, a runner stopped by a signal would leave the child running on its own.
        Thread killChild = new Thread(process::destroy, "den-run-kill-child");
        Runtime.getRuntime().addShutdownHook(killChild);
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killChild);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    @Override
    public String toString() {
        return String.join(" ", command);
    }

    /** Options of a launch; only the target is required. */
    public static final class Builder {
        private final List<String> target;
        private Path agent;
        private String prefix;
        private Path mapper;
        private String backend;
        private String save;
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private String jbang = "jbang";
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder(List<String> target) {
            this.target = List.copyOf(Objects.requireNonNull(target, "target"));
        }

        /** Starts the child with this agent jar; null (the default) runs it plainly. */
        public Builder agent(Path jar) {
            this.agent = jar;
            return this;
        }

        /**
         * The agent's {@code prefix} option: only names that start with it go to the den; empty sends every
         * intercepted load there; null (the default) leaves the agent's default, {@code den:}.
         */
        public Builder prefix(String prefix) {
            this.prefix = prefix;
            return this;
        }

        /** The agent's {@code mapper} option: a file mapping names to den references. */
        public Builder mapper(Path mapper) {
            this.mapper = mapper;
            return this;
        }

        /** The agent's {@code backend} option: a named backend from {@code DEN4J_BACKENDS_JSON}. */
        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        /** The agent's {@code save} option: model saves under this prefix become den pushes. */
        public Builder save(String save) {
            this.save = save;
            return this;
        }

        /** The JDK whose {@code bin/java} and {@code bin/jshell} run the target (default: the running one). */
        public Builder javaHome(Path javaHome) {
            this.javaHome = Objects.requireNonNull(javaHome, "javaHome");
            return this;
        }

        /** The JBang command for scripts and aliases (default: {@code jbang}); see {@link #findJbang}. */
        public Builder jbang(String jbang) {
            this.jbang = Objects.requireNonNull(jbang, "jbang");
            return this;
        }

        /** Sets {@code name} to {@code value} in the child's environment. */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * The launch.
         *
         * @throws DenInputException when the target is missing or malformed, an agent option holds a comma,
         *     or the mapper file does not exist
         */
        public InjectedLaunch build() {
            if (target.isEmpty()) {
                throw new DenInputException("No program to run: give one after --, as -jar APP.jar, "
                        + "-cp CLASSPATH MAIN, a JBang script or alias, or jshell");
            }
            if (agent == null && (prefix != null || mapper != null || backend != null || save != null)) {
                throw new DenInputException("--prefix, --mapper, --backend and --save are options of the agent; "
                        + "add --with-injection to start the program with it");
            }
            if (mapper != null && !Files.isRegularFile(mapper)) {
                throw new DenConfigException("--mapper", "Mapper file " + mapper.toAbsolutePath()
                        + " does not exist; give a properties or JSON file that maps names to den references");
            }
            String options = agent == null ? null : agentArguments(prefix, mapper, backend, save);
            String agentSpec = agent == null ? null
                    : agent.toAbsolutePath() + (options.isEmpty() ? "" : "=" + options);
            String first = target.get(0);
            List<String> rest = target.subList(1, target.size());
            List<String> command = new ArrayList<>();
            Kind kind;
            switch (first) {
                case "-jar" -> {
                    kind = Kind.JAR;
                    require(rest.size() >= 1, "-jar needs the jar to run: -jar APP.jar [ARGS]");
                    command.add(javaHome.resolve("bin/java").toString());
                    addIf(command, agentSpec, "-javaagent:");
                    command.add("-jar");
                    command.addAll(rest);
                }
                case "-cp", "-classpath", "--class-path" -> {
                    kind = Kind.CLASSPATH;
                    require(rest.size() >= 2, first + " needs a class path and a main class: " + first
                            + " CLASSPATH MAIN [ARGS]");
                    command.add(javaHome.resolve("bin/java").toString());
                    addIf(command, agentSpec, "-javaagent:");
                    command.add(first);
                    command.addAll(rest);
                }
                case "jshell" -> {
                    kind = Kind.JSHELL;
                    command.add(javaHome.resolve("bin/jshell").toString());
                    addIf(command, agentSpec, "-R-javaagent:");
                    command.addAll(rest);
                }
                default -> {
                    require(!first.startsWith("-"), "Unknown program form '" + first + "': give -jar APP.jar, "
                            + "-cp CLASSPATH MAIN, a JBang script or alias, or jshell");
                    kind = Kind.JBANG;
                    command.add(jbang);
                    command.add("run");
                    addIf(command, agentSpec, "--javaagent=");
                    command.addAll(target);
                }
            }
            return new InjectedLaunch(kind, command, env);
        }

        private static void addIf(List<String> command, String agentSpec, String option) {
            if (agentSpec != null) {
                command.add(option + agentSpec);
            }
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new DenInputException(message);
            }
        }
    }
}
