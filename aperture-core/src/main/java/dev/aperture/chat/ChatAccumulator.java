package dev.aperture.chat;

import dev.aperture.StreamException;
import dev.aperture.internal.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds the complete {@link ChatResponse} from a stream's events, so that a streamed and an
 * unstreamed call for the same answer give equal responses. Not thread-safe.
 */
public final class ChatAccumulator {
  private final Map<Integer, Block> blocks = new TreeMap<>();
  private String id;
  private String model;
  private String provider;
  private ChatEvent.Finish finish;

  /** Adds one event. */
  public void accept(ChatEvent event) {
    // Java 17: no pattern switch; the union is closed, so this chain is exhaustive.
    if (event instanceof ChatEvent.TextDelta d) {
      block(d.index(), Kind.TEXT).text.append(d.text());
    } else if (event instanceof ChatEvent.ToolCallDelta d) {
      block(d.index(), Kind.TOOL_CALL).text.append(d.argumentsFragment());
    } else if (event instanceof ChatEvent.ReasoningDelta d) {
      block(d.index(), Kind.REASONING).text.append(d.text());
    } else if (event instanceof ChatEvent.Start s) {
      id = s.id();
      model = s.model();
      provider = s.provider();
    } else if (event instanceof ChatEvent.ToolCallStart s) {
      Block b = block(s.index(), Kind.TOOL_CALL);
      b.toolId = s.id();
      b.toolName = s.name();
    } else if (event instanceof ChatEvent.ToolCallEnd e) {
      Block b = block(e.index(), Kind.TOOL_CALL);
      b.toolId = e.id();
      b.toolName = e.name();
      b.finalArguments = e.argumentsJson();
    } else if (event instanceof ChatEvent.ReasoningSignature s) {
      block(s.index(), Kind.REASONING).signature = s.signature();
    } else if (event instanceof ChatEvent.RedactedReasoning r) {
      block(r.index(), Kind.REDACTED).text.append(r.data());
    } else if (event instanceof ChatEvent.Finish f) {
      finish = f;
    }
    // BlockStop: a block is complete when its last delta arrived; nothing to record.
  }

  private Block block(int index, Kind kind) {
    Block b = blocks.computeIfAbsent(index, i -> new Block(kind));
    if (b.kind != kind) {
      throw new StreamException(
          StreamException.Kind.BAD_FRAME,
          "content block " + index + " changed type from " + b.kind + " to " + kind);
    }
    return b;
  }

  /** Whether the finish event arrived. */
  public boolean isComplete() {
    return finish != null;
  }

  /**
   * The answer so far. Throws {@link StreamException} ({@code TRUNCATED}) if the finish event has
   * not arrived: an incomplete answer is never passed off as a normal one.
   */
  public ChatResponse response() {
    if (finish == null) {
      throw new StreamException(
          StreamException.Kind.TRUNCATED,
          "the stream ended before its stop reason and usage arrived");
    }
    List<ContentPart> parts = new ArrayList<>(blocks.size());
    for (Block b : blocks.values()) {
      parts.add(b.toPart());
    }
    ImmutableChatResponse.Builder r =
        ChatResponse.builder()
            .id(id != null ? id : "msg_" + Ids.randomUuid())
            .model(model != null ? model : "")
            .provider(provider != null ? provider : "")
            .content(parts)
            .stopReason(finish.stopReason())
            .rawStopReason(finish.rawStopReason())
            .usage(finish.usage());
    if (finish.stopSequence() != null) {
      r.stopSequence(finish.stopSequence());
    }
    if (finish.cost() != null) {
      r.cost(finish.cost());
    }
    if (finish.costUnavailableReason() != null) {
      r.costUnavailableReason(finish.costUnavailableReason());
    }
    if (finish.latencyMillis() != null) {
      r.latencyMillis(finish.latencyMillis());
    }
    return r.build();
  }

  private enum Kind {
    TEXT,
    TOOL_CALL,
    REASONING,
    REDACTED
  }

  private static final class Block {
    final Kind kind;
    final StringBuilder text = new StringBuilder();
    String toolId;
    String toolName;
    String finalArguments;
    String signature;

    Block(Kind kind) {
      this.kind = kind;
    }

    ContentPart toPart() {
      return switch (kind) {
        case TEXT -> new ContentPart.Text(text.toString());
        case TOOL_CALL ->
            new ContentPart.ToolCall(
                toolId == null ? "" : toolId,
                toolName == null ? "" : toolName,
                finalArguments != null ? finalArguments : text.toString());
        case REASONING -> new ContentPart.Reasoning(text.toString(), signature);
        case REDACTED -> new ContentPart.RedactedReasoning(text.toString());
      };
    }
  }
}
