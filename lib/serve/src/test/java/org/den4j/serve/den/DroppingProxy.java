package org.den4j.serve.den;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback that cuts the first connections after they carried a number of response
 * bytes, the way a flaky network drops a download; it also remembers whether a ranged request went by.
 */
final class DroppingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final long dropAfter;
    private final AtomicInteger dropsLeft;
    final AtomicInteger drops = new AtomicInteger();
    final AtomicInteger rangedRequests = new AtomicInteger();

    DroppingProxy(URI upstream, long dropAfterResponseBytes, int drops) throws IOException {
        this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        this.dropAfter = dropAfterResponseBytes;
        this.dropsLeft = new AtomicInteger(drops);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(upstream.getAddress(), upstream.getPort());
                pump(client.getInputStream(), server.getOutputStream(), client, server, false);
                pump(server.getInputStream(), client.getOutputStream(), client, server, true);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, Socket a, Socket b, boolean response) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            long carried = 0;
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (!response && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains("Range: bytes=")) {
                        rangedRequests.incrementAndGet();
                    }
                    out.write(buffer, 0, n);
                    carried += n;
                    if (response && carried > dropAfter && dropsLeft.getAndDecrement() > 0) {
                        drops.incrementAndGet();
                        break;
                    }
                }
            } catch (IOException e) {
                // the other side went away
            } finally {
                closeQuietly(a);
                closeQuietly(b);
            }
        }, "proxy-pump");
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
        listener.close();
    }
}
