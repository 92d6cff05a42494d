package org.den4j.cli;

import java.nio.file.Path;
import java.util.ServiceLoader;
import org.den4j.den.BackendSpec;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.DenConfigException;
import org.den4j.den.DenType;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.backend.LocalBackend;
import org.den4j.serve.den.ApiKeys;
import org.den4j.serve.den.DenServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = {"Serves the den over HTTP for a team (the http den type and curl reach it).",
        "Serves a local den (--den PATH), or any backend (--backend NAME of DEN4J_BACKENDS_JSON, for example an "
                + "s3 bucket). Prints the URL, then runs until Ctrl-C. Clients set DEN4J_TYPE=http, DEN4J_REMOTE_HOST=URL "
                + "and DEN4J_REMOTE_TOKEN=KEY."},
        footerHeading = "%nEnvironment:%n",
        footer = {"  DEN4J_SERVE_KEYS_FILE      a key file when --keys is not given",
                "  DEN4J_SERVE_READ_KEYS, DEN4J_SERVE_WRITE_KEYS, DEN4J_SERVE_ADMIN_KEYS",
                "                             comma-separated tokens with that scope",
                "  DEN4J_REMOTE_ALLOW_PUSH_FINETUNED  accept models that name a parent (default false)",
                "  DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE let clients fine-tune this den's models and push",
                "                             those fine-tunes back (default false)"})
final class ServeCommand extends Subcommand {
    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "8080",
            description = "The port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "The interface to listen on; 0.0.0.0 for every one (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--keys", paramLabel = "FILE",
            description = "API keys with scopes, a JSON or properties file (see the README's Den server section).")
    Path keys;

    @Option(names = "--public-read", description = "Let requests without a key list and download models.")
    boolean publicRead;

    @Option(names = "--allow-push-finetuned", description = "Accept pushes of fine-tuned models "
            + "(overrides DEN4J_REMOTE_ALLOW_PUSH_FINETUNED).")
    Boolean allowPushFinetuned;

    @Option(names = "--allow-local-fine-tune", description = "Let clients fine-tune this den's models and push those "
            + "fine-tunes back (overrides DEN4J_REMOTE_ALLOW_LOCAL_FINE_TUNE).")
    Boolean allowLocalFineTune;

    @Override
    boolean needsDen() {
        return false;
    }

    @Override
    int run(Den unused) throws Exception {
        DenConfig config = parent.config();
        ApiKeys apiKeys = (keys == null ? ApiKeys.none() : ApiKeys.read(keys))
                .merge(ApiKeys.fromEnvironment(parent.env()));
        if (publicRead) {
            apiKeys = apiKeys.withAnonymousRead(true);
        }
        DenServer.Builder builder = DenServer.builder(backend(config)).config(config).keys(apiKeys).host(host)
                .port(port);
        boolean pushFinetuned = allowPushFinetuned != null ? allowPushFinetuned : config.allowPushFinetuned();
        boolean localFineTune = allowLocalFineTune != null ? allowLocalFineTune : config.allowLocalFineTune();
        builder.allowPushFinetuned(pushFinetuned).allowLocalFineTune(localFineTune);
        DenServer server = builder.start();
        Thread hook = new Thread(() -> {
            server.close();
            out().println("den server stopped");
            out().flush();
        }, "den-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out().println(server.url());
        err().println("Serving den " + server.denLocation() + " at " + server.url() + " ("
                + describe(apiKeys) + "; fine-tuned pushes " + (pushFinetuned ? "accepted" : "refused")
                + ", local fine-tuning " + (localFineTune ? "allowed" : "not allowed") + "). Press Ctrl-C to stop.");
        out().flush();
        err().flush();
        server.join();
        return ok();
    }

    private static String describe(ApiKeys keys) {
        if (keys.keys().isEmpty()) {
            return "no API keys: anyone may read, nobody may write; pass --keys FILE to allow pushes";
        }
        return keys.keys().size() + " API key" + (keys.keys().size() == 1 ? "" : "s")
                + (keys.anonymousRead() ? ", reads open to all" : ", every request needs a key");
    }

    /**
     * The backend to serve, opened without the local cache: a local den directory, or any backend a
     * provider opens ({@code --backend NAME} of {@code DEN4J_BACKENDS_JSON}, or {@code DEN4J_TYPE=s3}).
     */
    private DenBackend backend(DenConfig config) {
        BackendSpec spec = parent.spec(parent.backend);
        if (spec.type().isLocal()) {
            return new LocalBackend(spec.localRoot(config), spec.type() == DenType.LOCAL_MACHINE);
        }
        for (DenBackend.Provider provider : ServiceLoader.load(DenBackend.Provider.class)) {
            if (provider.type() == spec.type()) {
                return provider.open(spec);
            }
        }
        throw new DenConfigException(parent.backend != null ? "--backend" : "DEN4J_TYPE", "den serve cannot open "
                + "backend " + spec.name() + " of type " + spec.type().configName() + ": no provider of that type is "
                + "on the class path; serve a local den (--den PATH) or add the provider's module");
    }
}
