package dev.aperture.bedrock.codec;

import static dev.aperture.bedrock.codec.JsonAssertions.assertJson;
import static dev.aperture.bedrock.codec.JsonAssertions.bytes;
import static dev.aperture.bedrock.codec.JsonAssertions.tree;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.ImmutableChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Tool;
import dev.aperture.chat.ToolChoice;
import dev.aperture.chat.Usage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConverseCodecTest {
  private static final String CLAUDE = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
  private static final String WEATHER_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";

  private final ConverseCodec codec = new ConverseCodec();

  private static ImmutableChatRequest.Builder request(Message... messages) {
    return ChatRequest.builder().model(CLAUDE).addMessages(messages);
  }

  // ---- request ----

  @Test
  void userTextBecomesAUserMessageWithATextBlockAndNoModelId() {
    byte[] body = codec.encodeRequest(request(Message.user("Hello")).build());

    assertJson(
        """
        {"messages": [{"role": "user", "content": [{"text": "Hello"}]}]}
        """,
        body);
  }

  @Test
  void systemMessagesAreHoistedInOrderWithTheirCachePoint() {
    ChatRequest request =
        request(
                Message.system("You are terse."),
                Message.user("Hi"),
                new Message(
                    Role.SYSTEM,
                    List.of(ContentPart.text("Answer in French."), ContentPart.CachePoint.DEFAULT)))
            .build();

    assertJson(
        """
        {"messages": [{"role": "user", "content": [{"text": "Hi"}]}],
         "system": [{"text": "You are terse."}, {"text": "Answer in French."},
                    {"cachePoint": {"type": "default"}}]}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void inferenceConfigHoldsOnlyTheSettingsThatArePresent() {
    ChatRequest request =
        request(Message.user("Hi"))
            .maxTokens(256)
            .temperature(0.5)
            .topP(0.9)
            .addStopSequences("END")
            .build();

    assertJson(
        """
        {"messages": [{"role": "user", "content": [{"text": "Hi"}]}],
         "inferenceConfig": {"maxTokens": 256, "temperature": 0.5, "topP": 0.9,
                             "stopSequences": ["END"]}}
        """,
        codec.encodeRequest(request));
    assertJson(
        """
        {"messages": [{"role": "user", "content": [{"text": "Hi"}]}],
         "inferenceConfig": {"temperature": 0.0}}
        """,
        codec.encodeRequest(request(Message.user("Hi")).temperature(0.0).build()));
  }

  @Test
  void inlineImagesCarryTheirFormatAndBase64Bytes() {
    ChatRequest request =
        request(
                Message.user(
                    ContentPart.text("Compare"),
                    ContentPart.Image.ofBase64("image/png", "iVBORw0KGgo="),
                    ContentPart.Image.ofBase64("image/jpg", "/9j/4AAQ"),
                    ContentPart.Image.ofUrl("data:image/webp;base64,UklGRg==")))
            .build();

    assertJson(
        """
        {"messages": [{"role": "user", "content": [
          {"text": "Compare"},
          {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}},
          {"image": {"format": "jpeg", "source": {"bytes": "/9j/4AAQ"}}},
          {"image": {"format": "webp", "source": {"bytes": "UklGRg=="}}}]}]}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void imagesGivenByUrlAreRefusedBecauseConverseTakesBytes() {
    ChatRequest request =
        request(Message.user(ContentPart.Image.ofUrl("https://example.com/cat.png"))).build();

    BedrockRequestException e =
        assertThrows(BedrockRequestException.class, () -> codec.encodeRequest(request));
    assertTrue(e.getMessage().contains("bytes, not URLs"), e.getMessage());
    assertTrue(e.getMessage().contains("https://example.com/cat.png"), e.getMessage());
    assertEquals(400, e.httpStatus());
  }

  @Test
  void imagesOfAnUnsupportedMediaTypeAreRefused() {
    ChatRequest request =
        request(Message.user(ContentPart.Image.ofBase64("image/tiff", "AAAA"))).build();

    BedrockRequestException e =
        assertThrows(BedrockRequestException.class, () -> codec.encodeRequest(request));
    assertTrue(e.getMessage().contains("image/tiff"), e.getMessage());
  }

  @Test
  void documentsCarryFormatAConverseSafeNameAndBytes() {
    ChatRequest request =
        request(
                Message.user(
                    new ContentPart.Document("PDF", "report.2024 (final).pdf", "JVBERi0="),
                    ContentPart.text("Summarise it")))
            .build();

    assertJson(
        """
        {"messages": [{"role": "user", "content": [
          {"document": {"format": "pdf", "name": "report-2024 (final)-pdf",
                        "source": {"bytes": "JVBERi0="}}},
          {"text": "Summarise it"}]}]}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void toolsAndEachToolChoiceBecomeTheToolConfig() {
    ImmutableChatRequest.Builder base =
        request(Message.user("Weather in Paris?"))
            .addTools(new Tool("get_weather", "Current weather", WEATHER_SCHEMA))
            .addTools(Tool.withoutParameters("get_time", ""));
    String tools =
        """
        [{"toolSpec": {"name": "get_weather", "description": "Current weather",
                       "inputSchema": {"json": {"type": "object",
                                                "properties": {"city": {"type": "string"}}}}}},
         {"toolSpec": {"name": "get_time",
                       "inputSchema": {"json": {"type": "object", "properties": {}}}}}]
        """;

    assertEquals(
        tree("{\"tools\": " + tools + "}"),
        tree(codec.encodeRequest(base.build())).get("toolConfig"));
    assertEquals(
        tree("{\"tools\": " + tools + ", \"toolChoice\": {\"auto\": {}}}"),
        tree(codec.encodeRequest(base.toolChoice(ToolChoice.AUTO).build())).get("toolConfig"));
    assertEquals(
        tree("{\"tools\": " + tools + ", \"toolChoice\": {\"any\": {}}}"),
        tree(codec.encodeRequest(base.toolChoice(ToolChoice.ANY).build())).get("toolConfig"));
    assertEquals(
        tree("{\"tools\": " + tools + ", \"toolChoice\": {\"tool\": {\"name\": \"get_time\"}}}"),
        tree(codec.encodeRequest(base.toolChoice(ToolChoice.tool("get_time")).build()))
            .get("toolConfig"));
  }

  @Test
  void toolsSentEveryTurnAreWrittenTheSameEachTimeWithTheChoiceOfThatTurn() {
    // the same Tool objects every turn, as an agent (or the OpenAI decoder's cache) sends them
    List<Tool> tools =
        List.of(
            new Tool("get_weather", "M\u00e9t\u00e9o \ud83c\udf26 \"now\"\n", WEATHER_SCHEMA),
            Tool.withoutParameters("get_time", ""));
    ChatRequest auto =
        request(Message.user("Weather?")).tools(tools).toolChoice(ToolChoice.AUTO).build();
    ChatRequest pick =
        request(Message.user("Weather?"))
            .tools(tools)
            .toolChoice(ToolChoice.tool("get_time"))
            .build();
    assertEncodedAlikeEachTime(auto, pick);
    JsonNode config = tree(codec.encodeRequest(auto)).get("toolConfig");
    assertEquals(tree("{\"auto\": {}}"), config.get("toolChoice"));
    assertEquals(
        "M\u00e9t\u00e9o \ud83c\udf26 \"now\"\n",
        config.at("/tools/0/toolSpec/description").asText());
    assertEquals(
        tree("{\"tool\": {\"name\": \"get_time\"}}"),
        tree(codec.encodeRequest(pick)).get("toolConfig").get("toolChoice"));
  }

  @Test
  void aConversationResentEveryTurnIsWrittenTheSameWithEachTurnsOwnRole() {
    // one part list as a user turn in one conversation and an assistant turn in another
    List<ContentPart> shared =
        Message.user("What would you recommend for a long train journey through the Alps?")
            .content();
    Message asUser = new Message(Role.USER, shared);
    Message asAssistant = new Message(Role.ASSISTANT, shared);
    assertSame(asUser.content(), asAssistant.content());
    String tooLong = "All work and no play. ".repeat(1000); // a turn too large to keep
    ChatRequest first =
        request(asUser, Message.assistant("A novel."), Message.user(tooLong)).build();
    ChatRequest second =
        request(Message.user("Echo me."), asAssistant, Message.user("Thanks.")).build();
    assertEncodedAlikeEachTime(first, second);
    JsonNode firstTree = tree(codec.encodeRequest(first));
    assertEquals("user", firstTree.at("/messages/0/role").asText());
    assertEquals(tooLong, firstTree.at("/messages/2/content/0/text").asText());
    JsonNode secondTree = tree(codec.encodeRequest(second));
    assertEquals("assistant", secondTree.at("/messages/1/role").asText());
    assertEquals(
        "What would you recommend for a long train journey through the Alps?",
        secondTree.at("/messages/1/content/0/text").asText());
  }

  /**
   * Encodes {@code a} three times, then {@code b} three times, three rounds over (written, written
   * and kept, copied from what was kept), into arrays and into a stream (the provider's way, with
   * the thread's kept generator): each time to its first encoding's bytes.
   */
  private void assertEncodedAlikeEachTime(ChatRequest a, ChatRequest b) {
    byte[] aBytes = codec.encodeRequest(a);
    byte[] bBytes = codec.encodeRequest(b);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(aBytes, i == 1 ? streamed(a) : codec.encodeRequest(a));
      }
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(bBytes, i == 1 ? streamed(b) : codec.encodeRequest(b));
      }
    }
  }

  private byte[] streamed(ChatRequest request) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      codec.encodeRequest(request, CLAUDE, out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Test
  void aShortTextTurnIsHeldAfterItsWritingAndALongOneIsNot() {
    Message shortOne = Message.user("A short question, asked in every turn?");
    Message longOne = Message.user("x".repeat(ConverseCodec.MAX_KEPT_TURN_CHARS + 1));
    ChatRequest withShort = request(shortOne).build();
    ChatRequest withLong = request(longOne).build();
    for (int i = 0; i < 3; i++) {
      codec.encodeRequest(withShort);
      codec.encodeRequest(withLong);
    }
    assertTrue(ConverseCodec.TURNS.holds(shortOne.content()));
    assertFalse(ConverseCodec.TURNS.holds(longOne.content()));
  }

  @Test
  void onlySmallTextTurnsAndToolListsAreKept() {
    assertTrue(ConverseCodec.isKeptTurnSize(List.of(new ContentPart.Text("Hello"))));
    assertTrue(
        ConverseCodec.isKeptTurnSize(
            List.of(
                new ContentPart.Text("x".repeat(ConverseCodec.MAX_KEPT_TURN_CHARS - 1)),
                new ContentPart.Text("y"))));
    assertFalse(
        ConverseCodec.isKeptTurnSize(
            List.of(
                new ContentPart.Text("x".repeat(ConverseCodec.MAX_KEPT_TURN_CHARS)),
                new ContentPart.Text("y"))));
    assertFalse(
        ConverseCodec.isKeptTurnSize(
            List.of(
                new ContentPart.Text("Look:"),
                ContentPart.Image.ofBase64("image/png", "iVBORw0KGgo="))));
    PreparedRequest.PreparedTool small =
        new PreparedRequest.PreparedTool("get", "Gets", "{\"type\":\"object\"}");
    PreparedRequest.PreparedTool large =
        new PreparedRequest.PreparedTool(
            "get", "x".repeat(ConverseCodec.MAX_KEPT_TOOLS_CHARS), "{\"type\":\"object\"}");
    assertTrue(ConverseCodec.isKeptToolsSize(List.of(small, small)));
    assertFalse(ConverseCodec.isKeptToolsSize(List.of(small, large)));
  }

  @Test
  void toolCallsAndConsecutiveToolResultsBecomeToolUseAndOneUserTurnOfToolResults() {
    ChatRequest request =
        request(
                Message.user("Weather in Paris and Rome?"),
                Message.assistant(
                    ContentPart.text("Checking."),
                    new ContentPart.ToolCall("tu_1", "get_weather", "{\"city\": \"Paris\"}"),
                    new ContentPart.ToolCall("tu_2", "get_weather", "{\"city\":\"Rome\"}")),
                Message.toolResult("tu_1", "18C"),
                new Message(
                    Role.TOOL,
                    List.of(
                        new ContentPart.ToolResult(
                            "tu_2", List.of(ContentPart.text("service down")), true))),
                Message.user("Be brief."))
            .addTools(new Tool("get_weather", "", WEATHER_SCHEMA))
            .build();

    assertJson(
        """
        {"messages": [
          {"role": "user", "content": [{"text": "Weather in Paris and Rome?"}]},
          {"role": "assistant", "content": [
            {"text": "Checking."},
            {"toolUse": {"toolUseId": "tu_1", "name": "get_weather", "input": {"city": "Paris"}}},
            {"toolUse": {"toolUseId": "tu_2", "name": "get_weather", "input": {"city": "Rome"}}}]},
          {"role": "user", "content": [
            {"toolResult": {"toolUseId": "tu_1", "content": [{"text": "18C"}],
                            "status": "success"}},
            {"toolResult": {"toolUseId": "tu_2", "content": [{"text": "service down"}],
                            "status": "error"}},
            {"text": "Be brief."}]}],
         "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather",
            "inputSchema": {"json": {"type": "object",
                                     "properties": {"city": {"type": "string"}}}}}}]}}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void toolResultsMayHoldImagesDocumentsAndJson() {
    ChatRequest request =
        request(
                Message.user("Render it"),
                Message.assistant(new ContentPart.ToolCall("tu_1", "render", "{}")),
                new Message(
                    Role.TOOL,
                    List.of(
                        new ContentPart.ToolResult(
                            "tu_1",
                            List.of(
                                ContentPart.Image.ofBase64("image/gif", "R0lGOD"),
                                new ContentPart.Document("csv", "rows", "YSxi"),
                                new ContentPart.Unknown("json", "{\"ok\": true}")),
                            false))))
            .addTools(Tool.withoutParameters("render", ""))
            .build();

    assertEquals(
        tree(
            """
            {"toolResult": {"toolUseId": "tu_1", "status": "success", "content": [
              {"image": {"format": "gif", "source": {"bytes": "R0lGOD"}}},
              {"document": {"format": "csv", "name": "rows", "source": {"bytes": "YSxi"}}},
              {"json": {"ok": true}}]}}
            """),
        tree(codec.encodeRequest(request)).at("/messages/2/content/0"));
  }

  @Test
  void aToolResultWithNoContentGetsAPlaceholderBecauseConverseRefusesEmptyText() {
    ChatRequest request =
        request(
                Message.user("Ping"),
                Message.assistant(new ContentPart.ToolCall("tu_1", "ping", "{}")),
                Message.toolResult("tu_1", "  "))
            .addTools(Tool.withoutParameters("ping", ""))
            .build();

    assertEquals(
        tree(
            """
            {"toolResult": {"toolUseId": "tu_1", "content": [{"text": "(empty)"}],
                            "status": "success"}}
            """),
        tree(codec.encodeRequest(request)).at("/messages/2/content/0"));
  }

  @Test
  void aToolCallWithoutArgumentsSendsAnEmptyObjectAsInput() {
    ChatRequest request =
        request(
                Message.user("Time?"),
                Message.assistant(new ContentPart.ToolCall("tu_1", "get_time", "")),
                Message.toolResult("tu_1", "noon"))
            .addTools(Tool.withoutParameters("get_time", ""))
            .build();

    assertEquals(
        tree("{\"toolUse\": {\"toolUseId\": \"tu_1\", \"name\": \"get_time\", \"input\": {}}}"),
        tree(codec.encodeRequest(request)).at("/messages/1/content/0"));
  }

  @Test
  void toolChoiceNoneWithoutToolHistoryWithholdsTheTools() {
    ChatRequest request =
        request(Message.user("Just talk"))
            .addTools(new Tool("get_weather", "", WEATHER_SCHEMA))
            .toolChoice(ToolChoice.NONE)
            .build();

    assertJson(
        """
        {"messages": [{"role": "user", "content": [{"text": "Just talk"}]}]}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void toolChoiceNoneWithToolHistoryKeepsTheToolsButSendsNoChoice() {
    ChatRequest request =
        request(
                Message.user("Weather?"),
                Message.assistant(new ContentPart.ToolCall("tu_1", "get_weather", "{}")),
                Message.toolResult("tu_1", "sunny"))
            .addTools(new Tool("get_weather", "", WEATHER_SCHEMA))
            .toolChoice(ToolChoice.NONE)
            .build();

    assertEquals(
        tree(
            """
            {"tools": [{"toolSpec": {"name": "get_weather",
              "inputSchema": {"json": {"type": "object",
                                       "properties": {"city": {"type": "string"}}}}}}]}
            """),
        tree(codec.encodeRequest(request)).get("toolConfig"));
  }

  @Test
  void toolHistoryWithoutToolsGetsMinimalToolSpecsForTheNamesUsed() {
    ChatRequest request =
        request(
                Message.user("Weather?"),
                Message.assistant(
                    new ContentPart.ToolCall("tu_1", "get_weather", "{}"),
                    new ContentPart.ToolCall("tu_2", "get_time", "{}"),
                    new ContentPart.ToolCall("tu_3", "get_weather", "{}")),
                Message.toolResult("tu_1", "sunny"),
                Message.toolResult("tu_2", "noon"),
                Message.toolResult("tu_3", "sunny"))
            .build();

    assertEquals(
        tree(
            """
            {"tools": [
              {"toolSpec": {"name": "get_weather",
                            "inputSchema": {"json": {"type": "object", "properties": {}}}}},
              {"toolSpec": {"name": "get_time",
                            "inputSchema": {"json": {"type": "object", "properties": {}}}}}]}
            """),
        tree(codec.encodeRequest(request)).get("toolConfig"));
  }

  @Test
  void reasoningWithItsSignatureRoundTripsFirstInTheAssistantTurn() {
    ChatRequest request =
        request(
                Message.user("Weather in Paris?"),
                Message.assistant(
                    new ContentPart.Reasoning("The user wants weather.", "sig-abc"),
                    new ContentPart.ToolCall("tu_1", "get_weather", "{\"city\":\"Paris\"}")),
                Message.toolResult("tu_1", "18C"))
            .addTools(new Tool("get_weather", "", WEATHER_SCHEMA))
            .reasoningBudgetTokens(2048)
            .maxTokens(4096)
            .build();

    assertJson(
        """
        {"messages": [
          {"role": "user", "content": [{"text": "Weather in Paris?"}]},
          {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "The user wants weather.",
                                                    "signature": "sig-abc"}}},
            {"toolUse": {"toolUseId": "tu_1", "name": "get_weather", "input": {"city": "Paris"}}}]},
          {"role": "user", "content": [
            {"toolResult": {"toolUseId": "tu_1", "content": [{"text": "18C"}],
                            "status": "success"}}]}],
         "inferenceConfig": {"maxTokens": 4096},
         "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather",
            "inputSchema": {"json": {"type": "object",
                                     "properties": {"city": {"type": "string"}}}}}}]},
         "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 2048}}}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void redactedReasoningIsSentBackAsOpaqueData() {
    ChatRequest request =
        request(
                Message.user("Hi"),
                Message.assistant(
                    new ContentPart.RedactedReasoning("RW5jcnlwdGVk"), ContentPart.text("Hello")),
                Message.user("Again"))
            .build();

    assertEquals(
        tree(
            """
            {"role": "assistant", "content": [
              {"reasoningContent": {"redactedContent": "RW5jcnlwdGVk"}}, {"text": "Hello"}]}
            """),
        tree(codec.encodeRequest(request)).at("/messages/1"));
  }

  @Test
  void cachePointsBecomeCachePointBlocksWithTheirTtl() {
    ChatRequest request =
        request(
                Message.user(
                    ContentPart.text("Long context"),
                    new ContentPart.CachePoint("1h"),
                    ContentPart.text("Question"),
                    ContentPart.CachePoint.DEFAULT))
            .build();

    assertJson(
        """
        {"messages": [{"role": "user", "content": [
          {"text": "Long context"}, {"cachePoint": {"type": "default", "ttl": "1h"}},
          {"text": "Question"}, {"cachePoint": {"type": "default"}}]}]}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void unknownBlocksAreSentAsTheirRawJsonUnderTheirType() {
    ChatRequest request =
        request(
                Message.user(
                    ContentPart.text("Check this"),
                    new ContentPart.Unknown("guardContent", "{\"text\": {\"text\": \"x\"}}")))
            .build();

    assertEquals(
        tree("{\"guardContent\": {\"text\": {\"text\": \"x\"}}}"),
        tree(codec.encodeRequest(request)).at("/messages/0/content/1"));
  }

  @Test
  void anthropicFieldsExtraFieldsAndMetadataGoWhereConverseExpectsThem() {
    ChatRequest request =
        request(Message.user("Hi"))
            .topK(40)
            .reasoningBudgetTokens(1024)
            .putMetadata("tenant", "acme")
            .putExtraField("anthropic_beta", "\"context-1m-2025-08-07, interleaved-thinking\"")
            .putExtraField("guardrailConfig", "{\"guardrailIdentifier\": \"g1\"}")
            .putExtraField("top_k", "10")
            .build();

    assertJson(
        """
        {"messages": [{"role": "user", "content": [{"text": "Hi"}]}],
         "additionalModelRequestFields": {
           "top_k": 10,
           "thinking": {"type": "enabled", "budget_tokens": 1024},
           "anthropic_beta": ["context-1m-2025-08-07", "interleaved-thinking"]},
         "requestMetadata": {"tenant": "acme"},
         "guardrailConfig": {"guardrailIdentifier": "g1"}}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void reasoningEffortBecomesAThinkingBudgetForClaude() {
    ChatRequest request = request(Message.user("Hi")).reasoningEffort("medium").build();

    assertEquals(
        tree("{\"type\": \"enabled\", \"budget_tokens\": 2048}"),
        tree(codec.encodeRequest(request)).at("/additionalModelRequestFields/thinking"));
  }

  @Test
  void topKForAmazonNovaGoesIntoNovasOwnInferenceConfig() {
    ChatRequest request = request(Message.user("Hi")).topK(20).build();

    assertEquals(
        tree("{\"inferenceConfig\": {\"topK\": 20}}"),
        tree(codec.encodeRequest(request, "us.amazon.nova-pro-v1:0"))
            .get("additionalModelRequestFields"));
  }

  @Test
  void theModelIdArgumentDecidesTheFamilyEvenForAnArn() {
    ChatRequest request = request(Message.user("Hi")).model("my-alias").topK(5).build();

    assertEquals(
        tree("{\"top_k\": 5}"),
        tree(codec.encodeRequest(
                request,
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
                    + "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"))
            .get("additionalModelRequestFields"));
  }

  @Test
  void reasoningForAModelThatIsNotClaudeIsRefused() {
    ChatRequest request = request(Message.user("Hi")).reasoningBudgetTokens(2048).build();

    BedrockRequestException e =
        assertThrows(
            BedrockRequestException.class,
            () -> codec.encodeRequest(request, "meta.llama3-3-70b-instruct-v1:0"));
    assertTrue(e.getMessage().contains("thinking"), e.getMessage());
  }

  @Test
  void openAiOnlyExtraFieldsAreRefusedForClaude() {
    ChatRequest request = request(Message.user("Hi")).putExtraField("stream_options", "{}").build();

    BedrockRequestException e =
        assertThrows(BedrockRequestException.class, () -> codec.encodeRequest(request));
    assertTrue(e.getMessage().contains("stream_options"), e.getMessage());
    assertTrue(e.getMessage().contains("OpenAI-only"), e.getMessage());
  }

  @Test
  void extraFieldsForOtherModelsArePassedAsTheyAre() {
    ChatRequest request = request(Message.user("Hi")).putExtraField("seed", "7").build();

    assertEquals(
        tree("{\"seed\": 7}"),
        tree(codec.encodeRequest(request, "mistral.mistral-large-2407-v1:0"))
            .get("additionalModelRequestFields"));
  }

  // ---- response ----

  @Test
  void decodesTextToolUseAndReasoningBlocksInOrder() {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                """
                {"output": {"message": {"role": "assistant", "content": [
                   {"reasoningContent": {"reasoningText": {"text": "hmm", "signature": "sig"}}},
                   {"reasoningContent": {"redactedContent": "b3BhcXVl"}},
                   {"text": "Let me check."},
                   {"toolUse": {"toolUseId": "tu_9", "name": "get_weather",
                                "input": {"city": "Paris", "days": [1, 2]}}},
                   {"toolUse": {"toolUseId": "tu_10", "name": "get_time"}}]}},
                 "stopReason": "tool_use",
                 "usage": {"inputTokens": 12, "outputTokens": 30, "totalTokens": 42},
                 "metrics": {"latencyMs": 812}, "p": "abcdef"}
                """),
            "claude-haiku",
            "bedrock-us");

    assertEquals(
        List.of(
            new ContentPart.Reasoning("hmm", "sig"),
            new ContentPart.RedactedReasoning("b3BhcXVl"),
            new ContentPart.Text("Let me check."),
            new ContentPart.ToolCall("tu_9", "get_weather", "{\"city\":\"Paris\",\"days\":[1,2]}"),
            new ContentPart.ToolCall("tu_10", "get_time", "{}")),
        response.content());
    assertEquals(StopReason.TOOL_USE, response.stopReason());
    assertEquals("claude-haiku", response.model());
    assertEquals("bedrock-us", response.provider());
    assertEquals(812L, response.latencyMillis().orElseThrow());
    assertTrue(response.id().startsWith("msg_"), response.id());
  }

  /**
   * The thread keeps its answer builder and part list between answers: nothing of one answer may
   * show in the next or stay in them, an answer of more parts than they keep room for is not kept,
   * and a read that fails drops them.
   */
  @Test
  void theKeptAnswerBuilderCarriesNothingOverAndIsBounded() {
    String rich =
        """
        {"output": {"message": {"role": "assistant", "content": [
           {"reasoningContent": {"reasoningText": {"text": "hmm", "signature": "sig"}}},
           {"text": "Let me check."}, {"toolUse": {"toolUseId": "tu_9", "name": "f"}}]}},
         "stopReason": "tool_use", "usage": {"inputTokens": 12, "outputTokens": 30},
         "metrics": {"latencyMs": 812}, "additionalModelResponseFields": {"a": 1}}
        """;
    ChatResponse first = codec.decodeResponse(bytes(rich), "m", "p");
    assertEquals(3, first.content().size());
    assertEquals(Map.of("a", "1"), first.extraFields());
    ConverseCodec.KeptBuilder kept = ConverseCodec.KeptBuilder.KEPT.kept();
    assertNotNull(kept, "kept after an answer");
    assertTrue(kept.content.isEmpty());
    Usage none = Usage.ZERO;
    assertEquals(
        ChatResponse.builder()
            .id("i")
            .model("m")
            .provider("p")
            .stopReason(StopReason.OTHER)
            .usage(none)
            .build(),
        kept.response
            .id("i")
            .model("m")
            .provider("p")
            .stopReason(StopReason.OTHER)
            .usage(none)
            .build());
    kept.response.clear();

    ChatResponse plain =
        codec.decodeResponse(
            bytes("{\"output\": {\"message\": {\"content\": [{\"text\": \"Hi\"}]}}}"), "m2", "p2");
    assertEquals(List.of(new ContentPart.Text("Hi")), plain.content());
    assertTrue(plain.latencyMillis().isEmpty());
    assertEquals(plain.stopReason().wireName(), plain.rawStopReason()); // not tool_use
    assertTrue(plain.extraFields().isEmpty());
    assertEquals(Usage.ZERO, plain.usage());
    assertSame(kept, ConverseCodec.KeptBuilder.KEPT.kept(), "the same builder, lent and back");

    StringBuilder parts = new StringBuilder();
    for (int i = 0; i <= ConverseCodec.MAX_KEPT_ELEMENTS; i++) {
      parts.append(i == 0 ? "" : ", ").append("{\"text\": \"t").append(i).append("\"}");
    }
    ChatResponse large =
        codec.decodeResponse(
            bytes("{\"output\": {\"message\": {\"content\": [" + parts + "]}}}"), "m", "p");
    assertEquals(ConverseCodec.MAX_KEPT_ELEMENTS + 1, large.content().size());
    assertNull(ConverseCodec.KeptBuilder.KEPT.kept(), "not kept after 257 parts");
    codec.decodeResponse(bytes(rich), "m", "p");
    assertNotNull(ConverseCodec.KeptBuilder.KEPT.kept());
    // the list grew to 257 before a repeated key emptied it: its capacity counts, not the answer
    ChatResponse repeated =
        codec.decodeResponse(
            bytes(
                "{\"output\": {\"message\": {\"content\": ["
                    + parts
                    + "], \"content\": [{\"text\": \"x\"}]}}}"),
            "m",
            "p");
    assertEquals(List.of(new ContentPart.Text("x")), repeated.content());
    assertNull(
        ConverseCodec.KeptBuilder.KEPT.kept(), "not kept after a list of 257 parts was emptied");

    assertEquals(first.content(), codec.decodeResponse(bytes(rich), "m", "p").content());
    assertNotNull(ConverseCodec.KeptBuilder.KEPT.kept());
    assertThrows(
        RuntimeException.class,
        () ->
            codec.decodeResponse(
                bytes(rich.replace("\"metrics\"", "\"metrics\" garbage")), "m", "p"));
    assertNull(ConverseCodec.KeptBuilder.KEPT.kept(), "dropped by a read that failed");
  }

  @Test
  void severalTextBlocksAreKeptSeparatelyAndNothingIsLost() {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                """
                {"output": {"message": {"role": "assistant", "content": [
                   {"text": "First part."}, {"text": "Second part."}]}},
                 "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 2}}
                """),
            "m",
            "p");

    assertEquals(
        List.of(new ContentPart.Text("First part."), new ContentPart.Text("Second part.")),
        response.content());
    assertEquals("First part.Second part.", response.text());
  }

  @ParameterizedTest
  @CsvSource({
    "end_turn, END_TURN",
    "tool_use, TOOL_USE",
    "max_tokens, MAX_TOKENS",
    "stop_sequence, STOP_SEQUENCE",
    "guardrail_intervened, GUARDRAIL_INTERVENED",
    "content_filtered, CONTENT_FILTERED",
    "malformed_model_output, MALFORMED_MODEL_OUTPUT",
    "malformed_tool_use, MALFORMED_TOOL_USE",
    "model_context_window_exceeded, CONTEXT_WINDOW_EXCEEDED",
    "something_new, OTHER"
  })
  void everyStopReasonIsMappedAndItsRawValueKept(String raw, StopReason expected) {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                "{\"output\": {\"message\": {\"role\": \"assistant\", \"content\": []}},"
                    + " \"stopReason\": \""
                    + raw
                    + "\"}"),
            "m",
            "p");

    assertEquals(expected, response.stopReason());
    assertEquals(raw, response.rawStopReason());
  }

  @Test
  void inputTokensExcludeCacheTokensAndCacheWritesAreFiveMinuteWrites() {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                """
                {"output": {"message": {"role": "assistant", "content": [{"text": "ok"}]}},
                 "stopReason": "end_turn",
                 "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 135,
                           "cacheReadInputTokens": 100, "cacheWriteInputTokens": 20}}
                """),
            "m",
            "p");

    assertEquals(
        Usage.builder()
            .inputTokens(10)
            .cacheReadTokens(100)
            .cacheWrite5mTokens(20)
            .outputTokens(5)
            .build(),
        response.usage());
    assertEquals(130, response.usage().totalInputTokens());
  }

  @Test
  void additionalModelResponseFieldsBecomeExtraFields() {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                """
                {"output": {"message": {"role": "assistant", "content": [{"text": "ok"}]}},
                 "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 1},
                 "additionalModelResponseFields": {"stop_sequence": null, "trace": {"a": [1]}}}
                """),
            "m",
            "p");

    assertEquals("{\"a\":[1]}", response.extraFields().get("trace"));
    assertEquals("null", response.extraFields().get("stop_sequence"));
  }

  @Test
  void unknownResponseBlocksAreKeptRaw() {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                """
                {"output": {"message": {"role": "assistant", "content": [
                   {"citationsContent": {"content": [{"text": "x"}]}}]}},
                 "stopReason": "end_turn"}
                """),
            "m",
            "p");

    assertEquals(
        List.of(new ContentPart.Unknown("citationsContent", "{\"content\":[{\"text\":\"x\"}]}")),
        response.content());
    assertEquals(Usage.ZERO, response.usage());
  }

  @Test
  void anAnswerWithoutOutputIsAClearErrorNotANullPointer() {
    BedrockResponseException e =
        assertThrows(
            BedrockResponseException.class,
            () ->
                codec.decodeResponse(
                    bytes("{\"stopReason\": \"end_turn\", \"Message\": \"internal hiccup\"}"),
                    "m",
                    "p"));

    assertTrue(e.getMessage().contains("without an 'output' message"), e.getMessage());
    assertTrue(e.getMessage().contains("internal hiccup"), e.getMessage());
    assertFalse(e.retryable());
  }

  @Test
  void aBodyThatIsNotJsonIsAClearError() {
    BedrockResponseException e =
        assertThrows(
            BedrockResponseException.class,
            () -> codec.decodeResponse(bytes("<html>bad gateway</html>"), "m", "p"));

    assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
  }
}
