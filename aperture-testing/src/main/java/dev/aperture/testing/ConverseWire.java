package dev.aperture.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Renders a {@link Reply} as Converse JSON and as ConverseStream events. */
final class ConverseWire {
  private ConverseWire() {}

  /** {@code {output: {message: {role, content}}, stopReason, usage, metrics}}. */
  static ObjectNode response(Reply reply) {
    ArrayNode content = EmulatorJson.MAPPER.createArrayNode();
    for (Reply.Block block : reply.blocks()) {
      ObjectNode out = content.addObject();
      if (block instanceof Reply.Text t) {
        out.put("text", t.joined());
      } else if (block instanceof Reply.ToolUse u) {
        ObjectNode toolUse = out.putObject("toolUse");
        toolUse.put("toolUseId", u.toolUseId());
        toolUse.put("name", u.name());
        toolUse.set("input", u.input().deepCopy());
      } else if (block instanceof Reply.Reasoning r) {
        ObjectNode text = out.putObject("reasoningContent").putObject("reasoningText");
        text.put("text", r.text());
        text.put("signature", r.signature());
      } else if (block instanceof Reply.RedactedReasoning r) {
        out.putObject("reasoningContent").put("redactedContent", r.data());
      }
    }
    ObjectNode response = EmulatorJson.object();
    ObjectNode message = response.putObject("output").putObject("message");
    message.put("role", "assistant");
    message.set("content", content);
    response.put("stopReason", reply.stopReason());
    response.set("usage", usage(reply));
    response.putObject("metrics").put("latencyMs", reply.latency());
    return response;
  }

  /**
   * messageStart, then per block (contentBlockStart for tool calls only) its deltas and a
   * contentBlockStop, then messageStop and finally metadata with the usage.
   */
  static StreamScript events(Reply reply) {
    StreamScript script = new StreamScript();
    ObjectNode start = EmulatorJson.object();
    start.put("role", "assistant");
    script.event("messageStart", payload(start));
    List<Reply.Block> blocks = reply.blocks();
    for (int index = 0; index < blocks.size(); index++) {
      Reply.Block block = blocks.get(index);
      if (block instanceof Reply.Text t) {
        for (String fragment : t.fragments()) {
          ObjectNode delta = delta(index);
          delta.putObject("delta").put("text", fragment);
          script.delta("contentBlockDelta", payload(delta));
        }
      } else if (block instanceof Reply.ToolUse u) {
        ObjectNode blockStart = EmulatorJson.object();
        blockStart.put("contentBlockIndex", index);
        ObjectNode toolUse = blockStart.putObject("start").putObject("toolUse");
        toolUse.put("toolUseId", u.toolUseId());
        toolUse.put("name", u.name());
        script.event("contentBlockStart", payload(blockStart));
        for (String fragment : u.argumentFragments()) {
          ObjectNode delta = delta(index);
          delta.putObject("delta").putObject("toolUse").put("input", fragment);
          script.delta("contentBlockDelta", payload(delta));
        }
      } else if (block instanceof Reply.Reasoning r) {
        ObjectNode text = delta(index);
        text.putObject("delta").putObject("reasoningContent").put("text", r.text());
        script.delta("contentBlockDelta", payload(text));
        ObjectNode signature = delta(index);
        signature.putObject("delta").putObject("reasoningContent").put("signature", r.signature());
        script.delta("contentBlockDelta", payload(signature));
      } else if (block instanceof Reply.RedactedReasoning r) {
        ObjectNode delta = delta(index);
        delta.putObject("delta").putObject("reasoningContent").put("redactedContent", r.data());
        script.delta("contentBlockDelta", payload(delta));
      }
      ObjectNode stop = EmulatorJson.object();
      stop.put("contentBlockIndex", index);
      script.event("contentBlockStop", payload(stop));
    }
    ObjectNode messageStop = EmulatorJson.object();
    messageStop.put("stopReason", reply.stopReason());
    script.event("messageStop", payload(messageStop));
    ObjectNode metadata = EmulatorJson.object();
    metadata.set("usage", usage(reply));
    metadata.putObject("metrics").put("latencyMs", reply.latency());
    script.event("metadata", payload(metadata));
    return script;
  }

  /**
   * {@code {inputTokens, outputTokens, totalTokens[, cacheReadInputTokens,
   * cacheWriteInputTokens]}}: input excludes cache tokens; the total counts all four.
   */
  static ObjectNode usage(Reply reply) {
    ObjectNode usage = EmulatorJson.object();
    usage.put("inputTokens", reply.inputTokens());
    usage.put("outputTokens", reply.outputTokens());
    usage.put(
        "totalTokens",
        (long) reply.inputTokens()
            + reply.outputTokens()
            + reply.cacheReadTokens()
            + reply.cacheWriteTokens());
    if (reply.cacheReported()) {
      usage.put("cacheReadInputTokens", reply.cacheReadTokens());
      usage.put("cacheWriteInputTokens", reply.cacheWriteTokens());
    }
    return usage;
  }

  private static ObjectNode delta(int index) {
    ObjectNode delta = EmulatorJson.object();
    delta.put("contentBlockIndex", index);
    return delta;
  }

  private static String payload(ObjectNode body) {
    return EmulatorJson.write(EmulatorJson.padded(body));
  }
}
