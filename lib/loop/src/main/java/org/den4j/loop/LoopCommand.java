package org.den4j.loop;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.den4j.den.Den;
import org.den4j.command.Commands;
import org.den4j.command.DenOption;
import org.den4j.command.VerboseOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./jbang loop}: the feedback-loop server ({@code serve}), its tenants ({@code tenant add}) and
 * training processes ({@code worker}).
 */
@Command(name = "loop", mixinStandardHelpOptions = true,
        description = "The feedback loop: a multi-tenant label, predict, annotate and train server on PostgreSQL.",
        subcommands = {LoopCommand.Serve.class, LoopCommand.TenantCommand.class, LoopCommand.WorkerCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:ok", "1:failure", "2:bad input (arguments, names, --db-url)"},
        footer = {"", "Example: ./jbang loop tenant add acme && ./jbang loop serve --port 8090"})
public final class LoopCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin
    VerboseOption verbose;
    @CommandLine.Mixin
    DenOption den;

    /** The command line on lib/command's policy: exit 2 for bad input, 1 for other failures, one-line errors. */
    public static CommandLine commandLine() {
        return Commands.line(new LoopCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the database is: --db-url or the embedded one's data folder. */
    static final class DatabaseOptions {
        @Option(names = "--db-url", description = "An existing PostgreSQL: jdbc:postgresql://HOST:PORT/DB?user=U&password=P "
                + "(den4j installs its schema den4j_loop there). Default: the embedded PostgreSQL.")
        String dbUrl;

        @Option(names = "--data-dir", description = "The embedded PostgreSQL's data folder, kept across restarts "
                + "(default: ${DEFAULT-VALUE}).", defaultValue = "${sys:user.home}/.den4j/loop")
        Path dataDir;

        LoopDatabase.Location location() {
            return dbUrl != null ? LoopDatabase.Location.url(dbUrl) : LoopDatabase.Location.embedded(dataDir);
        }
    }

    static Den den(CommandLine.Model.CommandSpec spec) {
        LoopCommand root = (LoopCommand) spec.root().userObject();
        return Den.open(root.den.config(System.getenv()));
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Runs the loop server until stopped.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        DatabaseOptions database = new DatabaseOptions();
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind (default: ${DEFAULT-VALUE}).")
        String host;
        @Option(names = {"-p", "--port"}, defaultValue = "8090", description = "Port (default: ${DEFAULT-VALUE}; 0: a free one).")
        int port;
        @Option(names = "--workers", defaultValue = "1", description = "Training threads in the server (default: ${DEFAULT-VALUE}).")
        int workers;
        @Option(names = "--work-dir", description = "Training folders and spooled uploads (default: a temporary folder).")
        Path workDir;
        @Option(names = "--max-upload-bytes", defaultValue = "1073741824", description = "Largest upload (default: ${DEFAULT-VALUE}).")
        long maxUploadBytes;
        @Option(names = "--rate-limit", defaultValue = "0", description = "Requests per second per key before 429 (0: none).")
        int rateLimit;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Den d = den(spec)) {
                LoopServer.Builder b = LoopServer.builder(database.location(), d).host(host).port(port).workers(workers)
                        .maxUploadBytes(maxUploadBytes).rateLimit(rateLimit);
                if (workDir != null) {
                    b.workDirectory(workDir);
                }
                try (LoopServer server = b.start()) {
                    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
                    PrintWriter out = spec.commandLine().getOut();
                    out.println("den4j loop serving " + server.url() + " (database " + server.database() + ", den "
                            + d.location() + ")");
                    out.flush();
                    server.join();
                }
            }
            return 0;
        }
    }

    @Command(name = "tenant", mixinStandardHelpOptions = true, description = "Manages tenants.",
            subcommands = {TenantAdd.class})
    static final class TenantCommand implements Runnable {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a tenant and prints only its first admin API key (kept hashed; it is not shown again).")
    static final class TenantAdd implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The tenant's name: lower-case letters, digits, . _ -")
        String name;
        @CommandLine.Mixin
        DatabaseOptions database = new DatabaseOptions();
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Tenants.checkName(name);
            LoopDatabase.Location location = database.location();
            try (LoopDatabase db = LoopDatabase.open(location, 2)) {
                NewKey key = new Tenants(db).add(name);
                spec.commandLine().getOut().println(key.key());
            }
            return 0;
        }
    }

    @Command(name = "worker", mixinStandardHelpOptions = true,
            description = "Trains queued jobs of every tenant until stopped (as many processes as you like).")
    static final class WorkerCommand implements Callable<Integer> {
        @CommandLine.Mixin
        DatabaseOptions database = new DatabaseOptions();
        @Option(names = "--threads", defaultValue = "1", description = "Jobs at a time (default: ${DEFAULT-VALUE}).")
        int threads;
        @Option(names = "--work-dir", description = "Training folders (default: a temporary folder).")
        Path workDir;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path work = workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir"), "den4j-loop-worker");
            try (Den d = den(spec); LoopDatabase db = LoopDatabase.open(database.location(), threads + 2)) {
                Algorithms algorithms = Algorithms.standard();
                var json = LoopJson.mapper();
                JobQueue queue = new JobQueue(db, json);
                try (Champions champions = new Champions(db, d, algorithms)) {
                    Training training = new Training(db, queue, algorithms, champions, d, work, json);
                    try (Worker worker = new Worker(queue, Map.of("train", training), threads, Duration.ofSeconds(30),
                            Duration.ofSeconds(1))) {
                        spec.commandLine().getOut().println("den4j loop worker " + worker.name() + " on " + db);
                        spec.commandLine().getOut().flush();
                        java.util.concurrent.CountDownLatch forever = new java.util.concurrent.CountDownLatch(1);
                        Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
                        forever.await();
                    }
                }
            }
            return 0;
        }
    }

    /** Runs the command line with {@code args} and exits with its code. */
    public static void main(String... args) {
        System.exit(commandLine().execute(args));
    }
}
