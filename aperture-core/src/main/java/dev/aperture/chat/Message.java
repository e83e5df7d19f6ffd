package dev.aperture.chat;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation. System messages may appear anywhere in the canonical model; codecs
 * for APIs that take a separate system prompt hoist them.
 */
public record Message(Role role, List<ContentPart> content) {
  public Message {
    Objects.requireNonNull(role, "role");
    content = List.copyOf(content);
  }

  public static Message system(String text) {
    return new Message(Role.SYSTEM, List.of(new ContentPart.Text(text)));
  }

  public static Message user(String text) {
    return new Message(Role.USER, List.of(new ContentPart.Text(text)));
  }

  public static Message user(ContentPart... parts) {
    return new Message(Role.USER, List.of(parts));
  }

  public static Message assistant(String text) {
    return new Message(Role.ASSISTANT, List.of(new ContentPart.Text(text)));
  }

  public static Message assistant(ContentPart... parts) {
    return new Message(Role.ASSISTANT, List.of(parts));
  }

  /** A tool result message answering the call {@code toolCallId}. */
  public static Message toolResult(String toolCallId, String text) {
    return new Message(Role.TOOL, List.of(ContentPart.ToolResult.ofText(toolCallId, text)));
  }

  /** The text parts joined, without separators. */
  public String text() {
    if (content.size() == 1 && content.get(0) instanceof ContentPart.Text only) {
      return only.text();
    }
    StringBuilder sb = new StringBuilder();
    for (ContentPart p : content) {
      if (p instanceof ContentPart.Text t) {
        sb.append(t.text());
      }
    }
    return sb.toString();
  }
}
