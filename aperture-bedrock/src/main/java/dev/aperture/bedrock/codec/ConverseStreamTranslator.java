package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import java.util.List;

/**
 * ConverseStream → canonical events. Bedrock sends no {@code contentBlockStart} for text or
 * reasoning blocks, so blocks are keyed by {@code contentBlockIndex}; usage ({@code metadata})
 * arrives after {@code messageStop}, and the {@link ChatEvent.Finish} waits for both.
 */
final class ConverseStreamTranslator implements StreamTranslator {
  private final StreamBlocks blocks;
  private String stopReason;
  private Usage usage;
  private Long latencyMillis;
  private boolean complete;

  ConverseStreamTranslator(String model, String provider) {
    this.blocks = new StreamBlocks(model, provider);
  }

  @Override
  public void accept(EventStreamMessage message, List<ChatEvent> out) {
    StreamFrames.rejectErrors(message);
    String type = message.eventType().orElse("");
    switch (type) {
      case "messageStart":
        blocks.start(null, out);
        break;
      case "contentBlockStart":
        {
          blocks.start(null, out);
          JsonNode p = StreamFrames.payload(message);
          int index = StreamFrames.index(p, "contentBlockIndex");
          JsonNode toolUse = p.path("start").path("toolUse");
          if (toolUse.isObject()) {
            blocks.toolStart(
                index, WireJson.text(toolUse, "toolUseId"), WireJson.text(toolUse, "name"), out);
          }
          break;
        }
      case "contentBlockDelta":
        {
          blocks.start(null, out);
          JsonNode p = StreamFrames.payload(message);
          delta(StreamFrames.index(p, "contentBlockIndex"), p.path("delta"), out);
          break;
        }
      case "contentBlockStop":
        {
          JsonNode p = StreamFrames.payload(message);
          int index = StreamFrames.index(p, "contentBlockIndex");
          blocks.stop(index, out);
          break;
        }
      case "messageStop":
        {
          JsonNode p = StreamFrames.payload(message);
          stopReason = StreamBlocks.orEmpty(WireJson.text(p, "stopReason"));
          maybeFinish(out);
          break;
        }
      case "metadata":
        {
          JsonNode p = StreamFrames.payload(message);
          usage = ConverseCodec.usage(p.get("usage"));
          JsonNode latency = p.path("metrics").get("latencyMs");
          latencyMillis = latency != null && latency.canConvertToLong() ? latency.asLong() : null;
          maybeFinish(out);
          break;
        }
      default:
        // Events this version does not know are skipped, as the AWS SDKs do.
        break;
    }
  }

  private void delta(int index, JsonNode delta, List<ChatEvent> out) {
    String text = WireJson.text(delta, "text");
    if (text != null) {
      out.add(new ChatEvent.TextDelta(index, text));
      return;
    }
    JsonNode toolUse = delta.get("toolUse");
    if (toolUse != null) {
      blocks.toolFragment(index, WireJson.text(toolUse, "input"), out);
      return;
    }
    JsonNode reasoning = delta.get("reasoningContent");
    if (reasoning != null) {
      String r = WireJson.text(reasoning, "text");
      if (r != null) {
        out.add(new ChatEvent.ReasoningDelta(index, r));
      }
      String signature = WireJson.text(reasoning, "signature");
      if (signature != null) {
        out.add(new ChatEvent.ReasoningSignature(index, signature));
      }
      String redacted = WireJson.text(reasoning, "redactedContent");
      if (redacted != null) {
        out.add(new ChatEvent.RedactedReasoning(index, redacted));
      }
    }
  }

  private void maybeFinish(List<ChatEvent> out) {
    if (!complete && stopReason != null && usage != null) {
      complete = true;
      out.add(
          new ChatEvent.Finish(
              StopReason.fromWire(stopReason), stopReason, null, usage, null, null, latencyMillis));
    }
  }

  @Override
  public boolean isComplete() {
    return complete;
  }

  @Override
  public Usage usageSoFar() {
    return usage != null ? usage : Usage.ZERO; // Converse reports usage only in metadata
  }
}
