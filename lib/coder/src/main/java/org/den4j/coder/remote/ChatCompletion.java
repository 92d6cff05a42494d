package org.den4j.coder.remote;

/**
 * The answer of a chat completion: the first choice's message and what it cost.
 *
 * @param id the server's id of the completion (may be null)
 * @param model the model that answered, as the server names it
 * @param content the assistant message's text
 * @param finishReason why generation stopped ({@code stop}, {@code length}, ...; may be null)
 * @param promptTokens tokens of the prompt, or -1 when the server did not say
 * @param completionTokens tokens generated, or -1 when the server did not say
 */
public record ChatCompletion(String id, String model, String content, String finishReason, int promptTokens,
        int completionTokens) {
}
