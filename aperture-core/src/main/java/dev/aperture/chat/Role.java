package dev.aperture.chat;

/** Who wrote a message. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT,
  /** The result of a tool call, sent back by the caller. */
  TOOL
}
