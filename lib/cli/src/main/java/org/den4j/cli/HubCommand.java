package org.den4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.den4j.command.Commands;
import org.den4j.command.VerboseOption;
import org.den4j.den.ProgressListener;
import org.den4j.hub.BadChecksumException;
import org.den4j.hub.CacheCheck;
import org.den4j.hub.DownloadFailedException;
import org.den4j.hub.FolderCheck;
import org.den4j.hub.HubSettings;
import org.den4j.hub.HubUnreachableException;
import org.den4j.hub.LocalEntryNotFoundException;
import org.den4j.hub.ModelCheck;
import org.den4j.hub.ModelManager;
import org.den4j.hub.ModelStatus;
import org.den4j.hub.ModelsConfig;
import org.den4j.hub.RequestListener;
import org.den4j.hub.Verification;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code hub} command: keeps the models of {@code config/models.yaml} in the Hugging Face Hub cache.
 *
 * <pre>{@code
 * int exit = HubCommand.commandLine().execute("--model", "base");   // prints the model's folder
 * }</pre>
 *
 * <p>Without an action option it downloads what is missing of every model (or of {@code --model}). Output goes
 * to the command line's {@code getOut()}, the progress bar and errors to {@code getErr()}.
 */
@Command(name = "hub", sortOptions = false,
        description = "Downloads the models of a models configuration from the Hugging Face Hub into the Hub "
                + "cache (shared with Python's huggingface_hub), checked; lists, verifies and cleans them.",
        footerHeading = "%nEnvironment:%n",
        footer = {"  HF_HUB_CACHE, HF_HOME  the cache (default ~/.cache/huggingface/hub); cache_dir: wins",
                "  HF_ENDPOINT            the Hub or a mirror (default https://huggingface.co)",
                "  HF_TOKEN               access token (also HUGGING_FACE_HUB_TOKEN, $HF_HOME/token)",
                "  HF_HUB_OFFLINE         1: use the cache only, never the network",
                "  HF_HUB_ENABLE_HF_TRANSFER  1: files over 50 MiB as parallel ranges",
                "  CI_MINIMAL_MODELS      true|1|yes: read config/models.minimal.yaml when --config is",
                "                         not given"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
                "1:failure: --verify-only or --verify-folder found files missing (or extra), an I/O error",
                "2:bad input: options, configuration file, model not in the configuration, unknown "
                        + "repository, revision or file on the Hub, HF_* value",
                "3:bad checksum: a downloaded or cached file does not match the Hub's size or hash",
                "4:download failed: transfer kept failing, Hub unreachable or offline without the files"})
public final class HubCommand implements Callable<Integer> {
    /** A downloaded or cached file does not match. */
    public static final int BAD_CHECKSUM = 3;
    /** The files could not be fetched. */
    public static final int DOWNLOAD_FAILED = 4;

    private final Map<String, String> env;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The models configuration (default config/models.yaml, or config/models.minimal.yaml "
                    + "when CI_MINIMAL_MODELS is true).")
    Path config;

    @Option(names = "--model", paramLabel = "ID",
            description = "Only this model of the configuration; alone, prints only its folder.")
    String model;

    @Option(names = "--list", description = "List each model as cached, missing or stale; downloads nothing.")
    boolean list;

    @Option(names = "--verify-only",
            description = "Check the cached files at the configured level (size or sha256); downloads nothing.")
    boolean verifyOnly;

    @Option(names = "--verify-folder", paramLabel = "DIR",
            description = "Check any folder (a copy, a local_dir) against the model's repository files at the "
                    + "configured level: missing, extra and damaged files; downloads nothing. The model is --model, "
                    + "else the one the folder records, else the configuration's only one.")
    Path verifyFolder;

    @Option(names = "--clean", description = "Remove every configured model's repository folder from the cache.")
    boolean clean;

    @Option(names = "--clean-model", paramLabel = "ID",
            description = "Remove this model's repository folder from the cache.")
    String cleanModel;

    @Mixin
    VerboseOption verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** A command that reads the {@code HF_*} and {@code CI_MINIMAL_MODELS} variables of this process. */
    public HubCommand() {
        this(System.getenv());
    }

    /** A command that reads its variables from {@code env} instead of the process (for tests and embedding). */
    public HubCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** A command line for {@code hub} over the process environment, with its exit codes and error printing. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** A command line for {@code hub} reading its variables from {@code env}. */
    public static CommandLine commandLine(Map<String, String> env) {
        return Commands.line(new HubCommand(env), HubCommand::exitCode);
    }

    /**
     * The exit code of an error: 3 bad checksum, 4 download failed, else den4j's ({@link Commands#exitCode}: 2 bad
     * input, which includes the Hub's unknown repository, revision or file, 1 other failures).
     */
    public static int exitCode(Throwable error) {
        if (error instanceof BadChecksumException) {
            return BAD_CHECKSUM;
        }
        if (error instanceof DownloadFailedException || error instanceof HubUnreachableException
                || error instanceof LocalEntryNotFoundException) {
            return DOWNLOAD_FAILED;
        }
        return Commands.exitCode(error);
    }

