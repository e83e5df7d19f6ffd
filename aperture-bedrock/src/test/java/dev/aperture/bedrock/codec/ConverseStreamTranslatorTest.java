package dev.aperture.bedrock.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.StreamException;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.ChatAccumulator;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConverseStreamTranslatorTest {
  /** A frame as Bedrock sends it: no wrapper key, a random "p" padding field. */
  static EventStreamMessage event(String type, String json) {
    String padded =
        json.substring(0, json.length() - 1)
            + (json.equals("{}") ? "" : ",")
            + "\"p\":\"abcdefgh\"}";
    return EventStreamMessage.builder()
        .header(":event-type", type)
        .header(":content-type", "application/json")
        .header(":message-type", "event")
        .payload(padded.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  static List<ChatEvent> run(StreamTranslator t, EventStreamMessage... frames) {
    List<ChatEvent> out = new ArrayList<>();
    for (EventStreamMessage f : frames) {
      t.accept(f, out);
    }
    return out;
  }

  static final EventStreamMessage[] TEXT_THEN_TOOL = {
    event("messageStart", "{\"role\":\"assistant\"}"),
    event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Let me \"}}"),
    event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"check.\"}}"),
    event("contentBlockStop", "{\"contentBlockIndex\":0}"),
    event(
        "contentBlockStart",
        "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\"}}}"),
    event(
        "contentBlockDelta",
        "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\":\"}}}"),
    event(
        "contentBlockDelta",
        "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\" \\\"Paris\\\"}\"}}}"),
    event("contentBlockStop", "{\"contentBlockIndex\":1}"),
    event("messageStop", "{\"stopReason\":\"tool_use\"}"),
    event(
        "metadata",
        "{\"usage\":{\"inputTokens\":10,\"outputTokens\":5,\"totalTokens\":135,\"cacheReadInputTokens\":100,\"cacheWriteInputTokens\":20},\"metrics\":{\"latencyMs\":321}}"),
  };

  @Test
  void textAndToolCallStreamGivesTheExactEventSequence() {
    List<ChatEvent> events = run(StreamTranslator.converse("m", "p"), TEXT_THEN_TOOL);
    assertTrue(events.get(0) instanceof ChatEvent.Start);
    assertEquals(
        List.of(
            new ChatEvent.TextDelta(0, "Let me "),
            new ChatEvent.TextDelta(0, "check."),
            new ChatEvent.BlockStop(0),
            new ChatEvent.ToolCallStart(1, "tooluse_1", "get_weather"),
            new ChatEvent.ToolCallDelta(1, "{\"city\":"),
            new ChatEvent.ToolCallDelta(1, " \"Paris\"}"),
            new ChatEvent.ToolCallEnd(1, "tooluse_1", "get_weather", "{\"city\":\"Paris\"}"),
            new ChatEvent.BlockStop(1)),
        events.subList(1, events.size() - 1));
    ChatEvent.Finish f = (ChatEvent.Finish) events.get(events.size() - 1);
    assertEquals(StopReason.TOOL_USE, f.stopReason());
    assertEquals(
        Usage.builder()
            .inputTokens(10)
            .outputTokens(5)
            .cacheReadTokens(100)
            .cacheWrite5mTokens(20)
            .build(),
        f.usage());
    assertEquals(321L, f.latencyMillis());
  }

  @Test
  void usageAfterMessageStopIsAwaitedBeforeFinishing() {
    StreamTranslator t = StreamTranslator.converse("m", "p");
    List<ChatEvent> out = run(t, TEXT_THEN_TOOL[0], TEXT_THEN_TOOL[1], TEXT_THEN_TOOL[8]);
    assertFalse(t.isComplete(), "messageStop alone does not complete the stream");
    assertTrue(out.stream().noneMatch(e -> e instanceof ChatEvent.Finish));
    t.accept(TEXT_THEN_TOOL[9], out);
    assertTrue(t.isComplete());
  }

  @Test
  void streamedAnswerEqualsTheUnstreamedOne() {
    ChatAccumulator acc = new ChatAccumulator();
    run(StreamTranslator.converse("m", "p"), TEXT_THEN_TOOL).forEach(acc::accept);
    ChatResponse streamed = acc.response();
    ChatResponse unary =
        new ConverseCodec()
            .decodeResponse(
                ("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":["
                        + "{\"text\":\"Let me check.\"},"
                        + "{\"toolUse\":{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}}]}},"
                        + "\"stopReason\":\"tool_use\",\"usage\":{\"inputTokens\":10,\"outputTokens\":5,\"totalTokens\":135,"
                        + "\"cacheReadInputTokens\":100,\"cacheWriteInputTokens\":20},\"metrics\":{\"latencyMs\":321}}")
                    .getBytes(StandardCharsets.UTF_8),
                "m",
                "p");
    assertEquals(unary.content(), streamed.content());
    assertEquals(unary.usage(), streamed.usage());
    assertEquals(unary.stopReason(), streamed.stopReason());
    assertEquals(unary.rawStopReason(), streamed.rawStopReason());
  }

  @Test
  void reasoningDeltasSignatureAndRedactedContentAreKept() {
    List<ChatEvent> events =
        run(
            StreamTranslator.converse("m", "p"),
            event(
                "contentBlockDelta",
                "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"hmm\"}}}"),
            event(
                "contentBlockDelta",
                "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"signature\":\"sig\"}}}"),
            event("contentBlockStop", "{\"contentBlockIndex\":0}"),
            event(
                "contentBlockDelta",
                "{\"contentBlockIndex\":1,\"delta\":{\"reasoningContent\":{\"redactedContent\":\"AAEC\"}}}"),
            event("contentBlockStop", "{\"contentBlockIndex\":1}"),
            event("messageStop", "{\"stopReason\":\"end_turn\"}"),
            event("metadata", "{\"usage\":{\"inputTokens\":1,\"outputTokens\":1}}"));
    ChatAccumulator acc = new ChatAccumulator();
    events.forEach(acc::accept);
    assertEquals(
        List.of(new ContentPart.Reasoning("hmm", "sig"), new ContentPart.RedactedReasoning("AAEC")),
        acc.response().content());
  }

  @Test
  void toolCallWithoutArgumentsEndsWithAnEmptyObject() {
    List<ChatEvent> events =
        run(
            StreamTranslator.converse("m", "p"),
            event(
                "contentBlockStart",
                "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"t\",\"name\":\"now\"}}}"),
            event("contentBlockStop", "{\"contentBlockIndex\":0}"));
    assertTrue(events.contains(new ChatEvent.ToolCallEnd(0, "t", "now", "{}")));
  }

  @Test
  void everyStopReasonStaysDistinct() {
    for (String raw :
        List.of(
            "end_turn",
            "tool_use",
            "max_tokens",
            "stop_sequence",
            "guardrail_intervened",
            "content_filtered",
            "malformed_model_output",
            "malformed_tool_use",
            "model_context_window_exceeded")) {
      List<ChatEvent> events =
          run(
              StreamTranslator.converse("m", "p"),
              event("messageStop", "{\"stopReason\":\"" + raw + "\"}"),
              event("metadata", "{\"usage\":{\"inputTokens\":1,\"outputTokens\":1}}"));
      ChatEvent.Finish f = (ChatEvent.Finish) events.get(events.size() - 1);
      assertEquals(raw, f.rawStopReason());
      assertEquals(raw, f.stopReason().wireName(), "no collapsing of " + raw);
    }
  }

  @Test
  void exceptionFrameIsATypedRetryableError() {
    EventStreamMessage exception =
        EventStreamMessage.builder()
            .header(":message-type", "exception")
            .header(":exception-type", "throttlingException")
            .header(":content-type", "application/json")
            .payloadUtf8("{\"message\":\"Too many tokens, please wait before trying again.\"}")
            .build();
    StreamException e =
        assertThrows(
            StreamException.class,
            () -> run(StreamTranslator.converse("m", "p"), TEXT_THEN_TOOL[0], exception));
    assertEquals(StreamException.Kind.UPSTREAM_ERROR, e.kind());
    assertEquals("throttlingException", e.errorType().orElseThrow());
    assertTrue(e.retryable());
    assertTrue(e.getMessage().contains("Too many tokens"));
  }

  @Test
  void modelStreamErrorIsNotRetryable() {
    EventStreamMessage exception =
        EventStreamMessage.builder()
            .header(":message-type", "exception")
            .header(":exception-type", "modelStreamErrorException")
            .payloadUtf8("{\"message\":\"boom\"}")
            .build();
    StreamException e =
        assertThrows(
            StreamException.class, () -> run(StreamTranslator.converse("m", "p"), exception));
    assertFalse(e.retryable());
  }

  @Test
  void toolArgumentsCutShortByMaxTokensAreKeptAsWrittenAndTheAnswerStillFinishes() {
    List<ChatEvent> events =
        run(
            StreamTranslator.converse("m", "p"),
            event(
                "contentBlockStart",
                "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"t\",\"name\":\"x\"}}}"),
            event(
                "contentBlockDelta",
                "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"{\\\"a\\\":\"}}}"),
            event("contentBlockStop", "{\"contentBlockIndex\":0}"),
            event("messageStop", "{\"stopReason\":\"max_tokens\"}"),
            event("metadata", "{\"usage\":{\"inputTokens\":5,\"outputTokens\":9}}"));
    assertTrue(events.contains(new ChatEvent.ToolCallEnd(0, "t", "x", "{\"a\":")));
    ChatEvent.Finish f = (ChatEvent.Finish) events.get(events.size() - 1);
    assertEquals(StopReason.MAX_TOKENS, f.stopReason());
  }

  static EventStreamMessage raw(String type, String payload) {
    return EventStreamMessage.builder()
        .header(":event-type", type)
        .header(":message-type", "event")
        .payload(payload.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  static List<ChatEvent> deltas(String payload) {
    List<ChatEvent> out =
        run(StreamTranslator.converse("m", "bedrock"), raw("contentBlockDelta", payload));
    out.removeIf(
        e ->
            !(e instanceof ChatEvent.TextDelta
                || e instanceof ChatEvent.ToolCallDelta
                || e instanceof ChatEvent.ReasoningDelta
                || e instanceof ChatEvent.ReasoningSignature
                || e instanceof ChatEvent.RedactedReasoning));
    return out;
  }

  @Test
  void deltaPayloadsReadAsATreeWouldReadThem() {
    // Unknown members of any shape are skipped, wherever they sit.
    assertEquals(
        List.of(new ChatEvent.TextDelta(2, "hi")),
        deltas(
            "{\"p\":{\"a\":[1,{\"text\":\"no\"}]},\"delta\":{\"x\":[\"y\"],\"text\":\"hi\","
                + "\"q\":{}},\"contentBlockIndex\":2,\"z\":[[]]}"));
    // The last of repeated members wins; a non-string counts as absent.
    assertEquals(
        List.of(new ChatEvent.TextDelta(1, "b")),
        deltas(
            "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"a\"},\"contentBlockIndex\":1.9,"
                + "\"delta\":{\"text\":\"b\"}}"));
    assertEquals(
        List.of(), deltas("{\"contentBlockIndex\":0,\"delta\":{\"text\":\"a\",\"text\":7}}"));
    assertEquals(List.of(), deltas("{\"contentBlockIndex\":0,\"delta\":[{\"text\":\"a\"}]}"));
    // Text first, then a tool fragment (even with no input), then reasoning.
    assertEquals(
        List.of(new ChatEvent.TextDelta(0, "t")),
        deltas(
            "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"{}\"},\"text\":\"t\"}}"));
    assertEquals(
        List.of(new ChatEvent.ToolCallDelta(0, "")),
        deltas(
            "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":null,\"reasoningContent\":{\"text\":\"r\"}}}"));
    assertEquals(
        List.of(
            new ChatEvent.ReasoningDelta(3, "r"),
            new ChatEvent.ReasoningSignature(3, "s"),
            new ChatEvent.RedactedReasoning(3, "x")),
        deltas(
            "{\"contentBlockIndex\":3,\"delta\":{\"reasoningContent\":{\"redactedContent\":\"x\","
                + "\"p\":[1],\"signature\":\"s\",\"text\":\"r\"}}}"));
  }

  @Test
  void malformedDeltaPayloadsAreBadFramesWithTheUsualMessages() {
    String[][] cases = {
      {"{\"delta\":{\"text\":\"a\"}}", "stream event without a numeric 'contentBlockIndex'"},
      {
        "{\"contentBlockIndex\":\"1\",\"delta\":{}}",
        "stream event without a numeric 'contentBlockIndex'"
      },
      {
        "{\"contentBlockIndex\":4294967296,\"delta\":{}}",
        "stream event without a numeric 'contentBlockIndex'"
      },
      {
        "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"a\"}",
        "event 'contentBlockDelta' has a payload that is not JSON"
      },
      {"{\"contentBlockIndex\":0,,}", "event 'contentBlockDelta' has a payload that is not JSON"},
      {"[1,", "event 'contentBlockDelta' has a payload that is not JSON"},
      {"[1]", "event 'contentBlockDelta' has a payload that is not a JSON object"},
      {"\"x\"", "event 'contentBlockDelta' has a payload that is not a JSON object"},
      {"", "event 'contentBlockDelta' has a payload that is not a JSON object"},
    };
    for (String[] c : cases) {
      StreamException e = assertThrows(StreamException.class, () -> deltas(c[0]), c[0]);
      assertEquals(StreamException.Kind.BAD_FRAME, e.kind(), c[0]);
      assertEquals(c[1], e.getMessage(), c[0]);
    }
  }

  // --- contentBlockStart, messageStop and metadata are read with a streaming parser; the tree
  // reading they replaced is the reference

  private static final com.fasterxml.jackson.databind.ObjectMapper TREES =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** What the translator makes of one raw payload of {@code type}: its events, or its error. */
  private static String translated(String type, String payload) {
    StreamTranslator t = StreamTranslator.converse("m", "p");
    List<ChatEvent> out = new ArrayList<>();
    try {
      if (type.equals("metadata")) {
        t.accept(raw("messageStop", "{\"stopReason\":\"end_turn\"}"), out);
      }
      t.accept(raw(type, payload), out);
      if (type.equals("messageStop")) {
        t.accept(raw("metadata", "{}"), out);
      }
      out.removeIf(e -> e instanceof ChatEvent.Start); // its id is random
      return out.toString();
    } catch (StreamException e) {
      return "error " + e.kind() + ": " + e.getMessage();
    }
  }

  /** The tree reading of the three frames, as the translator did it before. */
  private static String reference(String type, String payload) {
    com.fasterxml.jackson.databind.JsonNode p;
    try {
      p = TREES.readTree(payload);
    } catch (java.io.IOException e) {
      return "error BAD_FRAME: event '" + type + "' has a payload that is not JSON";
    }
    if (p == null || !p.isObject()) {
      return "error BAD_FRAME: event '" + type + "' has a payload that is not a JSON object";
    }
    StreamTranslator t = StreamTranslator.converse("m", "p");
    List<ChatEvent> out = new ArrayList<>();
    switch (type) {
      case "contentBlockStart":
        {
          com.fasterxml.jackson.databind.JsonNode i = p.get("contentBlockIndex");
          if (i == null || !i.canConvertToInt()) {
            return "error BAD_FRAME: stream event without a numeric 'contentBlockIndex'";
          }
          com.fasterxml.jackson.databind.JsonNode use = p.path("start").path("toolUse");
          if (use.isObject()) {
            out.add(
                new ChatEvent.ToolCallStart(
                    i.asInt(), textOrEmpty(use, "toolUseId"), textOrEmpty(use, "name")));
          }
          return out.toString();
        }
      case "messageStop":
        {
          String stop = WireJson.text(p, "stopReason");
          t.accept(
              raw("messageStop", TREES.createObjectNode().put("stopReason", stop).toString()), out);
          t.accept(raw("metadata", "{}"), out);
          out.removeIf(e -> e instanceof ChatEvent.Start);
          return out.toString();
        }
      default:
        {
          com.fasterxml.jackson.databind.JsonNode latency = p.path("metrics").get("latencyMs");
          Usage usage = ConverseCodec.usage(p.get("usage"));
          com.fasterxml.jackson.databind.node.ObjectNode clean = TREES.createObjectNode();
          clean
              .putObject("usage")
              .put("inputTokens", usage.inputTokens())
              .put("outputTokens", usage.outputTokens())
              .put("cacheReadInputTokens", usage.cacheReadTokens())
              .put("cacheWriteInputTokens", usage.cacheWrite5mTokens());
          if (latency != null && latency.canConvertToLong()) {
            clean.putObject("metrics").put("latencyMs", latency.asLong());
          }
          t.accept(raw("messageStop", "{\"stopReason\":\"end_turn\"}"), out);
          t.accept(raw("metadata", clean.toString()), out);
          out.removeIf(e -> e instanceof ChatEvent.Start);
          return out.toString();
        }
    }
  }

  private static String textOrEmpty(com.fasterxml.jackson.databind.JsonNode node, String field) {
    String s = WireJson.text(node, field);
    return s == null ? "" : s;
  }

  @Test
  void frameReadersAgreeWithTheTreeReading() {
    String[] starts = {
      "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"t1\",\"name\":\"get\"}}}",
      "{\"contentBlockIndex\":2,\"start\":{}}",
      "{\"contentBlockIndex\":1}",
      "{\"contentBlockIndex\":1.0,\"p\":\"xyz\"}",
      "{\"contentBlockIndex\":\"1\"}",
      "{\"contentBlockIndex\":3000000000}",
      "{\"start\":{\"toolUse\":{}}}",
      "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":7,\"name\":null}}}",
      "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"name\":\"a\"},\"toolUse\":[1]}}",
      "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"name\":\"a\"}},\"start\":5}",
      "{\"contentBlockIndex\":0,\"contentBlockIndex\":4,\"start\":{\"toolUse\":{\"name\":\"a\",\"name\":\"b\"}}}",
      "{\"contentBlockIndex\":0} trailing",
      "{\"contentBlockIndex\":0,}",
      "[1]",
      "\"text\"",
      "",
      "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"name\":\"caf\u00e9 \\u2603\"}}}"
    };
    String[] stops = {
      "{\"stopReason\":\"end_turn\"}",
      "{\"stopReason\":\"tool_use\",\"additionalModelResponseFields\":{\"x\":[1,{}]}}",
      "{}",
      "{\"stopReason\":null}",
      "{\"stopReason\":5}",
      "{\"stopReason\":\"a\",\"stopReason\":\"max_tokens\"}",
      "{\"stopReason\":\"a\",\"stopReason\":{}}",
      "{\"stopReason\":\"end_turn\"",
      "nope",
      "[]"
    };
    String[] metadata = {
      "{\"usage\":{\"inputTokens\":5,\"outputTokens\":9,\"totalTokens\":14},\"metrics\":{\"latencyMs\":321}}",
      "{\"usage\":{\"inputTokens\":5,\"cacheReadInputTokens\":3,\"cacheWriteInputTokens\":2}}",
      "{}",
      "{\"usage\":7,\"metrics\":[1]}",
      "{\"usage\":{\"inputTokens\":-4,\"outputTokens\":2.7},\"metrics\":{\"latencyMs\":\"9\"}}",
      "{\"usage\":{\"inputTokens\":1},\"usage\":{\"outputTokens\":2}}",
      "{\"metrics\":{\"latencyMs\":5},\"metrics\":{}}",
      "{\"metrics\":{\"latencyMs\":1e3}}",
      "{\"usage\":{\"inputTokens\":99999999999999999999}}",
      "{\"usage\":{\"inputTokens\":1,}}",
      "{\"usage\":{\"inputTokens\":1}} {",
      "3"
    };
    for (String payload : starts) {
      assertEquals(
          reference("contentBlockStart", payload),
          translated("contentBlockStart", payload),
          payload);
    }
    for (String payload : stops) {
      assertEquals(reference("messageStop", payload), translated("messageStop", payload), payload);
    }
    for (String payload : metadata) {
      assertEquals(reference("metadata", payload), translated("metadata", payload), payload);
    }
  }
}
