package org.den4j.coder.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.den4j.coder.CoderInputException;

/**
 * A small client of the OpenAI-compatible HTTP API ({@code /v1/chat/completions}, {@code /v1/models}) over
 * {@code java.net.http}: what LM Studio, llama.cpp's server, vLLM, LiteLLM and den4j's own server speak. Written
 * here because the official Java SDK is Kotlin and den4j stays Kotlin-free.
 *
 * <pre>{@code
 * OpenAiClient client = OpenAiClient.builder("http://localhost:1234/v1").apiKey(System.getenv("LMSTUDIO_KEY"))
 *     .requestTimeout(Duration.ofSeconds(60)).build();
 * ChatCompletion c = client.chat(ChatRequest.of("icd-coder", "Predict the medical codes for ...", 64));
 * }</pre>
 *
 * <p>Connection failures, timeouts, 408, 429 and 5xx answers are retried with exponential backoff and jitter,
 * waiting what a {@code Retry-After} header asks (seconds or an HTTP date) when it is within
 * {@link Builder#maxRetryWait}. Other errors are not retried. Every failure is a {@link RemoteCallException} with
 * the server's own message. Not supported: streaming, tools, images. Instances are immutable and safe to share.
 */
public final class OpenAiClient {
    /** The largest answer body read; a longer one is an error rather than a memory risk. */
    static final int MAX_BODY_BYTES = 8 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String apiKey;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxRetryWait;
    private final HttpClient http;

