package org.den4j.serve.den;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A den server in a child JVM, so a test can kill it with SIGKILL; {@link #main} is the child's entry. */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final URI url;

    private ServerProcess(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    /** Starts a server for the local den at {@code den} with one write key, and waits until it listens. */
    static ServerProcess start(Path den, String writeToken) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ServerProcess.class.getName(), den.toString(), writeToken))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            p.destroyForcibly();
            throw new IllegalStateException("The server process did not start: " + line);
        }
        return new ServerProcess(p, URI.create(line.substring("LISTENING ".length()).trim()));
    }

    /** SIGKILL: the server gets no chance to clean up. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    public static void main(String[] args) throws Exception {
        DenServer server = DenServer.builder(Path.of(args[0]))
                .keys(ApiKeys.of("writer", args[1], ApiKeys.Scope.ADMIN)).start();
        System.out.println("LISTENING " + server.url());
        System.out.flush();
        server.join();
    }
}
