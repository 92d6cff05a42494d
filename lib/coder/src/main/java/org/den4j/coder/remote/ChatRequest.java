package org.den4j.coder.remote;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * The body of {@code POST /v1/chat/completions} (the fields den4j sends; null ones are left out).
 *
 * @param model the served model's name
 * @param messages the conversation, oldest first
 * @param temperature sampling temperature (0: greedy), or null for the server's default
 * @param maxTokens at most this many generated tokens, or null
 * @param seed the sampling seed, or null
 * @param stop stop sequences, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"model", "messages", "temperature", "max_tokens", "seed", "stop", "stream"})
public record ChatRequest(@JsonProperty("model") String model, @JsonProperty("messages") List<ChatMessage> messages,
        @JsonProperty("temperature") Double temperature, @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("seed") Long seed, @JsonProperty("stop") List<String> stop) {
    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        stop = stop == null ? null : List.copyOf(stop);
    }

    /** One user message to {@code model}, greedy, at most {@code maxTokens} tokens. */
    public static ChatRequest of(String model, String userMessage, int maxTokens) {
        return new ChatRequest(model, List.of(ChatMessage.user(userMessage)), 0.0, maxTokens, null, null);
    }

    /** Always false: den4j reads whole answers. */
    @JsonProperty("stream")
    public boolean stream() {
        return false;
    }
}