    private OpenAiClient(Builder b) {
        this.baseUrl = b.baseUrl;
        this.apiKey = b.apiKey;
        this.requestTimeout = b.requestTimeout;
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxRetryWait = b.maxRetryWait;
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /**
     * A builder for the server at {@code baseUrl}, the OpenAI base URL ending in {@code /v1}
     * ({@code http://localhost:1234/v1}); a URL without a path gets {@code /v1}.
     *
     * @throws CoderInputException when it is not an http(s) URL
     */
    public static Builder builder(String baseUrl) {
        return new Builder(parseBaseUrl(baseUrl));
    }

    /** The base URL, ending in {@code /v1} unless the caller gave another path. */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * Sends a chat completion request and returns the first choice.
     *
     * @throws RemoteCallException when the server refuses it, answers something that is not a chat completion, or
     *     cannot be reached within the retries
     */
    public ChatCompletion chat(ChatRequest request) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a chat request as JSON", e);
        }
        URI url = endpoint("chat/completions");
        JsonNode answer = send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json"), url);
        JsonNode choice = answer.path("choices").path(0);
        JsonNode content = choice.path("message").path("content");
        if (!content.isTextual()) {
            throw new RemoteCallException(url + " answered 200 without choices[0].message.content: not an "
                    + "OpenAI-compatible chat completion", url.toString(), 200, null, null, null);
        }
        JsonNode usage = answer.path("usage");
        return new ChatCompletion(text(answer.get("id")), text(answer.get("model")), content.asText(),
                text(choice.get("finish_reason")), usage.path("prompt_tokens").asInt(-1),
                usage.path("completion_tokens").asInt(-1));
    }

    /**
     * The ids of the models the server serves ({@code GET /v1/models}).
     *
     * @throws RemoteCallException as {@link #chat}
     */
    public List<String> models() {
        URI url = endpoint("models");
        JsonNode answer = send(HttpRequest.newBuilder(url).GET(), url);
        List<String> ids = new ArrayList<>();
        for (JsonNode m : answer.path("data")) {
            if (m.path("id").isTextual()) {
                ids.add(m.path("id").asText());
            }
        }
        return ids;
    }

    private URI endpoint(String path) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }

    private JsonNode send(HttpRequest.Builder builder, URI url) {
        builder.timeout(requestTimeout).header("Accept", "application/json");
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest request = builder.build();
        for (int attempt = 0; ; attempt++) {
            Duration wait;
            RemoteCallException failure;
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                byte[] bytes = readBounded(response.body(), url);
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return parse(bytes, url, status);
                }
                failure = errorOf(url, status, bytes, attempt);
                if (!retryable(status)) {
                    throw failure;
                }
                wait = retryAfter(response).orElse(null);
                if (wait != null && wait.compareTo(maxRetryWait) > 0) {
                    throw new RemoteCallException(failure.getMessage() + "; it asks to retry after "
                            + wait.toSeconds() + " s, longer than the " + maxRetryWait.toSeconds() + " s den4j waits",
                            url.toString(), status, failure.errorType(), failure.errorCode(), null);
                }
            } catch (HttpTimeoutException e) {
                failure = new RemoteCallException(url + " did not answer within " + requestTimeout.toMillis()
                        + " ms" + tries(attempt) + "; raise the timeout or check the server", url.toString(), 0, null,
                        null, e);
                wait = null;
            } catch (ConnectException e) {
                failure = new RemoteCallException("Cannot connect to " + url + tries(attempt) + " (" + e + "); is "
                        + "the server running?", url.toString(), 0, null, null, e);
                wait = null;
            } catch (IOException e) {
                failure = new RemoteCallException("Call to " + url + " failed" + tries(attempt) + ": " + e,
                        url.toString(), 0, null, null, e);
                wait = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteCallException("Interrupted while calling " + url, url.toString(), 0, null, null, e);
            }
            if (attempt >= maxRetries) {
                throw failure;
            }
            sleep(wait != null ? wait : backoff(attempt), url);
        }
    }

    private String tries(int attempt) {
        return attempt == 0 ? "" : " (" + (attempt + 1) + " tries)";
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private Duration backoff(int attempt) {
        long base = initialBackoff.toMillis() << Math.min(attempt, 16);
        long capped = Math.min(base, maxRetryWait.toMillis());
        // Full jitter halves the chance that many clients retry in step.
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static void sleep(Duration wait, URI url) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteCallException("Interrupted while waiting to retry " + url, url.toString(), 0, null, null,
                    e);
        }
    }

    /** The wait a {@code Retry-After} header asks for: delay-seconds or an HTTP date. */
    static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> parseRetryAfter(v, ZonedDateTime.now()));
    }

    static java.util.Optional<Duration> parseRetryAfter(String value, ZonedDateTime now) {
        String v = value.strip();
        if (v.chars().allMatch(Character::isDigit) && !v.isEmpty() && v.length() < 10) {
            return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(now, at);
            return java.util.Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }

    private static byte[] readBounded(InputStream in, URI url) throws IOException {
        try (in) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new RemoteCallException(url + " answered more than " + (MAX_BODY_BYTES >> 20) + " MiB; that is "
                        + "not a chat completion", url.toString(), 0, null, null, null);
            }
            return bytes;
        }
    }

    private static JsonNode parse(byte[] bytes, URI url, int status) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new RemoteCallException(url + " answered " + status + " with " + preview(bytes) + ", not a JSON "
                        + "object: is it an OpenAI-compatible server?", url.toString(), status, null, null, null);
            }
            return node;
        } catch (IOException e) {
            throw new RemoteCallException(url + " answered " + status + " with " + preview(bytes) + ", not JSON: is "
                    + "it an OpenAI-compatible server?", url.toString(), status, null, null, e);
        }
    }

    /** The error of a non-2xx answer, from OpenAI's {@code {"error":{...}}} shape when the body has it. */
    private RemoteCallException errorOf(URI url, int status, byte[] bytes, int attempt) {
        String message = null;
        String type = null;
        String code = null;
        try {
            JsonNode error = JSON.readTree(bytes).path("error");
            if (error.isObject()) {
                message = text(error.get("message"));
                type = text(error.get("type"));
                code = error.hasNonNull("code") ? error.get("code").asText() : null;
            } else if (error.isTextual()) {
                message = error.asText(); // some servers (older llama.cpp) send {"error": "..."}
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the preview below says what it was
        }
        StringBuilder s = new StringBuilder(url.toString()).append(" answered ").append(status);
        s.append(tries(attempt)).append(": ").append(message != null ? oneLine(message) : preview(bytes));
        if (type != null || code != null) {
            s.append(" (");
            if (type != null) {
                s.append("type ").append(type);
            }
            if (code != null) {
                s.append(type != null ? ", " : "").append("code ").append(code);
            }
            s.append(')');
        }
        if (status == 401 || status == 403) {
            s.append("; check the API key (--api-key-env names the variable that holds it)");
        } else if (status == 404) {
            s.append("; check the base URL (it ends in /v1) and the model name");
        }
        return new RemoteCallException(s.toString(), url.toString(), status, type, code, null);
    }

    private static String preview(byte[] bytes) {
        if (bytes.length == 0) {
            return "an empty body";
        }
        String text = oneLine(new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8));
        return "\"" + text + (bytes.length > 200 ? "..." : "") + "\"";
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static URI parseBaseUrl(String baseUrl) {
        URI uri;
        try {
            uri = new URI(Objects.requireNonNull(baseUrl, "baseUrl").strip());
        } catch (URISyntaxException e) {
            throw new CoderInputException("Remote URL '" + baseUrl + "' is not a URL; give the server's OpenAI base "
                    + "URL, such as http://localhost:1234/v1", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new CoderInputException("Remote URL '" + baseUrl + "' is not an http(s) URL with a host; give the "
                    + "server's OpenAI base URL, such as http://localhost:1234/v1");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new CoderInputException("Remote URL '" + baseUrl + "' has a query or fragment; give only the base "
                    + "URL, such as http://localhost:1234/v1");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.isEmpty() || path.equals("/")) {
            path = "/v1";
        } else if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    /** Builds an {@link OpenAiClient}; the base URL is required, everything else has a default. */
    public static final class Builder {
        private final URI baseUrl;
        private String apiKey;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(120);
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxRetryWait = Duration.ofSeconds(30);
        private HttpClient http;

        private Builder(URI baseUrl) {
            this.baseUrl = baseUrl;
        }

        /** The API key sent as {@code Authorization: Bearer KEY}; null (the default) sends none. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
            return this;
        }

        /** How long to wait for a connection (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        /** How long one request may take, generation included (default 120 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "request timeout");
            return this;
        }

        /** Retries after the first try (default 3; 0 never retries). */
        public Builder maxRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("retries must be 0 or more, was " + retries);
            }
            this.maxRetries = retries;
            return this;
        }

        /** The first backoff; it doubles each retry, with jitter (default 500 ms). */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = positive(backoff, "backoff");
            return this;
        }

        /** The longest wait before a retry, also the longest {@code Retry-After} honoured (default 30 s). */
        public Builder maxRetryWait(Duration wait) {
            this.maxRetryWait = positive(wait, "retry wait");
            return this;
        }

        /** The HTTP client to use (default: a new one with the connect timeout); share one across clients. */
        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        public OpenAiClient build() {
            return new OpenAiClient(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
