package org.den4j.cli;

import java.nio.file.Path;
import org.den4j.den.Den;
import org.den4j.den.DenConfig;
import org.den4j.den.DenConfigException;
import org.den4j.den.backend.DenBackend;
import org.den4j.den.internal.LocalBackend;
import org.den4j.serve.den.ApiKeys;
import org.den4j.serve.den.DenServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = {"Serves the den over HTTP for a team (the http den type and curl reach it).",
        "Prints the URL, then runs until Ctrl-C. Clients set DEN4J_TYPE=http, DEN4J_REMOTE_HOST=URL and "
                + "DEN4J_REMOTE_TOKEN=KEY."},
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

    private static DenBackend backend(DenConfig config) {
        if (!config.type().isLocal()) {
            throw new DenConfigException("--type", "den serve serves a local den for now; den type "
                    + config.type().configName() + " is not one: pass --den PATH (or DEN4J_TYPE=local_user)");
        }
        return new LocalBackend(config.localRoot(), config.type() == org.den4j.den.DenType.LOCAL_MACHINE);
    }
}
