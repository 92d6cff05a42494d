package org.den4j.serve.api.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.den4j.command.Commands;
import org.den4j.command.DenOption;
import org.den4j.den.Den;
import org.den4j.serve.api.CoderApiServer;
import org.den4j.serve.api.InferenceConfig;
import org.den4j.serve.api.InferenceConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve-api}: serves an ICD coder over HTTP until stopped (Ctrl-C). */
@Command(name = "serve-api", mixinStandardHelpOptions = true, version = "serve-api 0.1.0",
        description = {"Serves an ICD coder over HTTP: /health, /info, /predict, /predict/batch, /predict/pdf, the "
                + "OpenAI-compatible /v1/models, /v1/chat/completions and /v1/completions, /metrics, /openapi.json "
                + "and /docs. A den reference is followed: when its alias moves, the new version is loaded and "
                + "swapped in without failing a request.",
                "Prints the base URL on stdout once the port is open (the coder loads in the background; /health "
                        + "says 200 when it is ready); logs go to stderr."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped", "1:the server failed", "2:bad input (options, configuration, keys file)"})
public final class ServeApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DenOption den;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The inference configuration (default: "
            + "config/inference-config.yaml when it exists, else the built-in defaults).")
    Path config;

    @Option(names = "--host", paramLabel = "HOST", description = "The interface to bind (config api.host; default "
            + "127.0.0.1; 0.0.0.0 for every interface).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "The port (config api.port; default 8000; 0 "
            + "picks a free one).")
    Integer port;

    @Option(names = {"-m", "--model"}, paramLabel = "REF", description = "A den reference or a coder folder (config "
            + "model.name; default den4j/icd-coder@champion).")
    String model;

    /** The command line with den4j's error policy. */
    public static CommandLine commandLine() {
        return Commands.line(new ServeApiCommand());
    }

    @Override
    public Integer call() throws Exception {
        InferenceConfig c = config != null ? InferenceConfig.read(config)
                : Files.isRegularFile(InferenceConfig.DEFAULT_FILE) ? InferenceConfig.read(InferenceConfig.DEFAULT_FILE)
                : InferenceConfig.defaults();
        if (port != null && (port < 0 || port > 65535)) {
            throw new InferenceConfigException(null, "--port", "--port " + port + " is not a TCP port; use 0 to "
                    + "65535 (0 picks a free one)");
        }
        c = c.withApi(c.api().withAddress(host != null ? host : c.api().host(), port != null ? port : c.api().port()));
        if (model != null) {
            c = c.withModel(model);
        }
        // slf4j-simple reads its level once, when Javalin's first logger is made: set it before the server starts
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", c.logging().level());
        PrintWriter out = spec.commandLine().getOut();
        Den opened = Den.open(den.config(System.getenv()));
        CoderApiServer server;
        try {
            server = CoderApiServer.builder(c).den(opened).start();
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        Thread hook = new Thread(() -> {
            server.close();
            opened.close();
        }, "serve-api-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println(server.url());
        out.flush();
        spec.commandLine().getErr().println("serve-api: serving " + c.model().name() + " at " + server.url()
                + " (docs: " + server.url() + "/docs; OpenAI base URL: " + server.url() + "/v1)");
        spec.commandLine().getErr().flush();
        server.join();
        return Commands.OK;
    }
}
