package org.den4j.coder.remote;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One message of a chat completion request or answer.
 *
 * @param role {@code system}, {@code user} or {@code assistant}
 * @param content the text
 */
public record ChatMessage(@JsonProperty("role") String role, @JsonProperty("content") String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** A message from the user. */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** A system message. */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }
}
