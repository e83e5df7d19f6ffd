package dev.aperture.chat;

import dev.aperture.cost.Cost;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a streamed answer. {@code index} is the content block index within the answer (not
 * an OpenAI choice index, not a tool-call counter). Text and reasoning blocks start with their
 * first delta; tool calls start with {@link ToolCallStart}.
 *
 * <p>A well-formed stream is: {@link Start}, then deltas, then {@link Finish} as the last event. A
 * stream that cannot finish throws {@link dev.aperture.StreamException} from its iterator.
 */
public sealed interface ChatEvent
    permits ChatEvent.Start,
        ChatEvent.TextDelta,
        ChatEvent.ToolCallStart,
        ChatEvent.ToolCallDelta,
        ChatEvent.ToolCallEnd,
        ChatEvent.ReasoningDelta,
        ChatEvent.ReasoningSignature,
        ChatEvent.RedactedReasoning,
        ChatEvent.BlockStop,
        ChatEvent.Finish {

  /** The answer began. */
  record Start(String id, String model, String provider) implements ChatEvent {}

  /** More text for content block {@code index}. */
  record TextDelta(int index, String text) implements ChatEvent {}

  /** Content block {@code index} is a call to tool {@code name}; its arguments follow. */
  record ToolCallStart(int index, String id, String name) implements ChatEvent {}

  /** A fragment of the tool call's JSON arguments; fragments are not valid JSON on their own. */
  record ToolCallDelta(int index, String argumentsFragment) implements ChatEvent {}

  /** The tool call is complete; {@code argumentsJson} is the joined, validated arguments. */
  record ToolCallEnd(int index, String id, String name, String argumentsJson)
      implements ChatEvent {}

  /** More reasoning ("thinking") text for content block {@code index}. */
  record ReasoningDelta(int index, String text) implements ChatEvent {}

  /** The signature of the reasoning in block {@code index}; send it back with that reasoning. */
  record ReasoningSignature(int index, String signature) implements ChatEvent {}

  /** Encrypted reasoning for block {@code index}: opaque base64 data to send back unchanged. */
  record RedactedReasoning(int index, String data) implements ChatEvent {}

  /** A content block ended. */
  record BlockStop(int index) implements ChatEvent {}

  /**
   * The answer is complete: both the stop reason and the usage arrived. Always the last event. Cost
   * is filled in by the router.
   */
  record Finish(
      StopReason stopReason,
      String rawStopReason,
      String stopSequence,
      Usage usage,
      Cost cost,
      String costUnavailableReason,
      Long latencyMillis)
      implements ChatEvent {
    public Finish {
      Objects.requireNonNull(stopReason, "stopReason");
      Objects.requireNonNull(usage, "usage");
      if (rawStopReason == null) {
        rawStopReason = stopReason.wireName();
      }
    }

    public Finish(StopReason stopReason, String rawStopReason, Usage usage) {
      this(stopReason, rawStopReason, null, usage, null, null, null);
    }

    public Optional<Cost> costValue() {
      return Optional.ofNullable(cost);
    }

    /** This event with the cost (or the reason there is none) filled in. */
    public Finish withCost(Cost newCost, String reasonIfNone) {
      return new Finish(
          stopReason, rawStopReason, stopSequence, usage, newCost, reasonIfNone, latencyMillis);
    }
  }
}
