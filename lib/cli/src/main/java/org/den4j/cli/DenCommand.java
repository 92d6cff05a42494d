package org.den4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.den4j.command.Commands;
import org.den4j.command.DenOption;
import org.den4j.command.VerboseOption;
import org.den4j.den.BackendSpec;
import org.den4j.den.Backends;
import org.den4j.den.Den;
import org.den4j.den.ExternalSources;
import org.den4j.den.DenConfig;
import org.den4j.den.DenType;
import org.den4j.den.ProgressBar;
import org.den4j.den.ProgressListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code den} command: push, find, fetch and look after the models of a den.
 *
 * <p>Run it through {@link #commandLine()}, which also installs den4j's exit codes ({@link Commands}):
 *
 * <pre>{@code
 * int exit = DenCommand.commandLine().execute("fetch", "acme/icd-coder@prod");
 * }</pre>
 *
 * <p>Global options ({@code --den}, {@code --type}) go before the subcommand; {@code --den} and
 * {@code --verbose} are also accepted after it. Every command prints through the command line's
 * {@code getOut()} and {@code getErr()}, so callers can capture the output.
 */
@Command(name = "den", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = DenCommand.Version.class,
        description = "The den: a shared, content-addressed store of models with a registry.",
        footerHeading = "%nEnvironment:%n",
        footer = {"  DEN4J_TYPE  den type when --type is not given: local_user (default),",
                "              local_machine, s3 (an S3-compatible store), http (a den",
                "              server); hf is refused: use hf:org/name@REV references",
                "  DEN4J_PATH  den directory when --den is not given; default",
                "              $XDG_DATA_HOME/den4j or ~/.local/share/den4j (local_user)",
                "  DEN4J_REMOTE_HOST  endpoint of a remote den (S3 endpoint, den server URL)",
                "  DEN4J_LOCAL_CACHE_PATH, _EXPIRATION_TIME, _MAX_SIZE, _EVICTION_POLICY",
                "              the read-through cache of a remote den (den cache)",
                "  DEN4J_BACKENDS_JSON  a file of named backends for --backend",
                "  HF_*        Hub settings for hf:org/name@REV references (HF_ENDPOINT,",
                "              HF_HUB_CACHE, HF_TOKEN, HF_HUB_OFFLINE, ...)"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
                "1:failure: corrupted data (den verify), a refused delete, an I/O error",
                "2:bad input: unknown model, version or alias, invalid name, file, option or DEN4J_* value"},
        subcommands = {PushCommand.class, FetchCommand.class, ListCommand.class, ShowCommand.class,
                RmCommand.class, AliasCommand.class, SearchCommand.class, TreeCommand.class,
                VerifyCommand.class, GcCommand.class, ExportCommand.class, ImportCommand.class,
                StatsCommand.class, ExportRegistryCommand.class, ImportRegistryCommand.class, RegistryCommand.class,
                RegisterCommand.class, RunCommand.class, ServeCommand.class, CacheCommand.class, SyncCommand.class, MoveCommand.class,
                CommandLine.HelpCommand.class})
public final class DenCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DenOption den;

    @Option(names = "--backend", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "A backend named in the DEN4J_BACKENDS_JSON file (default: its default_backend).")
    String backend;

    // Not inherited: `den search --type` is the model type.
    @Option(names = "--type", paramLabel = "TYPE", scope = ScopeType.LOCAL,
            description = "The den type: local_user, local_machine, s3 or http (overrides DEN4J_TYPE).")
    String denType;

    @Mixin
    VerboseOption verbose;

    /** A command that reads the {@code DEN4J_*} variables of this process. */
    public DenCommand() {
        this(System.getenv());
    }

    /**
     * A command that reads {@code DEN4J_*} variables from {@code env} instead of the process
     * environment (for tests and embedding).
     */
    public DenCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** A command line for {@code den} over the process environment, with den4j's exit codes. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** A command line for {@code den} reading {@code DEN4J_*} variables from {@code env}, with den4j's exit codes. */
    public static CommandLine commandLine(Map<String, String> env) {
        CommandLine cl = Commands.line(new DenCommand(env));
        // `den run -- app.java --flag`: everything from the program on is the program's.
        cl.getSubcommands().get("run").setStopAtPositional(true);
        return cl;
    }

    /** The environment this command reads {@code DEN4J_*} variables from. */
    Map<String, String> env() {
        return env;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /**
     * The configuration the options and environment describe: {@code --den} and {@code --type} win
     * over {@code DEN4J_PATH} and {@code DEN4J_TYPE}, which win over the defaults.
     *
     * @throws org.den4j.den.DenConfigException naming the option or variable with a bad value
     */
    DenConfig config() {
        Map<String, String> effective = new HashMap<>(env);
        if (denType != null) {
            // An explicit --type wins, so a bad DEN4J_TYPE must not fail the command.
            effective.remove("DEN4J_TYPE");
        }
        if (den.path() != null) {
            effective.remove("DEN4J_PATH");
        }
        DenConfig config = DenConfig.fromEnvironment(effective);
        if (denType != null) {
            config = config.withType(DenType.parse(denType, "--type"));
        }
        if (den.path() != null) {
            config = config.withPath(den.path());
        }
        return config;
    }

    /** The external sources ({@code hf:}) configured by the environment this command reads. */
    ExternalSources sources() {
        return ExternalSources.fromEnvironment(env);
    }

    /** Opens the den; the caller closes it. */
    Den open() {
        return open(backend);
    }

    /**
     * Opens a backend by name ({@code DEN4J_BACKENDS_JSON}), or the den the options and environment
     * describe when {@code name} is null; the caller closes it.
     */
    Den open(String name) {
        return Den.open(spec(name), config(), sources());
    }

    /**
     * The backend to open: {@code --den} and {@code --type} (explicit) win over the backends file, which
     * wins over {@code DEN4J_*}; with {@code --backend} (or a named backend) and {@code --den}, the named
     * backend at that location.
     *
     * @throws org.den4j.den.DenConfigException when no backend has the name (listing the known ones)
     */
    BackendSpec spec(String name) {
        DenConfig config = config();
        if (name == null && (den.path() != null || denType != null)) {
            return config.backendSpec();
        }
        BackendSpec spec = Backends.of(config, env).spec(name);
        return den.path() != null ? spec.withLocation(den.path().toString()) : spec;
    }

    /**
     * Opens a den that must exist already: a mistyped {@code --den} or {@code DEN4J_PATH} is an error,
     * not a new empty den; the caller closes it.
     */
    Den openExisting() {
        BackendSpec spec = spec(backend);
        DenConfig config = config();
        if (spec.type().isLocal() && spec.location() != null && !java.nio.file.Files.exists(spec.localRoot(config))) {
            String source = den.path() != null ? "--den" : BackendSpec.ENVIRONMENT.equals(spec.name()) ? "DEN4J_PATH"
                    : "backend " + spec.name();
            throw new org.den4j.den.DenConfigException(den.path() != null ? "--den" : "DEN4J_PATH", "Den path "
                    + spec.localRoot(config) + " does not exist; check " + source
                    + ", or push a model there to create the den");
        }
        return Den.open(spec, config, sources());
    }

    /** A progress bar on the error stream of {@code cl}, drawn for work over {@link Den#PROGRESS_THRESHOLD}. */
    static ProgressListener progress(CommandLine cl) {
        PrintStream stream = new PrintStream(new WriterOutputStream(cl.getErr()), true,
                java.nio.charset.StandardCharsets.UTF_8);
        return new ProgressBar(stream, Den.PROGRESS_THRESHOLD);
    }

    /** The version from the build, for {@code den --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = DenCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {"den (den4j) " + p.getProperty("version", "unknown")};
        }
    }
}
