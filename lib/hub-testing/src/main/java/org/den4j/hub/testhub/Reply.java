package org.den4j.hub.testhub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes one answer to an exchange and remembers what it wrote for the request log. */
final class Reply {

    private static final int BUFFER = 1 << 20;
    private static final long DROP_PAUSE_MILLIS = 300;

    private final HttpExchange exchange;
    private final ObjectMapper json;
    // Volatile: the request log reads them from another thread.
    volatile int status;
    volatile long bodyBytes;
    volatile String repoId;
    volatile String file;

    Reply(HttpExchange exchange, ObjectMapper json) {
        this.exchange = exchange;
        this.json = json;
    }

    boolean isHead() {
        return exchange.getRequestMethod().equals("HEAD");
    }

    void header(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    /** Sends a whole body; a HEAD gets the headers, the body's length and no body. */
    void send(int code, String contentType, byte[] body) throws IOException {
        status = code;
        if (contentType != null) {
            header("Content-Type", contentType);
        }
        if (isHead() || code == 304) {
            if (code != 304) {
                header("Content-Length", Long.toString(body.length));
            }
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
            bodyBytes = body.length;
        }
    }

    void json(int code, Object value) throws IOException {
        byte[] body;
        try {
            body = json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IOException("LocalHub could not write JSON", e);
        }
        send(code, "application/json; charset=utf-8", body);
    }

    /** An error as the Hub sends it: {@code X-Error-Code}, {@code X-Error-Message}, JSON body. */
    void error(int code, String errorCode, String message) throws IOException {
        if (errorCode != null) {
            header("X-Error-Code", errorCode);
        }
        header("X-Error-Message", message);
        json(code, Map.of("error", message));
    }

    /** A redirect with the short text body that the Hub's web server writes. */
    void redirect(int code, String location) throws IOException {
        header("Location", location);
        String text = (code == 302 ? "Found" : "Temporary Redirect") + ". Redirecting to " + location;
        send(code, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a file's bytes, honouring a {@code Range} header, and applies injected faults: with
     * {@code dropAfter >= 0} the connection is dropped after that many body bytes; with
     * {@code corrupt} every byte is inverted while the headers stay right; with
     * {@code corruptOffset >= 0} only the byte at that offset of the file is; with
     * {@code ignoreRange} a {@code Range} header is ignored (200, from byte 0, and no
     * {@code Accept-Ranges}); with {@code bytesPerSecond > 0} the body is paced to that rate.
     */
    void content(Content content, String contentType, long dropAfter, boolean corrupt,
            boolean ignoreRange, long corruptOffset, long bytesPerSecond) throws IOException {
        long size = content.size();
        if (!ignoreRange) {
            header("Accept-Ranges", "bytes");
        }
        header("Content-Type", contentType);
        long[] range = ignoreRange ? null : range(exchange.getRequestHeaders().getFirst("Range"), size);
        if (range != null && range[0] < 0) {
            header("Content-Range", "bytes */" + size);
            send(416, null, new byte[0]);
            return;
        }
        long start = range == null ? 0 : range[0];
        long length = range == null ? size : range[1] - range[0] + 1;
        int code = range == null ? 200 : 206;
        if (range != null) {
            header("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + size);
        }
        status = code;
        if (isHead()) {
            header("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(code, length == 0 ? -1 : length);
        OutputStream out = exchange.getResponseBody();
        long began = System.nanoTime();
        // Paced bodies go out in small pieces, so the rate holds over short spans too.
        int bufferSize = bytesPerSecond > 0 ? (int) Math.max(4096, Math.min(BUFFER, bytesPerSecond / 50)) : BUFFER;
        try (InputStream in = content.open(start)) {
            byte[] buffer = new byte[(int) Math.min(bufferSize, Math.max(1, length))];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("LocalHub: " + file + " ended early while serving it");
                }
                if (corrupt) {
                    for (int i = 0; i < n; i++) {
                        buffer[i] = (byte) ~buffer[i];
                    }
                }
                long at = start + (length - left);
                if (corruptOffset >= at && corruptOffset < at + n) {
                    int i = (int) (corruptOffset - at);
                    buffer[i] = (byte) ~buffer[i];
                }
                if (dropAfter >= 0 && bodyBytes + n > dropAfter) {
                    int keep = (int) (dropAfter - bodyBytes);
                    out.write(buffer, 0, keep);
                    bodyBytes += keep;
                    out.flush();
                    // A stall before the drop, as when a network dies: the client reads what
                    // arrived before it learns of the end. (The JDK HttpClient can discard bytes
                    // it received if the end arrives with them.)
                    pause(DROP_PAUSE_MILLIS);
                    // Throwing from the handler makes the JDK server close the socket, so the
                    // client sees a transfer that ends before Content-Length.
                    throw new IOException("LocalHub: injected connection drop after "
                            + dropAfter + " bytes of " + file);
                }
                out.write(buffer, 0, n);
                bodyBytes += n;
                left -= n;
                if (bytesPerSecond > 0) {
                    out.flush();
                    long due = began + bodyBytes * 1_000_000_000L / bytesPerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        pause(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
        }
        out.close();
    }

    /**
     * A JSON list that never ends: elements until the client closes the connection (the write
     * fails) or 4 GiB were sent.
     */
    void endlessJson() throws IOException {
        status = 200;
        header("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = "{\"type\":\"file\",\"path\":\"x\",\"size\":0},".repeat(2048)
                .getBytes(StandardCharsets.UTF_8);
        OutputStream out = exchange.getResponseBody();
        try {
            out.write('[');
            while (bodyBytes < (4L << 30)) {
                out.write(chunk);
                bodyBytes += chunk.length;
            }
            out.close();
        } catch (IOException e) {
            // the client stopped reading: what a bounded client does
        }
    }

    private static void pause(long millis) throws IOException {
        pause(millis, 0);
    }

    private static void pause(long millis, int nanos) throws IOException {
        try {
            Thread.sleep(millis, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("LocalHub stopped while serving", e);
        }
    }

    /** The first byte a {@code Range} header asks for, or 0 without a usable one. */
    static long rangeStart(String header, long size) {
        long[] range = range(header, size);
        return range == null || range[0] < 0 ? 0 : range[0];
    }

    /**
     * The inclusive byte range a {@code Range} header asks for: {@code null} to send the whole
     * file (no header, several ranges, or a malformed one), {@code {-1, -1}} when it cannot be
     * satisfied.
     */
    static long[] range(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String first = spec.substring(0, dash).trim();
            String last = spec.substring(dash + 1).trim();
            if (first.isEmpty()) {
                long suffix = Long.parseLong(last);
                if (suffix <= 0 || size == 0) {
                    return new long[] {-1, -1};
                }
                return new long[] {Math.max(0, size - suffix), size - 1};
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            if (start >= size) {
                return new long[] {-1, -1};
            }
            return start <= end ? new long[] {start, end} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
