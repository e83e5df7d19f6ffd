package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ConverseStream → canonical events. Bedrock sends no {@code contentBlockStart} for text or
 * reasoning blocks, so blocks are keyed by {@code contentBlockIndex}; usage ({@code metadata})
 * arrives after {@code messageStop}, and the {@link ChatEvent.Finish} waits for both.
 */
final class ConverseStreamTranslator implements StreamTranslator {
  private final String model;
  private final String provider;
  private final Map<Integer, ToolBlock> tools = new HashMap<>();
  private boolean started;
  private String stopReason;
  private Usage usage;
  private Long latencyMillis;
  private boolean complete;

  ConverseStreamTranslator(String model, String provider) {
    this.model = model;
    this.provider = provider;
  }

  @Override
  public void accept(EventStreamMessage message, List<ChatEvent> out) {
    StreamFrames.rejectErrors(message);
    String type = message.eventType().orElse("");
    switch (type) {
      case "messageStart":
        start(out);
        break;
      case "contentBlockStart":
        {
          start(out);
          JsonNode p = StreamFrames.payload(message);
          int index = StreamFrames.index(p, "contentBlockIndex");
          JsonNode toolUse = p.path("start").path("toolUse");
          if (toolUse.isObject()) {
            ToolBlock t =
                new ToolBlock(
                    orEmpty(WireJson.text(toolUse, "toolUseId")),
                    orEmpty(WireJson.text(toolUse, "name")));
            tools.put(index, t);
            out.add(new ChatEvent.ToolCallStart(index, t.id, t.name));
          }
          break;
        }
      case "contentBlockDelta":
        {
          start(out);
          JsonNode p = StreamFrames.payload(message);
          delta(StreamFrames.index(p, "contentBlockIndex"), p.path("delta"), out);
          break;
        }
      case "contentBlockStop":
        {
          JsonNode p = StreamFrames.payload(message);
          int index = StreamFrames.index(p, "contentBlockIndex");
          ToolBlock t = tools.remove(index);
          if (t != null) {
            out.add(
                new ChatEvent.ToolCallEnd(
                    index,
                    t.id,
                    t.name,
                    StreamFrames.toolArguments(t.arguments.toString(), index)));
          }
          out.add(new ChatEvent.BlockStop(index));
          break;
        }
      case "messageStop":
        {
          JsonNode p = StreamFrames.payload(message);
          stopReason = orEmpty(WireJson.text(p, "stopReason"));
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
      String fragment = orEmpty(WireJson.text(toolUse, "input"));
      ToolBlock t = tools.computeIfAbsent(index, i -> new ToolBlock("", ""));
      t.arguments.append(fragment);
      out.add(new ChatEvent.ToolCallDelta(index, fragment));
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

  private void start(List<ChatEvent> out) {
    if (!started) {
      started = true;
      out.add(new ChatEvent.Start(WireJson.generatedMessageId(), model, provider));
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

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static final class ToolBlock {
    final String id;
    final String name;
    final StringBuilder arguments = new StringBuilder();

    ToolBlock(String id, String name) {
      this.id = id;
      this.name = name;
    }
  }
}
