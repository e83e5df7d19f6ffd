package dev.aperture.bedrock.codec;

import static dev.aperture.bedrock.codec.JsonAssertions.bytes;
import static dev.aperture.bedrock.codec.JsonAssertions.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.chat.Tool;
import dev.aperture.chat.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Edges of the streaming readers and writers: they must give what the tree-based code gave, for
 * fields in any order, escapes, nulls, numbers, repeated keys and blocks they do not know.
 */
class StreamingCodecEdgesTest {
  private final ConverseCodec converse = new ConverseCodec();
  private final AnthropicInvokeCodec anthropic = new AnthropicInvokeCodec();

  // ---- WireJson.compact(String): the streaming twin of compact(parse(json)) ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "null",
        "  { \"x\" : 1 , \"y\" : [ 1 , 2 ] }  ",
        "{\"a\":1,\"a\":2,\"b\":3}",
        "{\"o\":{\"k\":1,\"k\":{\"z\":2}}}",
        "{\"n\":[1.0e5,1.50,-0,12345678901234567890123,0.1,1E-7,-1.5e300,9223372036854775807]}",
        "{\"s\":\"\\u0041\\/\\n\\t\\u0001\\u001f \\ud83d\\ude00 caf\u00e9 \u2014 \\\"q\\\" \\\\\"}",
        "{\"deep\":{\"a\":[{\"b\":{}}],\"t\":true,\"f\":false,\"z\":null}}",
        "[1,\"two\",{\"three\":3}]",
        "\"just a string\"",
        "{\"a\":1} trailing text is ignored",
        "{\"\u00e9\":\"\ud83d\ude00\"}"
      })
  void compactingByStreamingGivesWhatTheTreeGave(String json) throws JsonProcessingException {
    assertEquals(WireJson.compact(WireJson.parse(json)), WireJson.compact(json));
  }

  @Test
  void compactTextIsReturnedAsItIsAndBlankTextHoldsNoValue() throws JsonProcessingException {
    String compact = "{\"a\":[1,{\"b\":null}],\"c\":\"d\"}";
    assertSame(compact, WireJson.compact(compact));
    assertEquals(null, WireJson.compact(""));
    assertEquals(null, WireJson.compact("   "));
  }

  @Test
  void objectsWithVeryManyKeysAreStillCompacted() throws JsonProcessingException {
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; i < 200; i++) {
      json.append(i == 0 ? "" : ", ").append("\"k").append(i).append("\" : ").append(i);
    }
    json.append(", \"k7\": \"again\"}");
    assertEquals(
        WireJson.compact(WireJson.parse(json.toString())), WireJson.compact(json.toString()));
  }

  @Test
  void invalidJsonIsRefusedWithTheTreeParsersError() {
    assertThrows(JsonProcessingException.class, () -> WireJson.compact("{oops"));
    assertThrows(JsonProcessingException.class, () -> WireJson.compact("{\"a\":[1,}"));
  }

  // ---- requests ----

  @Test
  void toolArgumentsWithRepeatedKeysKeepTheLastValueAsBefore() {
    ChatRequest request =
        ChatRequest.builder()
            .model("us.anthropic.claude-haiku-4-5-20251001-v1:0")
            .addMessages(
                Message.user("Go"),
                Message.assistant(
                    new ContentPart.ToolCall("t1", "fn", "{\"a\":1, \"b\":2, \"a\":3}")),
                Message.toolResult("t1", "ok"))
            .build();

    assertEquals(
        tree("{\"a\":3,\"b\":2}"),
        tree(converse.encodeRequest(request)).at("/messages/1/content/0/toolUse/input"));
    assertEquals(
        tree("{\"a\":3,\"b\":2}"),
        tree(anthropic.encodeRequest(request)).at("/messages/1/content/0/input"));
  }

  @Test
  void anthropicUnknownBlocksKeepTheirFieldsInOrderAndTakeTheCachePoint() {
    ChatRequest request =
        ChatRequest.builder()
            .model("us.anthropic.claude-haiku-4-5-20251001-v1:0")
            .addMessages(
                Message.user(
                    ContentPart.text("x"),
                    new ContentPart.Unknown(
                        "search_result",
                        "{ \"source\": \"s\", \"cache_control\": {\"type\": \"old\"},"
                            + " \"content\": [{\"type\": \"text\", \"text\": \"\\u00e9\\n\"}] }"),
                    ContentPart.CachePoint.DEFAULT))
            .build();

    String body = new String(anthropic.encodeRequest(request), StandardCharsets.UTF_8);
    assertTrue(
        body.contains(
            "{\"type\":\"search_result\",\"source\":\"s\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"\u00e9\\n\"}],"
                + "\"cache_control\":{\"type\":\"ephemeral\"}}"),
        body);
  }

  @Test
  void aCachedSchemaIsWrittenTheSameEveryTime() {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\","
            + "\"description\":\"caf\u00e9 \u2014 \ud83d\ude00\"}}}";
    ChatRequest request =
        ChatRequest.builder()
            .model("us.anthropic.claude-haiku-4-5-20251001-v1:0")
            .addMessages(Message.user("x"))
            .addTools(new Tool("lookup_edge", "d", schema))
            .build();

    byte[] first = converse.encodeRequest(request);
    byte[] second = converse.encodeRequest(request);
    assertEquals(
        new String(first, StandardCharsets.UTF_8), new String(second, StandardCharsets.UTF_8));
    assertEquals(tree(schema), tree(second).at("/toolConfig/tools/0/toolSpec/inputSchema/json"));
    assertEquals(tree(schema), tree(anthropic.encodeRequest(request)).at("/tools/0/input_schema"));
  }

  @Test
  void aLargeRequestIsWrittenWhole() {
    String big = "\u00e9x".repeat(300_000);
    ChatRequest request =
        ChatRequest.builder()
            .model("us.anthropic.claude-haiku-4-5-20251001-v1:0")
            .addMessages(Message.user(big))
            .build();

    for (int i = 0; i < 3; i++) {
      assertEquals(
          big, tree(converse.encodeRequest(request)).at("/messages/0/content/0/text").asText());
    }
  }

  @Test
  void documentNamesAreCleanedAsBefore() {
    assertEquals("report-2024 (final)-pdf", ConverseCodec.documentName("report.2024 (final).pdf"));
    assertEquals("a b-c [x]", ConverseCodec.documentName("  a\t\t b.c [x]  "));
    assertEquals("document", ConverseCodec.documentName(" \n "));
    assertEquals("---", ConverseCodec.documentName("\u00e9\u2003_"));
  }

  // ---- Converse answers ----

  @Test
  void converseFieldsMayComeInAnyOrder() {
    ChatResponse response =
        converse.decodeResponse(
            bytes(
                """
                {"metrics": {"other": [1, {"x": 2}], "latencyMs": 12.9},
                 "usage": {"totalTokens": 9, "outputTokens": 2.7, "inputTokens": -5,
                           "cacheWriteInputTokens": 99999999999999999999999,
                           "cacheReadInputTokens": "7"},
                 "stopReason": "tool_use",
                 "output": {"message": {"content": [
                    {"toolUse": {"input": {"q": "x", "n": 1.50}, "name": "n", "toolUseId": "i"}},
                    {"reasoningContent": {"reasoningText": {"signature": "s", "text": "t"}}}],
                    "role": "assistant"}},
                 "additionalModelResponseFields": {"b": {"c": [1.0, "\\u00e9"]}, "a": null}}
                """),
            "m",
            "p");

    assertEquals(
        List.of(
            new ContentPart.ToolCall("i", "n", "{\"q\":\"x\",\"n\":1.5}"),
            new ContentPart.Reasoning("t", "s")),
        response.content());
    assertEquals(Usage.builder().outputTokens(2).build(), response.usage());
    assertEquals(12L, response.latencyMillis().orElseThrow());
    assertEquals("{\"c\":[1.0,\"\u00e9\"]}", response.extraFields().get("b"));
    assertEquals("null", response.extraFields().get("a"));
    assertEquals(List.of("b", "a"), List.copyOf(response.extraFields().keySet()));
  }

  @Test
  void converseBlocksThatAreNotPlainAreKeptAsTheTreeKeptThem() {
    ChatResponse response =
        converse.decodeResponse(
            bytes(
                """
                {"output": {"message": {"content": [
                   {}, 5, null, [1],
                   {"text": 5},
                   {"guardContent": 1, "text": "late text wins"},
                   {"toolUse": {"toolUseId": 5, "input": null}},
                   {"reasoningContent": {"redactedContent": "r"}},
                   {"reasoningContent": {"reasoningText": 5, "redactedContent": "x"}},
                   {"reasoningContent": {}},
                   {"citationsContent": {"content": [{"text": "\\"x\\""}]}, "other": 1}]}}}
                """),
            "m",
            "p");

    assertEquals(
        List.of(
            new ContentPart.Unknown("text", "5"),
            new ContentPart.Text("late text wins"),
            new ContentPart.ToolCall("", "", "{}"),
            new ContentPart.RedactedReasoning("r"),
            new ContentPart.RedactedReasoning("x"),
            new ContentPart.Unknown("reasoningContent", "{}"),
            new ContentPart.Unknown(
                "citationsContent", "{\"content\":[{\"text\":\"\\\"x\\\"\"}]}")),
        response.content());
  }

  @Test
  void converseRepeatedKeysCountWithTheirLastValue() {
    ChatResponse response =
        converse.decodeResponse(
            bytes(
                """
                {"output": {"message": {"content": [{"text": "first"}]}},
                 "output": {"message": {"content": [
                    {"text": "a", "text": "b"},
                    {"toolUse": {"input": {"k": 1, "k": 2}, "name": "n"}}]}},
                 "usage": {"inputTokens": 1, "outputTokens": 9},
                 "usage": {"inputTokens": 3}}
                """),
            "m",
            "p");

    assertEquals(
        List.of(new ContentPart.Text("b"), new ContentPart.ToolCall("", "n", "{\"k\":2}")),
        response.content());
    assertEquals(Usage.of(3, 0), response.usage());
  }

  @Test
  void converseBodiesWithoutAPlainAnswerFailAsBefore() {
    assertMessage(
        "without an 'output' message: boom",
        "{\"output\": {\"message\": 5}, \"message\": \"boom\"}");
    assertMessage(
        "without an 'output' message",
        "{\"output\": {\"message\": {\"content\": []}}, \"output\": null}");
    assertMessage("not a JSON object", "[]");
    assertMessage("not a JSON object", "null");
    assertMessage("not JSON", "[1, oops");
    assertMessage("not JSON", "{\"output\": {\"message\": {\"content\": []}}, \"bad\": [1,}");
    assertMessage("empty body", "");
  }

  private void assertMessage(String fragment, String body) {
    BedrockResponseException e =
        assertThrows(
            BedrockResponseException.class, () -> converse.decodeResponse(bytes(body), "m", "p"));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  /** Bodies for both decoders: plain, odd blocks (read again from their offset), errors. */
  private static final List<String> ANSWERS =
      List.of(
          "{\"output\": {\"message\": {\"role\": \"assistant\", \"content\": [{\"text\": \"hi \u00e9\"}]}},"
              + " \"stopReason\": \"end_turn\", \"usage\": {\"inputTokens\": 3, \"outputTokens\": 2}}",
          "{\"output\": {\"message\": {\"content\": [{\"citationsContent\": {\"content\":"
              + " [{\"text\": \"x\"}]}, \"other\": 1}, {\"reasoningContent\": {}}]}}}",
          "{\"content\": [{\"type\": \"server_tool_use\", \"input\": {\"a\": 1}}, {\"type\": 5},"
              + " {\"type\": \"text\", \"text\": \"t\"}], \"id\": \"msg_x\", \"stop_reason\": \"end_turn\"}",
          "{\"content\": [], \"type\": \"error\", \"error\": {\"message\": \"m\", \"type\": \"e\"}}",
          "{\"output\": {\"message\": 5}, \"message\": \"boom\"}",
          "[1, oops",
          "[]",
          "");

  /**
   * An answer read from the middle of a larger array (the provider decodes it in the connection's
   * buffer) decodes, or fails, exactly as the same bytes in an array of their own.
   */
  @Test
  void anAnswerInPartOfAnArrayDecodesAsInAnArrayOfItsOwn() {
    byte[] before = bytes("{\"output\": {\"message\": {\"content\": [{\"text\": \"NOT\"}]}}} [");
    byte[] after = bytes("]} {\"x\": \"");
    for (String answer : ANSWERS) {
      byte[] own = bytes(answer);
      byte[] within = new byte[before.length + own.length + after.length];
      System.arraycopy(before, 0, within, 0, before.length);
      System.arraycopy(own, 0, within, before.length, own.length);
      System.arraycopy(after, 0, within, before.length + own.length, after.length);
      assertSameOutcome(
          answer,
          () -> converse.decodeResponse(own, "m", "p"),
          () -> converse.decodeResponse(within, before.length, own.length, "m", "p"));
      assertSameOutcome(
          answer,
          () -> anthropic.decodeResponse(own, "m", "p"),
          () -> anthropic.decodeResponse(within, before.length, own.length, "m", "p"));
    }
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> converse.decodeResponse(new byte[4], 2, 3, "m", "p"));
  }

  /**
   * A parser of UTF-16 text reports no byte offsets: an odd block in such an answer is left to the
   * tree reader, which reads it as it reads it in UTF-8 (it used to escape as an
   * IllegalArgumentException).
   */
  @Test
  void oddBlocksOfAnAnswerInUtf16AreReadAsInUtf8() {
    for (String answer : List.of(ANSWERS.get(1), ANSWERS.get(2))) {
      byte[] utf16 = answer.getBytes(StandardCharsets.UTF_16BE);
      assertSameOutcome(
          answer,
          () -> converse.decodeResponse(bytes(answer), "m", "p"),
          () -> converse.decodeResponse(utf16, "m", "p"),
          false);
      assertSameOutcome(
          answer,
          () -> anthropic.decodeResponse(bytes(answer), "m", "p"),
          () -> anthropic.decodeResponse(utf16, "m", "p"),
          false);
    }
  }

  /**
   * The error for a body that is not JSON does not keep the parser (whose input may be a network
   * buffer that is reused once the response is closed), but keeps its message and location.
   */
  @Test
  void anUnreadableAnswersErrorKeepsNoParser() {
    byte[] body = bytes("xx{\"output\": [1, oops}yy");
    for (java.util.function.Supplier<ChatResponse> decode :
        List.<java.util.function.Supplier<ChatResponse>>of(
            () -> converse.decodeResponse(body, 2, body.length - 4, "m", "p"),
            () -> anthropic.decodeResponse(body, 2, body.length - 4, "m", "p"))) {
      BedrockResponseException e = assertThrows(BedrockResponseException.class, decode::get);
      assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
      com.fasterxml.jackson.core.exc.StreamReadException cause =
          (com.fasterxml.jackson.core.exc.StreamReadException) e.getCause();
      assertEquals(null, cause.getProcessor());
      assertTrue(cause.getMessage().contains("oops"), cause.getMessage());
    }
  }

  private static void assertSameOutcome(
      String answer,
      java.util.function.Supplier<ChatResponse> whole,
      java.util.function.Supplier<ChatResponse> part) {
    assertSameOutcome(answer, whole, part, true);
  }

  /** With {@code sameReader}, also that both took the streaming reader, or both the tree. */
  private static void assertSameOutcome(
      String answer,
      java.util.function.Supplier<ChatResponse> whole,
      java.util.function.Supplier<ChatResponse> part,
      boolean sameReader) {
    ChatResponse expected;
    long trees = WireJson.TREE_DECISIONS.get();
    try {
      expected = whole.get();
    } catch (BedrockResponseException e) {
      BedrockResponseException got = assertThrows(BedrockResponseException.class, part::get);
      assertEquals(e.getMessage(), got.getMessage(), answer);
      return;
    }
    boolean streamed = WireJson.TREE_DECISIONS.get() == trees;
    ChatResponse got = part.get();
    if (sameReader) {
      // read the same way (a misplaced parser would fail over to the tree and hide it)
      assertEquals(streamed, WireJson.TREE_DECISIONS.get() == trees, answer);
    }
    // Converse answers carry a generated id
    assertEquals(
        dev.aperture.chat.ImmutableChatResponse.copyOf(expected).withId("id"),
        dev.aperture.chat.ImmutableChatResponse.copyOf(got).withId("id"),
        answer);
  }

  // ---- Anthropic answers ----

  @Test
  void anthropicFieldsMayComeInAnyOrderAndOddBlocksAreKeptWhole() {
    ChatResponse response =
        anthropic.decodeResponse(
            bytes(
                """
                {"usage": {"cache_creation": {"ephemeral_1h_input_tokens": 2,
                                              "ephemeral_5m_input_tokens": 1},
                           "cache_creation_input_tokens": 6, "output_tokens": 4},
                 "content": [
                   {"text": "b \\"q\\" \\ud83d\\ude00", "type": "text"},
                   {"input": {"z": [1.5, {"q": null}]}, "name": "n", "id": "i", "type": "tool_use"},
                   {"signature": "s", "thinking": "t", "type": "thinking"},
                   {"type": "tool_use", "input": null},
                   {"type": "text"},
                   {"text": "no type"},
                   {"type": 5},
                   {"type": "server_tool_use", "input": {"a": 1, "a": 2}, "id": "x"},
                   5, null],
                 "stop_sequence": null, "stop_reason": "tool_use", "id": "msg_x"}
                """),
            "m",
            "p");

    assertEquals("msg_x", response.id());
    assertEquals(
        List.of(
            new ContentPart.Text("b \"q\" \ud83d\ude00"),
            new ContentPart.ToolCall("i", "n", "{\"z\":[1.5,{\"q\":null}]}"),
            new ContentPart.Reasoning("t", "s"),
            new ContentPart.ToolCall("", "", "{}"),
            new ContentPart.Text(""),
            new ContentPart.Unknown("", "{\"text\":\"no type\"}"),
            new ContentPart.Unknown("", "{\"type\":5}"),
            new ContentPart.Unknown(
                "server_tool_use",
                "{\"type\":\"server_tool_use\",\"input\":{\"a\":2},\"id\":\"x\"}")),
        response.content());
    assertEquals(
        Usage.builder().outputTokens(4).cacheWrite5mTokens(1).cacheWrite1hTokens(2).build(),
        response.usage());
    assertTrue(response.stopSequence().isEmpty());
  }

  @Test
  void anthropicErrorsAndBodiesWithoutContentFailAsBefore() {
    BedrockResponseException error =
        assertThrows(
            BedrockResponseException.class,
            () ->
                anthropic.decodeResponse(
                    bytes(
                        "{\"content\": [], \"type\": \"error\","
                            + " \"error\": {\"message\": \"Overloaded\", \"type\": \"overloaded_error\"}}"),
                    "m",
                    "p"));
    assertTrue(error.getMessage().contains("overloaded_error: Overloaded"), error.getMessage());

    BedrockResponseException noContent =
        assertThrows(
            BedrockResponseException.class,
            () -> anthropic.decodeResponse(bytes("{\"content\": [], \"content\": 5}"), "m", "p"));
    assertTrue(
        noContent.getMessage().contains("without a 'content' array"), noContent.getMessage());
  }

  @Test
  void systemUnknownBlocksInAToolResultStayValid() {
    ChatRequest request =
        ChatRequest.builder()
            .model("us.anthropic.claude-haiku-4-5-20251001-v1:0")
            .addMessages(
                new Message(
                    Role.SYSTEM,
                    List.of(
                        ContentPart.text("sys"), new ContentPart.Unknown("guardContent", "{ }"))),
                Message.user("u"))
            .build();

    assertEquals(
        tree("{\"guardContent\":{}}"), tree(converse.encodeRequest(request)).at("/system/1"));
  }
}
