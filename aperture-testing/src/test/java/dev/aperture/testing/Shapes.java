package dev.aperture.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reduces each of the four answer shapes to the same summary — blocks, stop reason, usage — the way
 * a client accumulates them, so the tests can check that every shape says the same thing.
 */
final class Shapes {
  private Shapes() {}

  record Summary(
      List<String> blocks,
      String stopReason,
      int inputTokens,
      int outputTokens,
      int cacheReadTokens,
      int cacheWriteTokens) {}

  static Summary converse(JsonNode response) {
    List<String> blocks = new ArrayList<>();
    for (JsonNode block : response.at("/output/message/content")) {
      if (block.has("text")) {
        blocks.add("text:" + block.get("text").asText());
      } else if (block.has("toolUse")) {
        JsonNode use = block.get("toolUse");
        blocks.add(tool(use.get("toolUseId").asText(), use.get("name").asText(), use.get("input")));
      } else if (block.at("/reasoningContent/reasoningText").isObject()) {
        JsonNode text = block.at("/reasoningContent/reasoningText");
        blocks.add("reasoning:" + text.get("text").asText() + "|" + text.get("signature").asText());
      } else if (block.at("/reasoningContent/redactedContent").isTextual()) {
        blocks.add("redacted:" + block.at("/reasoningContent/redactedContent").asText());
      } else {
        blocks.add("unknown:" + block);
      }
    }
    JsonNode usage = response.get("usage");
    return new Summary(
        blocks,
        response.get("stopReason").asText(),
        usage.get("inputTokens").asInt(),
        usage.get("outputTokens").asInt(),
        usage.path("cacheReadInputTokens").asInt(0),
        usage.path("cacheWriteInputTokens").asInt(0));
  }

  static Summary invoke(JsonNode response) {
    List<String> blocks = new ArrayList<>();
    for (JsonNode block : response.get("content")) {
      switch (block.get("type").asText()) {
        case "text" -> blocks.add("text:" + block.get("text").asText());
        case "tool_use" ->
            blocks.add(
                tool(block.get("id").asText(), block.get("name").asText(), block.get("input")));
        case "thinking" ->
            blocks.add(
                "reasoning:"
                    + block.get("thinking").asText()
                    + "|"
                    + block.get("signature").asText());
        case "redacted_thinking" -> blocks.add("redacted:" + block.get("data").asText());
        default -> blocks.add("unknown:" + block);
      }
    }
    JsonNode usage = response.get("usage");
    return new Summary(
        blocks,
        response.get("stop_reason").asText(),
        usage.get("input_tokens").asInt(),
        usage.get("output_tokens").asInt(),
        usage.get("cache_read_input_tokens").asInt(),
        usage.get("cache_creation_input_tokens").asInt());
  }

  /** Accumulates ConverseStream events, keying blocks by contentBlockIndex. */
  static Summary converseStream(List<TestFrames.Frame> frames) throws IOException {
    Map<Integer, StringBuilder[]> blocks = new TreeMap<>();
    Map<Integer, String> kinds = new TreeMap<>();
    String stopReason = null;
    JsonNode usage = null;
    for (TestFrames.Frame frame : frames) {
      JsonNode event = frame.json();
      switch (frame.eventType()) {
        case "contentBlockStart" -> {
          int index = event.get("contentBlockIndex").asInt();
          JsonNode use = event.at("/start/toolUse");
          kinds.put(index, "tool");
          parts(blocks, index)[0]
              .append(use.get("toolUseId").asText())
              .append('|')
              .append(use.get("name").asText());
        }
        case "contentBlockDelta" -> {
          int index = event.get("contentBlockIndex").asInt();
          JsonNode delta = event.get("delta");
          StringBuilder[] parts = parts(blocks, index);
          if (delta.has("text")) {
            kinds.put(index, "text");
            parts[1].append(delta.get("text").asText());
          } else if (delta.has("toolUse")) {
            parts[1].append(delta.at("/toolUse/input").asText());
          } else if (delta.at("/reasoningContent/text").isTextual()) {
            kinds.put(index, "reasoning");
            parts[1].append(delta.at("/reasoningContent/text").asText());
          } else if (delta.at("/reasoningContent/signature").isTextual()) {
            parts[2].append(delta.at("/reasoningContent/signature").asText());
          } else if (delta.at("/reasoningContent/redactedContent").isTextual()) {
            kinds.put(index, "redacted");
            parts[1].append(delta.at("/reasoningContent/redactedContent").asText());
          }
        }
        case "messageStop" -> stopReason = event.get("stopReason").asText();
        case "metadata" -> usage = event.get("usage");
        default -> {}
      }
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<Integer, StringBuilder[]> e : blocks.entrySet()) {
      StringBuilder[] p = e.getValue();
      String kind = kinds.get(e.getKey());
      switch (kind) {
        case "tool" -> {
          String[] idName = p[0].toString().split("\\|", 2);
          String json = p[1].length() == 0 ? "{}" : p[1].toString();
          out.add(tool(idName[0], idName[1], TestFrames.JSON.readTree(json)));
        }
        case "reasoning" -> out.add("reasoning:" + p[1] + "|" + p[2]);
        default -> out.add(kind + ":" + p[1]);
      }
    }
    return new Summary(
        out,
        stopReason,
        usage.get("inputTokens").asInt(),
        usage.get("outputTokens").asInt(),
        usage.path("cacheReadInputTokens").asInt(0),
        usage.path("cacheWriteInputTokens").asInt(0));
  }

