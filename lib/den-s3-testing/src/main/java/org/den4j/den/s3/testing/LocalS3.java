package org.den4j.den.s3.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.den4j.den.BackendSpec;
import org.den4j.den.CacheSettings;
import org.den4j.den.DenException;
import org.den4j.den.DenType;

/**
 * A real S3 server on loopback: s3proxy with its filesystem provider, run in a child JVM so its
 * own libraries (Jetty, Jackson, jclouds) never meet ours on one class path.
 *
 * <pre>{@code
 * try (LocalS3 s3 = LocalS3.start(Files.createTempDirectory("s3"))) {
 *     s3.createBucket("models");
 *     try (Den den = Den.open(s3.spec("team", "s3://models/den", cacheSettings))) { ... }
 * }
 * }</pre>
 *
 * <p>The s3proxy jar ({@code org.gaul:s3proxy:4.1.0:jar-with-dependencies}) is found through the
 * system property {@code den4j.s3proxy.jar}, the variable {@code DEN4J_S3PROXY_JAR}, or the local Maven
 * repository ({@code DEN4J_M2_REPO}, else {@code ~/.m2/repository}), where building den4j-den-s3 puts it.
 * Start-up takes a few seconds; share one server per test class. Closing stops the server; the data
 * directory stays for the caller to delete.
 */
public final class LocalS3 implements AutoCloseable {
    /** The access key the server accepts. */
    public static final String ACCESS_KEY_ID = "den4j-local";
    /** The secret key the server accepts. */
    public static final String SECRET_ACCESS_KEY = "den4j-local-secret";
    /** Where s3proxy lives in a Maven repository. */
    public static final String REPOSITORY_PATH =
            "org/gaul/s3proxy/4.1.0/s3proxy-4.1.0-jar-with-dependencies.jar";

    private final Path dataDir;
    private final Path jar;
    private final int port;
    private Process process;

    private LocalS3(Path dataDir, Path jar, int port) {
        this.dataDir = dataDir;
        this.jar = jar;
        this.port = port;
    }

    /**
     * Starts a server that keeps its buckets as directories under {@code dataDir}, on a free port.
     *
     * @throws DenException when the s3proxy jar is missing or the server does not start in 60 s
     */
    public static LocalS3 start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            LocalS3 s3 = new LocalS3(dataDir.toAbsolutePath().normalize(), findJar(), port);
            s3.launch();
            return s3;
        } catch (IOException e) {
            throw new DenException("Cannot start the local S3 server in " + dataDir + ": " + e, e);
        }
    }

    /** The s3proxy jar, from the property, the variable or the local Maven repository. */
    public static Path findJar() {
        String explicit = System.getProperty("den4j.s3proxy.jar");
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv("DEN4J_S3PROXY_JAR");
        }
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (!Files.isRegularFile(p)) {
                throw new DenException("The s3proxy jar " + p + " (den4j.s3proxy.jar or DEN4J_S3PROXY_JAR) does not "
                        + "exist; unset it to use the one in the local Maven repository");
            }
            return p;
        }
        String m2 = System.getProperty("maven.repo.local");
        if (m2 == null || m2.isBlank()) {
            m2 = System.getenv("DEN4J_M2_REPO");
        }
        Path repository = m2 != null && !m2.isBlank() ? Path.of(m2)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path jar = repository.resolve(REPOSITORY_PATH);
        if (!Files.isRegularFile(jar)) {
            throw new DenException("The s3proxy jar is not in the local Maven repository (" + jar + "); run "
                    + "`mvn -DskipTests install -pl lib/den-s3 -am` at the den4j root, or `mvn dependency:get "
                    + "-Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies -Dtransitive=false`");
        }
        return jar;
    }

    private void launch() throws IOException {
        Path config = dataDir.resolveSibling(dataDir.getFileName() + ".s3proxy.properties");
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".s3proxy.log");
        Files.writeString(config, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY_ID,
                "s3proxy.credential=" + SECRET_ACCESS_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dataDir,
                ""), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-Dorg.eclipse.jetty.LEVEL=WARN", "-jar", jar.toString(),
                "--properties", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("JAVA_TOOL_OPTIONS") || k.startsWith("JDK_JAVA_OPTIONS"));
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("s3proxy exited with code " + process.exitValue() + "; see " + log + ":\n"
                        + tail(log));
            }
            if (answers()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IOException("Interrupted while s3proxy was starting");
            }
        }
        process.destroyForcibly();
        throw new IOException("s3proxy did not answer on port " + port + " within 60 s; see " + log + ":\n" + tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** True when the server answers an HTTP request (any status: an anonymous request gets 403). */
    private boolean answers() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1");
        } catch (IOException e) {
            return false;
        }
    }

    /** The endpoint, {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** Where the buckets live: one directory per bucket. */
    public Path dataDir() {
        return dataDir;
    }

    /** Creates a bucket (a directory under {@link #dataDir()}); an existing one is kept. */
    public void createBucket(String bucket) {
        try {
            Files.createDirectories(dataDir.resolve(bucket));
        } catch (IOException e) {
            throw new DenException("Cannot create bucket " + bucket + " in " + dataDir + ": " + e, e);
        }
    }

    /**
     * A backend spec for an {@code s3} den on this server with its credentials and path-style requests.
     *
     * @param location {@code s3://bucket/prefix}
     */
    public BackendSpec spec(String name, String location, CacheSettings cache) {
        return new BackendSpec(name, DenType.S3, location, endpoint(),
                Map.of("access_key_id", ACCESS_KEY_ID, "secret_access_key", SECRET_ACCESS_KEY),
                Map.of("path_style", "true", "region", "us-east-1"), cache, false, false);
    }

    /** True while the server runs. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the server at once (as a crash would); {@link #restart()} brings it back on the same port. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the server again on the same port and data. */
    public void restart() {
        kill();
        try {
            launch();
        } catch (IOException e) {
            throw new DenException("Cannot restart the local S3 server on port " + port + ": " + e, e);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
