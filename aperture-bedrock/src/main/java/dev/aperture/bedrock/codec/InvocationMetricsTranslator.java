package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import java.util.List;

/**
 * InvokeModelWithResponseStream for a model family this library does not decode (Llama, Mistral,
 * Nova, an opaque inference-profile ARN…): only the usage, from the {@code
 * amazon-bedrock-invocationMetrics} object Bedrock adds to the last chunk of every family. Emits a
 * single {@link ChatEvent.Finish} with stop reason {@link StopReason#OTHER} when it arrives;
 * exception frames and malformed chunks throw as in the other translators.
 */
final class InvocationMetricsTranslator implements StreamTranslator {
  private boolean complete;

  @Override
  public void accept(EventStreamMessage message, List<ChatEvent> out) {
    StreamFrames.rejectErrors(message);
    if (complete || !message.eventType().orElse("").equals("chunk")) {
      return;
    }
    JsonNode metrics =
        AnthropicStreamTranslator.anthropicEvent(message).get("amazon-bedrock-invocationMetrics");
    if (metrics == null || !metrics.isObject()) {
      return;
    }
    Usage usage =
        Usage.builder()
            .inputTokens(WireJson.count(metrics, "inputTokenCount"))
            .outputTokens(WireJson.count(metrics, "outputTokenCount"))
            .cacheReadTokens(WireJson.count(metrics, "cacheReadInputTokenCount"))
            .cacheWrite5mTokens(WireJson.count(metrics, "cacheWriteInputTokenCount"))
            .build();
    JsonNode latency = metrics.get("invocationLatency");
    complete = true;
    out.add(
        new ChatEvent.Finish(
            StopReason.OTHER,
            null,
            null,
            usage,
            null,
            null,
            latency != null && latency.canConvertToLong() ? latency.asLong() : null));
  }

  @Override
  public boolean isComplete() {
    return complete;
  }
}