    @Override
    public Integer call() {
        int actions = (list ? 1 : 0) + (verifyOnly ? 1 : 0) + (clean ? 1 : 0) + (cleanModel != null ? 1 : 0)
                + (verifyFolder != null ? 1 : 0);
        if (actions > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Use at most one of --list, --verify-only, --verify-folder, --clean, --clean-model");
        }
        if (model != null && (clean || cleanModel != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--model does not go with --clean or --clean-model; use --clean-model " + model);
        }
        Path file = config != null ? config : ModelsConfig.defaultFile(env);
        ModelsConfig models = ModelsConfig.read(file);
        if (model != null) {
            models = new ModelsConfig(models.file(), models.cacheDir(), models.verify(),
                    List.of(models.model(model)));
        }
        PrintWriter out = spec.commandLine().getOut();
        // -v: each HTTP request as one line on stderr (no token, no signed query values).
        RequestListener requests = verbose.isVerbose() ? RequestListener.printingTo(spec.commandLine().getErr())
                : RequestListener.NONE;
        try (ModelManager manager = new ModelManager(models, HubSettings.fromEnvironment(env), requests)) {
            if (list) {
                return list(manager, out);
            }
            if (verifyFolder != null) {
                return verifyFolder(manager, out);
            }
            if (verifyOnly) {
                return verify(manager, out);
            }
            if (clean || cleanModel != null) {
                List<Path> removed = clean ? manager.clean() : manager.clean(cleanModel);
                removed.forEach(p -> out.println("removed " + p));
                if (removed.isEmpty()) {
                    out.println("nothing to remove from " + manager.settings().hubCache());
                }
                out.flush();
                return Commands.OK;
            }
            ProgressListener progress = DenCommand.progress(spec.commandLine());
            if (model != null) {
                out.println(manager.ensure(model, progress));
            } else {
                manager.ensureAll(progress).forEach((id, path) -> out.println(id + "\t" + path));
            }
            out.flush();
            return Commands.OK;
        }
    }

    private static int list(ModelManager manager, PrintWriter out) {
        TextTable table = new TextTable("ID", "REPOSITORY", "REVISION", "STATUS", "PATH");
        for (ModelStatus s : manager.status()) {
            table.row(s.model().id(), s.model().repoId(), s.model().revision(), s.describe(),
                    s.path() == null ? "-" : s.path().toString());
        }
        table.print(out);
        out.flush();
        return Commands.OK;
    }

    private int verifyFolder(ModelManager manager, PrintWriter out) {
        Verification level = manager.config().verify();
        FolderCheck check = model != null
                ? manager.verify(model, verifyFolder, level, DenCommand.progress(spec.commandLine()))
                : manager.verify(verifyFolder, level);
        String id = model != null ? model : check.repoId();
        int exit = Commands.OK;
        if (check.isExact()) {
            out.println(id + ": ok: " + check.verified().size() + " files (" + level.id() + ") in " + check.folder()
                    + " match " + check.repoId() + "@" + check.commit());
        }
        exit = problems(out, id, check.missing(), check.extra(), check.damaged(), exit);
        out.flush();
        return exit;
    }

    private int verify(ModelManager manager, PrintWriter out) {
        int exit = Commands.OK;
        String level = manager.config().verify().id();
        for (ModelCheck c : manager.verifyOnly(DenCommand.progress(spec.commandLine()))) {
            String id = c.model().id();
            CacheCheck check = c.check();
            if (check == null) {
                out.println(id + ": missing: no snapshot of " + c.model().repoId() + "@" + c.model().revision()
                        + " in the cache; run hub" + " --model " + id + " to download it");
                exit = Math.max(exit, Commands.FAILURE);
                continue;
            }
            if (check.isComplete()) {
                out.println(id + ": ok: " + check.verified().size() + " files (" + level + ")");
            }
            exit = problems(out, id, check.missing(), List.of(), check.damaged(), exit);
        }
        out.flush();
        return exit;
    }

    /** Prints each missing, extra and damaged file of {@code id}; returns the exit code they make with {@code exit}. */
    private static int problems(PrintWriter out, String id, List<String> missing, List<String> extra,
            List<BadChecksumException> damaged, int exit) {
        for (String path : missing) {
            out.println(id + ": missing: " + path);
            exit = Math.max(exit, Commands.FAILURE);
        }
        for (String path : extra) {
            out.println(id + ": extra: " + path);
            exit = Math.max(exit, Commands.FAILURE);
        }
        for (BadChecksumException bad : damaged) {
            out.println(id + ": damaged: " + bad.getMessage());
            exit = BAD_CHECKSUM;
        }
        return exit;
    }
}
