package dev.aperture.bedrock.codec;

import dev.aperture.chat.ChatEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The block bookkeeping both stream translators share: the one {@link ChatEvent.Start}, and tool
 * calls whose argument fragments are joined per content block and parsed when the block stops.
 */
final class StreamBlocks {
  private final String model;
  private final String provider;
  private final Map<Integer, ToolBlock> tools = new HashMap<>();
  private boolean started;

  StreamBlocks(String model, String provider) {
    this.model = model;
    this.provider = provider;
  }

  /** Emits the start event once; {@code id} null means the provider gave none. */
  void start(String id, List<ChatEvent> out) {
    if (!started) {
      started = true;
      out.add(
          new ChatEvent.Start(id != null ? id : WireJson.generatedMessageId(), model, provider));
    }
  }

  void toolStart(int index, String id, String name, List<ChatEvent> out) {
    ToolBlock t = new ToolBlock(orEmpty(id), orEmpty(name));
    tools.put(index, t);
    out.add(new ChatEvent.ToolCallStart(index, t.id, t.name));
  }

  void toolFragment(int index, String fragment, List<ChatEvent> out) {
    String f = orEmpty(fragment);
    tools.computeIfAbsent(index, i -> new ToolBlock("", "")).arguments.append(f);
    out.add(new ChatEvent.ToolCallDelta(index, f));
  }

  /** Ends block {@code index}: a tool call gets its parsed arguments, every block a stop event. */
  void stop(int index, List<ChatEvent> out) {
    ToolBlock t = tools.remove(index);
    if (t != null) {
      out.add(
          new ChatEvent.ToolCallEnd(
              index, t.id, t.name, StreamFrames.toolArguments(t.arguments.toString(), index)));
    }
    out.add(new ChatEvent.BlockStop(index));
  }

  static String orEmpty(String s) {
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
