package dev.aperture.openai;

import dev.aperture.chat.ChatRequest;
import java.util.Objects;

/**
 * A decoded OpenAI chat-completions request: the canonical request plus the two transport options
 * that are not part of it, {@code stream} and {@code stream_options.include_usage}.
 *
 * @param chatRequest the request in the canonical model
 * @param stream whether the client asked for server-sent events
 * @param includeUsage whether a streaming client asked for a final usage chunk
 */
public record OpenAiChatRequest(ChatRequest chatRequest, boolean stream, boolean includeUsage) {
  public OpenAiChatRequest {
    Objects.requireNonNull(chatRequest, "chatRequest");
  }
}
