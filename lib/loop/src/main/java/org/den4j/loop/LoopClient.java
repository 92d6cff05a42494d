package org.den4j.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A small client of the loop server's HTTP API over {@code java.net.http}, for scripts, notebooks, tests and
 * the benchmark.
 *
 * <pre>{@code
 * LoopClient client = new LoopClient(URI.create("http://127.0.0.1:8080"), key);
 * client.post("/api/v1/label-sets", Map.of("name", "notes", "multi_label", true)).ok();
 * JsonNode p = client.post("/api/v1/label-sets/notes/predict", Map.of("text", "chest pain")).ok();
 * }</pre>
 *
 * <p>It is cheap and thread-safe; share one per key.
 */
public final class LoopClient {
    private final HttpClient http;
    private final URI base;
    private final String key;
    private final ObjectMapper json = LoopJson.mapper();

    /**
     * An answer: the HTTP status and the JSON body.
     *
     * @param status the HTTP status
     * @param body the parsed body (a missing or non-JSON body reads as a JSON string)
     */
    public record Response(int status, JsonNode body) {
        /**
         * The body of a 2xx answer.
         *
         * @throws LoopException with the server's message otherwise
         */
        public JsonNode ok() {
            if (status / 100 != 2) {
                JsonNode message = body.path("error").path("message");
                throw new LoopException(status, body.path("error").path("type").asText("error"), "HTTP " + status
                        + ": " + (message.isMissingNode() ? body.toString() : message.asText()), null);
            }
            return body;
        }
    }

    /** A client of the server at {@code base} with the API key {@code key} (null: none). */
    public LoopClient(URI base, String key) {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), base, key);
    }

    /** A client that shares {@code http}. */
    public LoopClient(HttpClient http, URI base, String key) {
        this.http = Objects.requireNonNull(http, "http");
        this.base = Objects.requireNonNull(base, "base");
        this.key = key;
    }

    /** The same server with another key. */
    public LoopClient withKey(String otherKey) {
        return new LoopClient(http, base, otherKey);
    }

    /** Another server (a replica) with the same key. */
    public LoopClient at(URI otherBase) {
        return new LoopClient(http, otherBase, key);
    }

    /** GET {@code path}. */
    public Response get(String path) {
        return send(request(path).GET());
    }

    /** POST {@code body} as JSON to {@code path} (null: no body). */
    public Response post(String path, Object body) {
        try {
            String text = body == null ? "" : body instanceof String s ? s : json.writeValueAsString(body);
            return send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(text)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LoopInputException("Cannot write the request body as JSON: " + e.getOriginalMessage());
        }
    }

    /** POST the file {@code file} with {@code contentType} to {@code path}, streamed. */
    public Response upload(String path, Path file, String contentType) {
        try {
            return send(request(path).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofFile(file)));
        } catch (java.io.FileNotFoundException e) {
            throw new LoopInputException("Upload file " + file + " does not exist");
        }
    }

    /** POST {@code bytes} with {@code contentType} to {@code path}. */
    public Response upload(String path, byte[] bytes, String contentType) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    /**
     * Polls the job {@code id} until it succeeds or fails, up to {@code timeout}.
     *
     * @return the job's last state
     */
    public JsonNode awaitJob(long id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode job = get("/api/v1/jobs/" + id).ok();
            String status = job.path("status").asText();
            if (status.equals("succeeded") || status.equals("failed") || System.nanoTime() > deadline) {
                return job;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return job;
            }
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = r.body().isEmpty() ? json.getNodeFactory().nullNode() : json.readTree(r.body());
            } catch (IOException notJson) {
                body = json.getNodeFactory().textNode(r.body());
            }
            return new Response(r.statusCode(), body);
        } catch (IOException e) {
            throw new LoopException("Cannot reach the loop server at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoopException("Interrupted while calling " + base, e);
        }
    }
}
