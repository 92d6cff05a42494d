package org.den4j.hub.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.den4j.den.ProgressListener;
import org.den4j.hub.HubFile;
import org.den4j.hub.HubSettings;
import org.den4j.hub.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that stops sending in the middle of a body: the JDK client has no read timeout, so the download
 * watchdog aborts the transfer after {@code HF_HUB_DOWNLOAD_TIMEOUT} and resumes it with {@code Range}.
 */
class StalledTransferTest {
    @TempDir
    Path tmp;

    @Test
    void stalledTransferIsAbortedAfterTheDownloadTimeoutAndResumed() throws Exception {
        byte[] content = new byte[200_000];
        new Random(3).nextBytes(content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        List<String> ranges = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String range = exchange.getRequestHeaders().getFirst("Range");
            ranges.add(String.valueOf(range));
            try (OutputStream out = exchange.getResponseBody()) {
                if (range == null) {
                    exchange.sendResponseHeaders(200, content.length);
                    out.write(content, 0, 50_000);
                    out.flush();
                    release.await(30, TimeUnit.SECONDS); // stall with the connection open
                } else {
                    int from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
                    exchange.getResponseHeaders().add("Content-Range",
                            "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
                    exchange.sendResponseHeaders(206, content.length - from);
                    out.write(content, from, content.length - from);
                }
            } catch (InterruptedException | IOException e) {
                // the client went away
            }
        });
        server.start();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            HubSettings settings = HubSettings.builder(tmp.resolve("hub")).endpoint(endpoint)
                    .downloadTimeout(Duration.ofMillis(500)).build();
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            FileDownload download = new FileDownload(new HubHttp(settings, client), watchdog);
            String commit = "0123456789abcdef0123456789abcdef01234567";
            HubFile known = new HubFile("acme/slow", commit, "model.safetensors", content.length, sha256, null);

            long start = System.nanoTime();
            Path file = download.download("acme/slow", commit, "model.safetensors", Verification.SHA256,
                    ProgressListener.NONE, known);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertArrayEquals(content, Files.readAllBytes(file));
            assertEquals(List.of("null", "bytes=50000-"), ranges);
            assertTrue(seconds < 10, "took " + seconds + " s");
        } finally {
            release.countDown();
            watchdog.shutdownNow();
            server.stop(0);
        }
    }
}
