package org.den4j.coder.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A protocol peer for the OpenAI client's tests: a real HTTP server on loopback (the JDK's
 * {@code com.sun.net.httpserver}) that answers each request with the next scripted answer (status, headers, body,
 * delay) and records what it received. It returns fixed chat answers and does no inference; den4j's own
 * OpenAI-compatible server is tested against the client end to end in tests/.
 */
public final class ChatPeer implements AutoCloseable {
    /** One scripted answer. */
    public record Answer(int status, Map<String, String> headers, String body, long delayMs) {
        public static Answer ok(String content) {
            return new Answer(200, Map.of(), chat(content), 0);
        }

        public static Answer error(int status, String body) {
            return new Answer(status, Map.of(), body, 0);
        }
    }

    /** One received request. */
    public record Received(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();

    public ChatPeer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL, {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public synchronized ChatPeer then(Answer answer) {
        script.add(answer);
        return this;
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** An OpenAI chat completion whose one choice says {@code content}. */
    public static String chat(String content) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"served-model\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + quote(content) + "},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":31,\"completion_tokens\":9,\"total_tokens\":40}}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private void handle(HttpExchange exchange) throws IOException {
        Answer answer;
        synchronized (this) {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            answer = script.isEmpty() ? Answer.error(500, "{\"error\":{\"message\":\"no scripted answer\"}}")
                    : script.poll();
        }
        try {
            if (answer.delayMs() > 0) {
                Thread.sleep(answer.delayMs());
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