  /** Accumulates the Anthropic events inside InvokeModelWithResponseStream chunks. */
  static Summary invokeStream(List<TestFrames.Frame> frames) throws IOException {
    List<String> kinds = new ArrayList<>();
    List<StringBuilder[]> blocks = new ArrayList<>();
    String stopReason = null;
    int input = 0;
    int output = 0;
    int cacheRead = 0;
    int cacheWrite = 0;
    for (TestFrames.Frame frame : frames) {
      JsonNode event = frame.chunkEvent();
      switch (event.get("type").asText()) {
        case "message_start" -> {
          JsonNode usage = event.at("/message/usage");
          input = usage.get("input_tokens").asInt();
          cacheRead = usage.get("cache_read_input_tokens").asInt();
          cacheWrite = usage.get("cache_creation_input_tokens").asInt();
        }
        case "content_block_start" -> {
          JsonNode block = event.get("content_block");
          StringBuilder[] parts = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
          String type = block.get("type").asText();
          if (type.equals("tool_use")) {
            parts[0]
                .append(block.get("id").asText())
                .append('|')
                .append(block.get("name").asText());
          } else if (type.equals("redacted_thinking")) {
            parts[1].append(block.get("data").asText());
          }
          kinds.add(type);
          blocks.add(parts);
        }
        case "content_block_delta" -> {
          StringBuilder[] parts = blocks.get(event.get("index").asInt());
          JsonNode delta = event.get("delta");
          switch (delta.get("type").asText()) {
            case "text_delta" -> parts[1].append(delta.get("text").asText());
            case "input_json_delta" -> parts[1].append(delta.get("partial_json").asText());
            case "thinking_delta" -> parts[1].append(delta.get("thinking").asText());
            case "signature_delta" -> parts[2].append(delta.get("signature").asText());
            default -> throw new IOException("unexpected delta " + delta);
          }
        }
        case "message_delta" -> {
          stopReason = event.at("/delta/stop_reason").asText();
          output = event.at("/usage/output_tokens").asInt();
        }
        default -> {}
      }
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      StringBuilder[] p = blocks.get(i);
      switch (kinds.get(i)) {
        case "tool_use" -> {
          String[] idName = p[0].toString().split("\\|", 2);
          String json = p[1].length() == 0 ? "{}" : p[1].toString();
          out.add(tool(idName[0], idName[1], TestFrames.JSON.readTree(json)));
        }
        case "thinking" -> out.add("reasoning:" + p[1] + "|" + p[2]);
        case "redacted_thinking" -> out.add("redacted:" + p[1]);
        default -> out.add("text:" + p[1]);
      }
    }
    return new Summary(out, stopReason, input, output, cacheRead, cacheWrite);
  }

  private static StringBuilder[] parts(Map<Integer, StringBuilder[]> blocks, int index) {
    return blocks.computeIfAbsent(
        index,
        i -> new StringBuilder[] {new StringBuilder(), new StringBuilder(), new StringBuilder()});
  }

  private static String tool(String id, String name, JsonNode input) {
    return "tool:" + id + "|" + name + "|" + input;
  }
}
