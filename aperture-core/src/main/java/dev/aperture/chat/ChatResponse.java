package dev.aperture.chat;

import dev.aperture.cost.Cost;
import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/** A complete answer in the canonical model, with usage and (when priced) cost. */
@Value.Immutable
public abstract class ChatResponse {
  /** The provider's id for this answer (a generated one when the provider gave none). */
  public abstract String id();

  /** The model as the caller named it. */
  public abstract String model();

  /** The id of the provider that answered. */
  public abstract String provider();

  /** The answer's content parts, in order. */
  public abstract List<ContentPart> content();

  public abstract StopReason stopReason();

  /** The provider's own stop reason value, e.g. {@code guardrail_intervened}. */
  @Value.Default
  public String rawStopReason() {
    return stopReason().wireName();
  }

  /** The stop sequence that ended the answer, when the provider reports it. */
  public abstract Optional<String> stopSequence();

  public abstract Usage usage();

  /** The estimated cost; empty when the model has no price (see {@link #costUnavailableReason}). */
  public abstract Optional<Cost> cost();

  /** Why there is no cost, when there is none. */
  public abstract Optional<String> costUnavailableReason();

  /** Provider latency in milliseconds, when reported. */
  public abstract Optional<Long> latencyMillis();

  /**
   * Provider-specific response fields as JSON text by name (e.g. Converse
   * additionalModelResponseFields).
   */
  public abstract java.util.Map<String, String> extraFields();

  /** The text parts joined. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    for (ContentPart p : content()) {
      if (p instanceof ContentPart.Text t) {
        sb.append(t.text());
      }
    }
    return sb.toString();
  }

  /** The tool calls, in order. */
  public List<ContentPart.ToolCall> toolCalls() {
    return content().stream()
        .filter(ContentPart.ToolCall.class::isInstance)
        .map(ContentPart.ToolCall.class::cast)
        .toList();
  }

  public static ImmutableChatResponse.Builder builder() {
    return ImmutableChatResponse.builder();
  }
}
