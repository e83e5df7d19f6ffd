package dev.aperture.chat;

import java.util.Locale;

/**
 * Why the model stopped, in one vocabulary for every provider. Distinct upstream reasons stay
 * distinct; the raw upstream value is kept beside it on responses and events.
 */
public enum StopReason {
  END_TURN,
  MAX_TOKENS,
  STOP_SEQUENCE,
  TOOL_USE,
  /** A guardrail intervened. */
  GUARDRAIL_INTERVENED,
  /** The provider's content filter stopped the output. */
  CONTENT_FILTERED,
  /** The model's context window is full. */
  CONTEXT_WINDOW_EXCEEDED,
  MALFORMED_MODEL_OUTPUT,
  MALFORMED_TOOL_USE,
  /** A long-running turn paused (Anthropic server tools); send the response back to continue. */
  PAUSE_TURN,
  /** The model refused. */
  REFUSAL,
  /** A value this library does not know; see the raw value. */
  OTHER;

  /**
   * Maps a Bedrock Converse or Anthropic Messages stop reason (snake_case) to the canonical one.
   */
  public static StopReason fromWire(String raw) {
    if (raw == null) {
      return OTHER;
    }
    switch (raw.toLowerCase(Locale.ROOT)) {
      case "end_turn":
        return END_TURN;
      case "max_tokens":
        return MAX_TOKENS;
      case "stop_sequence":
        return STOP_SEQUENCE;
      case "tool_use":
        return TOOL_USE;
      case "guardrail_intervened":
        return GUARDRAIL_INTERVENED;
      case "content_filtered":
        return CONTENT_FILTERED;
      case "model_context_window_exceeded":
        return CONTEXT_WINDOW_EXCEEDED;
      case "malformed_model_output":
        return MALFORMED_MODEL_OUTPUT;
      case "malformed_tool_use":
        return MALFORMED_TOOL_USE;
      case "pause_turn":
        return PAUSE_TURN;
      case "refusal":
        return REFUSAL;
      default:
        return OTHER;
    }
  }

  /** The snake_case wire name used by Converse and Anthropic ({@code end_turn}, …). */
  public String wireName() {
    return this == CONTEXT_WINDOW_EXCEEDED
        ? "model_context_window_exceeded"
        : name().toLowerCase(Locale.ROOT);
  }
}
