package org.den4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.den4j.serve.den.DenServer;
import org.den4j.serve.den.ServeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, reaching and stopping a server, and the error when its port is taken. */
class HttpEndpointTest {
    @TempDir
    Path tmp;

    @Test
    void servesOnAFreePortAndCloseReleasesThenLetsJoinReturn() throws Exception {
        HttpEndpoint endpoint = HttpEndpoint.start(HttpEndpoint.javalin(1024, c -> { }).get("/hi", ctx -> ctx.result("hi")),
                "127.0.0.1", 0, "The test server", IllegalStateException::new);
        assertEquals(URI.create("http://127.0.0.1:" + endpoint.port()), endpoint.url());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint.url()
                + "/hi/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("hi", r.body(), "trailing slashes are ignored");
        AtomicBoolean released = new AtomicBoolean();
        Thread joiner = new Thread(() -> {
            try {
                endpoint.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        joiner.start();
        endpoint.close(() -> released.set(true));
        joiner.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(released.get());
        assertFalse(joiner.isAlive(), "join() returns once closed");
    }

    @Test
    void aTakenPortIsOneLineThatNamesTheServerTheAddressAndTheFix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> HttpEndpoint.start(
                    HttpEndpoint.javalin(1024, c -> { }), "127.0.0.1", taken.getLocalPort(), "The test server",
                    IllegalStateException::new));
            assertTrue(e.getMessage().startsWith("The test server cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("); choose another --port (0 picks a free one)"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getCause() != null, "the bind failure is kept as the cause");
        }
    }

    @Test
    void theDenServerOnATakenPortIsA500CannotStartThatNamesTheDen() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServeException e = assertThrows(ServeException.class, () -> DenServer.builder(tmp.resolve("den"))
                    .port(taken.getLocalPort()).start());
            assertEquals(500, e.status());
            assertEquals("cannot_start", e.code());
            assertTrue(e.getMessage().startsWith("Den server for "), e.getMessage());
            assertTrue(e.getMessage().contains(" cannot listen on 127.0.0.1:" + taken.getLocalPort() + " ("),
                    e.getMessage());
        }
        try (DenServer server = DenServer.builder(tmp.resolve("den")).start()) {
            assertTrue(server.port() > 0, "the den was closed and opens again");
        }
    }
}
