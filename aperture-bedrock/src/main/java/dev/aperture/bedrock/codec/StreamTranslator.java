package dev.aperture.bedrock.codec;

import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.Usage;
import java.util.List;

/**
 * Turns the frames of one Bedrock response stream into canonical events. One instance per stream;
 * not thread-safe. Implementations keep per-block state (tool arguments are joined per content
 * block and parsed when the block stops) and know when the stream is complete.
 */
public interface StreamTranslator {
  /**
   * Translates one frame, appending zero or more events to {@code out}. Throws {@link
   * dev.aperture.StreamException} for exception frames and malformed payloads.
   */
  void accept(EventStreamMessage message, List<ChatEvent> out);

  /** Whether the stop reason and the usage have both arrived (the final event was produced). */
  boolean isComplete();

  /**
   * The usage reported so far: for a stream cut short, what the provider already counted (e.g.
   * Anthropic's {@code message_start} input tokens), so that a cancelled call is still billed.
   */
  default Usage usageSoFar() {
    return Usage.ZERO;
  }

  /** Makes a translator for ConverseStream answers. */
  static StreamTranslator converse(String model, String provider) {
    return new ConverseStreamTranslator(model, provider);
  }

  /** Makes a translator for InvokeModelWithResponseStream answers of Anthropic models. */
  static StreamTranslator anthropicInvoke(String model, String provider) {
    return new AnthropicStreamTranslator(model, provider);
  }

  /**
   * Makes a translator for InvokeModelWithResponseStream answers of any other model family: it
   * reads only the usage Bedrock appends to the last chunk ({@code
   * amazon-bedrock-invocationMetrics}) and emits nothing but the final event.
   */
  static StreamTranslator invocationMetrics() {
    return new InvocationMetricsTranslator();
  }
}
