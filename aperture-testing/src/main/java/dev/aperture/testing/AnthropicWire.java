package dev.aperture.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.bedrock.BedrockModelId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Renders a {@link Reply} as an Anthropic Messages answer for InvokeModel, and as the Anthropic
 * streaming events InvokeModelWithResponseStream wraps in {@code chunk} frames.
 */
final class AnthropicWire {
  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private AnthropicWire() {}

  /** The model name Anthropic reports, e.g. {@code claude-haiku-4-5-20251001}. */
  static String modelName(BedrockModelId id) {
    if (id.modelName().isEmpty()) {
      return id.raw();
    }
    return id.modelName().get() + id.releaseDate().map(d -> "-" + d).orElse("");
  }

  /** A Bedrock-style message id: {@code msg_bdrk_01} and 22 random base-62 characters. */
  static String messageId() {
    StringBuilder id = new StringBuilder("msg_bdrk_01");
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 22; i++) {
      id.append(BASE62[random.nextInt(BASE62.length)]);
    }
    return id.toString();
  }

  /** {@code {id, type, role, model, content, stop_reason, stop_sequence, usage}}. */
  static ObjectNode response(Reply reply, String model) {
    ObjectNode response = EmulatorJson.object();
    response.put("id", messageId());
    response.put("type", "message");
    response.put("role", "assistant");
    response.put("model", model);
    ArrayNode content = response.putArray("content");
    for (Reply.Block block : reply.blocks()) {
      ObjectNode out = content.addObject();
      if (block instanceof Reply.Text t) {
        out.put("type", "text");
        out.put("text", t.joined());
      } else if (block instanceof Reply.ToolUse u) {
        out.put("type", "tool_use");
        out.put("id", u.toolUseId());
        out.put("name", u.name());
        out.set("input", u.input().deepCopy());
      } else if (block instanceof Reply.Reasoning r) {
        out.put("type", "thinking");
        out.put("thinking", r.text());
        out.put("signature", r.signature());
      } else if (block instanceof Reply.RedactedReasoning r) {
        out.put("type", "redacted_thinking");
        out.put("data", r.data());
      }
    }
    response.put("stop_reason", reply.stopReason());
    response.put("stop_sequence", reply.stopSequenceOrNull());
    ObjectNode usage = response.putObject("usage");
    usage.put("input_tokens", reply.inputTokens());
    usage.put("output_tokens", reply.outputTokens());
    usage.put("cache_creation_input_tokens", reply.cacheWriteTokens());
    usage.put("cache_read_input_tokens", reply.cacheReadTokens());
    return response;
  }

  /**
   * message_start, per block content_block_start, its deltas and content_block_stop, then
   * message_delta and message_stop (with {@code amazon-bedrock-invocationMetrics}), each wrapped as
   * a {@code chunk} frame {@code {"bytes": base64(event), "p": …}}.
   */
  static StreamScript events(Reply reply, String model) {
    StreamScript script = new StreamScript();
    ObjectNode start = EmulatorJson.object();
    start.put("type", "message_start");
    ObjectNode message = start.putObject("message");
    message.put("id", messageId());
    message.put("type", "message");
    message.put("role", "assistant");
    message.put("model", model);
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    ObjectNode startUsage = message.putObject("usage");
    startUsage.put("input_tokens", reply.inputTokens());
    startUsage.put("cache_creation_input_tokens", reply.cacheWriteTokens());
    startUsage.put("cache_read_input_tokens", reply.cacheReadTokens());
    startUsage.put("output_tokens", 1);
    script.event("chunk", chunk(start));

    List<Reply.Block> blocks = reply.blocks();
    for (int index = 0; index < blocks.size(); index++) {
      Reply.Block block = blocks.get(index);
      ObjectNode blockStart = EmulatorJson.object();
      blockStart.put("type", "content_block_start");
      blockStart.put("index", index);
      ObjectNode contentBlock = blockStart.putObject("content_block");
      if (block instanceof Reply.Text t) {
        contentBlock.put("type", "text");
        contentBlock.put("text", "");
        script.event("chunk", chunk(blockStart));
        for (String fragment : t.fragments()) {
          script.delta("chunk", chunk(delta(index, "text_delta", "text", fragment)));
        }
      } else if (block instanceof Reply.ToolUse u) {
        contentBlock.put("type", "tool_use");
        contentBlock.put("id", u.toolUseId());
        contentBlock.put("name", u.name());
        contentBlock.putObject("input");
        script.event("chunk", chunk(blockStart));
        for (String fragment : u.argumentFragments()) {
          script.delta("chunk", chunk(delta(index, "input_json_delta", "partial_json", fragment)));
        }
      } else if (block instanceof Reply.Reasoning r) {
        contentBlock.put("type", "thinking");
        contentBlock.put("thinking", "");
        script.event("chunk", chunk(blockStart));
        script.delta("chunk", chunk(delta(index, "thinking_delta", "thinking", r.text())));
        script.delta("chunk", chunk(delta(index, "signature_delta", "signature", r.signature())));
      } else if (block instanceof Reply.RedactedReasoning r) {
        contentBlock.put("type", "redacted_thinking");
        contentBlock.put("data", r.data());
        script.event("chunk", chunk(blockStart));
      }
      ObjectNode stop = EmulatorJson.object();
      stop.put("type", "content_block_stop");
      stop.put("index", index);
      script.event("chunk", chunk(stop));
    }

    ObjectNode messageDelta = EmulatorJson.object();
    messageDelta.put("type", "message_delta");
    ObjectNode delta = messageDelta.putObject("delta");
    delta.put("stop_reason", reply.stopReason());
    delta.put("stop_sequence", reply.stopSequenceOrNull());
    messageDelta.putObject("usage").put("output_tokens", reply.outputTokens());
    script.event("chunk", chunk(messageDelta));

    ObjectNode messageStop = EmulatorJson.object();
    messageStop.put("type", "message_stop");
    ObjectNode metrics = messageStop.putObject("amazon-bedrock-invocationMetrics");
    metrics.put("inputTokenCount", reply.inputTokens());
    metrics.put("outputTokenCount", reply.outputTokens());
    metrics.put("invocationLatency", reply.latency());
    metrics.put("firstByteLatency", reply.latency() / 2);
    metrics.put("cacheReadInputTokenCount", reply.cacheReadTokens());
    metrics.put("cacheWriteInputTokenCount", reply.cacheWriteTokens());
    script.event("chunk", chunk(messageStop));
    return script;
  }

  private static ObjectNode delta(int index, String type, String field, String value) {
    ObjectNode event = EmulatorJson.object();
    event.put("type", "content_block_delta");
    event.put("index", index);
    ObjectNode delta = event.putObject("delta");
    delta.put("type", type);
    delta.put(field, value);
    return event;
  }

  /** The {@code chunk} payload: the event's JSON, base64-encoded, plus padding. */
  private static String chunk(ObjectNode event) {
    ObjectNode payload = EmulatorJson.object();
    payload.put(
        "bytes",
        Base64.getEncoder()
            .encodeToString(EmulatorJson.write(event).getBytes(StandardCharsets.UTF_8)));
    return EmulatorJson.write(EmulatorJson.padded(payload));
  }
}
