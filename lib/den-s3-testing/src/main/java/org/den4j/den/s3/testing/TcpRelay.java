package org.den4j.den.s3.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback in front of a server: it counts the bytes each way, and can cut connections
 * in the middle of a response, as a flaky network does. Tests and benchmarks put it between a client and
 * {@link LocalS3}.
 *
 * <pre>{@code
 * try (TcpRelay relay = TcpRelay.start(s3.port())) {
 *     relay.cutResponsesAfter(1 << 20, 2);   // the next 2 connections drop after 1 MiB of response
 *     ... fetch through "http://127.0.0.1:" + relay.port() ...
 *     long sent = relay.bytesUp();
 * }
 * }</pre>
 */
public final class TcpRelay implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final AtomicLong up = new AtomicLong();
    private final AtomicLong down = new AtomicLong();
    private final AtomicLong cutAfter = new AtomicLong(Long.MAX_VALUE);
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private final Thread acceptor;

    private TcpRelay(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
        this.acceptor = new Thread(this::acceptLoop, "tcp-relay-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a relay on a free loopback port to {@code targetPort} on loopback. */
    public static TcpRelay start(int targetPort) throws IOException {
        return new TcpRelay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
    }

    /** The relay's port. */
    public int port() {
        return server.getLocalPort();
    }

    /** The endpoint through the relay, {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Bytes clients sent to the server. */
    public long bytesUp() {
        return up.get();
    }

    /** Bytes the server sent to clients. */
    public long bytesDown() {
        return down.get();
    }

    /** How many connections were cut. */
    public int cuts() {
        return cuts.get();
    }

    /** Resets the byte counters. */
    public void resetCounters() {
        up.set(0);
        down.set(0);
    }

    /** Cuts the next {@code connections} connections once they have relayed {@code bytes} bytes of response. */
    public void cutResponsesAfter(long bytes, int connections) {
        cutAfter.set(bytes);
        cutsLeft.set(connections);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                boolean cut = cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                long limit = cut ? cutAfter.get() : Long.MAX_VALUE;
                pump(client, target, up, Long.MAX_VALUE, false);
                pump(target, client, down, limit, cut);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicLong counter, long limit, boolean cut) {
        Thread t = new Thread(() -> {
            long relayed = 0;
            byte[] buffer = new byte[64 << 10];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    int allowed = (int) Math.min(n, limit - relayed);
                    out.write(buffer, 0, allowed);
                    relayed += allowed;
                    counter.addAndGet(allowed);
                    if (relayed >= limit) {
                        if (cut) {
                            cuts.incrementAndGet();
                        }
                        break;
                    }
                }
            } catch (SocketException e) {
                // the other side closed
            } catch (IOException e) {
                // connection ended
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
