package dev.aperture.bedrock.codec;

import static dev.aperture.bedrock.codec.JsonAssertions.assertJson;
import static dev.aperture.bedrock.codec.JsonAssertions.bytes;
import static dev.aperture.bedrock.codec.JsonAssertions.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AnthropicInvokeCodecTest {
  private static final String WEATHER_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";

  private final AnthropicInvokeCodec codec = new AnthropicInvokeCodec();

  private static ImmutableChatRequest.Builder request(Message... messages) {
    return ChatRequest.builder()
        .model("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        .addMessages(messages);
  }

  // ---- request ----

  @Test
  void aTextRequestHasTheBedrockVersionAndDefaultMaxTokensButNoModelOrStream() {
    byte[] body = codec.encodeRequest(request(Message.user("Hello")).build());

    assertJson(
        """
        {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 4096,
         "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}]}
        """,
        body);
    JsonNode tree = tree(body);
    assertFalse(tree.has("model"));
    assertFalse(tree.has("stream"));
  }

  @Test
  void theDefaultMaxTokensIsAConstructorParameterAndTheRequestsValueWins() {
    AnthropicInvokeCodec small = new AnthropicInvokeCodec(512);

    assertEquals(
        512,
        tree(small.encodeRequest(request(Message.user("Hi")).build())).get("max_tokens").asInt());
    assertEquals(
        100,
        tree(small.encodeRequest(request(Message.user("Hi")).maxTokens(100).build()))
            .get("max_tokens")
            .asInt());
    assertThrows(IllegalArgumentException.class, () -> new AnthropicInvokeCodec(0));
  }

  @Test
  void aSingleSystemTextIsSentAsAString() {
    ChatRequest request = request(Message.system("Be terse."), Message.user("Hi")).build();

    assertEquals("Be terse.", tree(codec.encodeRequest(request)).get("system").asText());
  }

  @Test
  void aSystemPromptWithACachePointIsAnArrayWithCacheControlOnTheBlockBeforeIt() {
    ChatRequest request =
        request(
                new Message(
                    Role.SYSTEM,
                    List.of(
                        ContentPart.text("Long rules"),
                        new ContentPart.CachePoint("1h"),
                        ContentPart.text("Today is Monday."))),
                Message.user("Hi"))
            .build();

    assertEquals(
        tree(
            """
            [{"type": "text", "text": "Long rules",
              "cache_control": {"type": "ephemeral", "ttl": "1h"}},
             {"type": "text", "text": "Today is Monday."}]
            """),
        tree(codec.encodeRequest(request)).get("system"));
  }

  @Test
  void severalSystemTextsWithoutCachePointAreAnArrayOfTextBlocks() {
    ChatRequest request =
        request(Message.system("One."), Message.user("Hi"), Message.system("Two.")).build();

    assertEquals(
        tree(
            "[{\"type\": \"text\", \"text\": \"One.\"}, {\"type\": \"text\", \"text\": \"Two.\"}]"),
        tree(codec.encodeRequest(request)).get("system"));
  }

  @Test
  void imagesAreSentAsBase64OrUrlSources() {
    ChatRequest request =
        request(
                Message.user(
                    ContentPart.Image.ofBase64("image/png", "iVBORw0KGgo="),
                    ContentPart.Image.ofUrl("https://example.com/cat.jpg"),
                    ContentPart.Image.ofUrl("data:image/gif;base64,R0lGOD"),
                    ContentPart.text("What are these?")))
            .build();

    assertEquals(
        tree(
            """
            [{"type": "image",
              "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
             {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
             {"type": "image",
              "source": {"type": "base64", "media_type": "image/gif", "data": "R0lGOD"}},
             {"type": "text", "text": "What are these?"}]
            """),
        tree(codec.encodeRequest(request)).at("/messages/0/content"));
  }

  @Test
  void pdfDocumentsAreBase64AndTextDocumentsAreTextSources() {
    String text = Base64.getEncoder().encodeToString("a,b\n1,2".getBytes(StandardCharsets.UTF_8));
    ChatRequest request =
        request(
                Message.user(
                    new ContentPart.Document("pdf", "Report", "JVBERi0="),
                    new ContentPart.Document("csv", "Numbers", text),
                    ContentPart.text("Compare")))
            .build();

    assertEquals(
        tree(
            """
            [{"type": "document", "title": "Report",
              "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="}},
             {"type": "document", "title": "Numbers",
              "source": {"type": "text", "media_type": "text/plain", "data": "a,b\\n1,2"}},
             {"type": "text", "text": "Compare"}]
            """),
        tree(codec.encodeRequest(request)).at("/messages/0/content"));
  }

  @Test
  void documentFormatsClaudeCannotReadAreRefused() {
    ChatRequest request =
        request(Message.user(new ContentPart.Document("docx", "Memo", "UEsDBA=="))).build();

    BedrockRequestException e =
        assertThrows(BedrockRequestException.class, () -> codec.encodeRequest(request));
    assertTrue(e.getMessage().contains("docx"), e.getMessage());
  }

  @Test
  void toolsAndEveryToolChoiceIncludingNoneAreSent() {
    ImmutableChatRequest.Builder base =
        request(Message.user("Weather?"))
            .addTools(new Tool("get_weather", "Current weather", WEATHER_SCHEMA))
            .addTools(Tool.withoutParameters("get_time", ""));

    JsonNode body = tree(codec.encodeRequest(base.build()));
    assertEquals(
        tree(
            """
            [{"name": "get_weather", "description": "Current weather",
              "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}},
             {"name": "get_time", "input_schema": {"type": "object", "properties": {}}}]
            """),
        body.get("tools"));
    assertFalse(body.has("tool_choice"));
    assertEquals(
        tree("{\"type\": \"auto\"}"),
        tree(codec.encodeRequest(base.toolChoice(ToolChoice.AUTO).build())).get("tool_choice"));
    assertEquals(
        tree("{\"type\": \"any\"}"),
        tree(codec.encodeRequest(base.toolChoice(ToolChoice.ANY).build())).get("tool_choice"));
    assertEquals(
        tree("{\"type\": \"tool\", \"name\": \"get_time\"}"),
        tree(codec.encodeRequest(base.toolChoice(ToolChoice.tool("get_time")).build()))
            .get("tool_choice"));
    assertEquals(
        tree("{\"type\": \"none\"}"),
        tree(codec.encodeRequest(base.toolChoice(ToolChoice.NONE).build())).get("tool_choice"));
  }

  @Test
  void disablingParallelToolCallsSetsDisableParallelToolUse() {
    ChatRequest request =
        request(Message.user("Weather?"))
            .addTools(new Tool("get_weather", "", WEATHER_SCHEMA))
            .parallelToolCalls(false)
            .build();

    assertEquals(
        tree("{\"type\": \"auto\", \"disable_parallel_tool_use\": true}"),
        tree(codec.encodeRequest(request)).get("tool_choice"));
  }

  @Test
  void toolCallsAndToolResultsBecomeToolUseAndToolResultBlocks() {
    ChatRequest request =
        request(
                Message.user("Weather in Paris and Rome?"),
                Message.assistant(
                    ContentPart.text("Checking."),
                    new ContentPart.ToolCall("toolu_1", "get_weather", "{\"city\": \"Paris\"}"),
                    new ContentPart.ToolCall("toolu_2", "get_weather", "{\"city\":\"Rome\"}")),
                Message.toolResult("toolu_1", "18C"),
                new Message(
                    Role.TOOL,
                    List.of(
                        new ContentPart.ToolResult(
                            "toolu_2", List.of(ContentPart.text("service down")), true))))
            .addTools(new Tool("get_weather", "", WEATHER_SCHEMA))
            .build();

    assertJson(
        """
        {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 4096,
         "messages": [
          {"role": "user", "content": [{"type": "text", "text": "Weather in Paris and Rome?"}]},
          {"role": "assistant", "content": [
            {"type": "text", "text": "Checking."},
            {"type": "tool_use", "id": "toolu_1", "name": "get_weather",
             "input": {"city": "Paris"}},
            {"type": "tool_use", "id": "toolu_2", "name": "get_weather",
             "input": {"city": "Rome"}}]},
          {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1",
             "content": [{"type": "text", "text": "18C"}]},
            {"type": "tool_result", "tool_use_id": "toolu_2",
             "content": [{"type": "text", "text": "service down"}], "is_error": true}]}],
         "tools": [{"name": "get_weather",
                    "input_schema": {"type": "object",
                                     "properties": {"city": {"type": "string"}}}}]}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void aToolCallWithoutArgumentsSendsAnEmptyObjectAsInput() {
    ChatRequest request =
        request(
                Message.user("Time?"),
                Message.assistant(new ContentPart.ToolCall("toolu_1", "get_time", "null")),
                Message.toolResult("toolu_1", "noon"))
            .build();

    assertEquals(
        tree(
            "{\"type\": \"tool_use\", \"id\": \"toolu_1\", \"name\": \"get_time\", \"input\": {}}"),
        tree(codec.encodeRequest(request)).at("/messages/1/content/0"));
  }

  @Test
  void toolHistoryWithoutToolsGetsMinimalToolsBecauseAnthropicDemandsThem() {
    ChatRequest request =
        request(
                Message.user("Time?"),
                Message.assistant(new ContentPart.ToolCall("toolu_1", "get_time", "{}")),
                Message.toolResult("toolu_1", "noon"))
            .toolChoice(ToolChoice.NONE)
            .build();

    JsonNode body = tree(codec.encodeRequest(request));
    assertEquals(
        tree(
            "[{\"name\": \"get_time\", \"input_schema\": {\"type\": \"object\", \"properties\":"
                + " {}}}]"),
        body.get("tools"));
    assertEquals(tree("{\"type\": \"none\"}"), body.get("tool_choice"));
  }

  @Test
  void thinkingWithItsSignatureRoundTripsFirstInTheAssistantTurn() {
    ChatRequest request =
        request(
                Message.user("Weather in Paris?"),
                Message.assistant(
                    new ContentPart.Reasoning("The user wants weather.", "sig-abc"),
                    new ContentPart.ToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}")),
                Message.toolResult("toolu_1", "18C"))
            .addTools(new Tool("get_weather", "", WEATHER_SCHEMA))
            .reasoningBudgetTokens(2048)
            .maxTokens(8192)
            .build();

    assertJson(
        """
        {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 8192,
         "messages": [
          {"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]},
          {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "The user wants weather.", "signature": "sig-abc"},
            {"type": "tool_use", "id": "toolu_1", "name": "get_weather",
             "input": {"city": "Paris"}}]},
          {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_1",
             "content": [{"type": "text", "text": "18C"}]}]}],
         "tools": [{"name": "get_weather",
                    "input_schema": {"type": "object",
                                     "properties": {"city": {"type": "string"}}}}],
         "thinking": {"type": "enabled", "budget_tokens": 2048}}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void redactedThinkingIsSentBackAsOpaqueData() {
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
              {"type": "redacted_thinking", "data": "RW5jcnlwdGVk"},
              {"type": "text", "text": "Hello"}]}
            """),
        tree(codec.encodeRequest(request)).at("/messages/1"));
  }

  @Test
  void aCachePointBecomesCacheControlOnThePrecedingBlockNeverASeparateBlock() {
    ChatRequest request =
        request(
                Message.user(
                    ContentPart.text("Long context"),
                    new ContentPart.CachePoint("1h"),
                    ContentPart.text("Question"),
                    ContentPart.CachePoint.DEFAULT))
            .build();

    assertEquals(
        tree(
            """
            [{"type": "text", "text": "Long context",
              "cache_control": {"type": "ephemeral", "ttl": "1h"}},
             {"type": "text", "text": "Question", "cache_control": {"type": "ephemeral"}}]
            """),
        tree(codec.encodeRequest(request)).at("/messages/0/content"));
  }

  @Test
  void aCachePointAfterThinkingIsRefusedBecauseThinkingCannotBeCached() {
    ChatRequest request =
        request(
                Message.user("Hi"),
                Message.assistant(
                    new ContentPart.Reasoning("hmm", "sig"), ContentPart.CachePoint.DEFAULT),
                Message.user("Go on"))
            .build();

    BedrockRequestException e =
        assertThrows(BedrockRequestException.class, () -> codec.encodeRequest(request));
    assertTrue(e.getMessage().contains("reasoning"), e.getMessage());
  }

  @Test
  void samplingSettingsThinkingAndOnlyTheUserIdOfTheMetadataAreSent() {
    ChatRequest request =
        request(Message.user("Hi"))
            .maxTokens(3000)
            .temperature(1.0)
            .topP(0.95)
            .topK(50)
            .addStopSequences("STOP", "END")
            .reasoningBudgetTokens(1024)
            .putMetadata("user_id", "u-42")
            .putMetadata("tenant", "acme")
            .build();

    assertJson(
        """
        {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 3000,
         "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
         "temperature": 1.0, "top_p": 0.95, "top_k": 50, "stop_sequences": ["STOP", "END"],
         "thinking": {"type": "enabled", "budget_tokens": 1024},
         "metadata": {"user_id": "u-42"}}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void aReasoningBudgetAboveTheDefaultRaisesTheDefaultMaxTokens() {
    ChatRequest request = request(Message.user("Hi")).reasoningBudgetTokens(10_000).build();

    assertEquals(14_096, tree(codec.encodeRequest(request)).get("max_tokens").asInt());
  }

  @Test
  void extraFieldsAreTopLevelAndBetasAreABodyArray() {
    ChatRequest request =
        request(Message.user("Hi"))
            .putExtraField("anthropic_beta", "[\"context-1m-2025-08-07\"]")
            .putExtraField("top_k", "7")
            .topK(50)
            .build();

    assertJson(
        """
        {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 4096,
         "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
         "anthropic_beta": ["context-1m-2025-08-07"], "top_k": 7}
        """,
        codec.encodeRequest(request));
  }

  @Test
  void aBetaGivenAsAStringBecomesAnArray() {
    ChatRequest request =
        request(Message.user("Hi")).putExtraField("anthropic_beta", "\"a-beta,b-beta\"").build();

    assertEquals(
        tree("[\"a-beta\", \"b-beta\"]"), tree(codec.encodeRequest(request)).get("anthropic_beta"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"n", "logprobs", "stream_options", "response_format", "seed", "model", "stream"})
  void fieldsBedrockRefusesForClaudeAreRefusedBeforeTheCall(String field) {
    ChatRequest request = request(Message.user("Hi")).putExtraField(field, "1").build();

    BedrockRequestException e =
        assertThrows(BedrockRequestException.class, () -> codec.encodeRequest(request));
    assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
  }

  // ---- response ----

  @Test
  void decodesEveryBlockTypeInOrder() {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                """
                {"id": "msg_bdrk_01", "type": "message", "role": "assistant",
                 "model": "claude-sonnet-4-5-20250929",
                 "content": [
                   {"type": "thinking", "thinking": "hmm", "signature": "sig"},
                   {"type": "redacted_thinking", "data": "b3BhcXVl"},
                   {"type": "text", "text": "Checking."},
                   {"type": "tool_use", "id": "toolu_9", "name": "get_weather",
                    "input": {"city": "Paris", "days": [1, 2]}},
                   {"type": "tool_use", "id": "toolu_10", "name": "get_time", "input": {}},
                   {"type": "server_tool_use", "id": "srv_1", "name": "web_search", "input": {}}],
                 "stop_reason": "tool_use", "stop_sequence": null,
                 "usage": {"input_tokens": 12, "output_tokens": 30}}
                """),
            "claude-sonnet",
            "bedrock-eu");

    assertEquals("msg_bdrk_01", response.id());
    assertEquals(
        List.of(
            new ContentPart.Reasoning("hmm", "sig"),
            new ContentPart.RedactedReasoning("b3BhcXVl"),
            new ContentPart.Text("Checking."),
            new ContentPart.ToolCall(
                "toolu_9", "get_weather", "{\"city\":\"Paris\",\"days\":[1,2]}"),
            new ContentPart.ToolCall("toolu_10", "get_time", "{}"),
            new ContentPart.Unknown(
                "server_tool_use",
                "{\"type\":\"server_tool_use\",\"id\":\"srv_1\",\"name\":\"web_search\","
                    + "\"input\":{}}")),
        response.content());
    assertEquals(StopReason.TOOL_USE, response.stopReason());
    assertTrue(response.stopSequence().isEmpty());
    assertEquals("claude-sonnet", response.model());
    assertEquals("bedrock-eu", response.provider());
    assertEquals(Usage.of(12, 30), response.usage());
  }

  @Test
  void twoTextBlocksAreBothKept() {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                """
                {"id": "msg_1", "content": [{"type": "text", "text": "One."},
                                            {"type": "text", "text": "Two."}],
                 "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 2}}
                """),
            "m",
            "p");

    assertEquals(
        List.of(new ContentPart.Text("One."), new ContentPart.Text("Two.")), response.content());
  }

  @ParameterizedTest
  @CsvSource({
    "end_turn, END_TURN",
    "tool_use, TOOL_USE",
    "max_tokens, MAX_TOKENS",
    "stop_sequence, STOP_SEQUENCE",
    "pause_turn, PAUSE_TURN",
    "refusal, REFUSAL",
    "model_context_window_exceeded, CONTEXT_WINDOW_EXCEEDED",
    "something_new, OTHER"
  })
  void everyStopReasonIsMappedAndItsRawValueKept(String raw, StopReason expected) {
    ChatResponse response =
        codec.decodeResponse(
            bytes("{\"id\": \"msg_1\", \"content\": [], \"stop_reason\": \"" + raw + "\"}"),
            "m",
            "p");

    assertEquals(expected, response.stopReason());
    assertEquals(raw, response.rawStopReason());
  }

  @Test
  void theStopSequenceThatEndedTheAnswerIsKept() {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                """
                {"id": "msg_1", "content": [{"type": "text", "text": "a"}],
                 "stop_reason": "stop_sequence", "stop_sequence": "END"}
                """),
            "m",
            "p");

    assertEquals(StopReason.STOP_SEQUENCE, response.stopReason());
    assertEquals("END", response.stopSequence().orElseThrow());
  }

  @Test
  void cacheWritesAreSplitByLifetimeWhenTheAnswerSaysHow() {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                """
                {"id": "msg_1", "content": [], "stop_reason": "end_turn",
                 "usage": {"input_tokens": 10, "output_tokens": 5,
                           "cache_read_input_tokens": 100, "cache_creation_input_tokens": 50,
                           "cache_creation": {"ephemeral_5m_input_tokens": 20,
                                              "ephemeral_1h_input_tokens": 30}}}
                """),
            "m",
            "p");

    assertEquals(
        Usage.builder()
            .inputTokens(10)
            .outputTokens(5)
            .cacheReadTokens(100)
            .cacheWrite5mTokens(20)
            .cacheWrite1hTokens(30)
            .build(),
        response.usage());
    assertEquals(160, response.usage().totalInputTokens());
  }

  @Test
  void cacheWritesWithoutASplitAreFiveMinuteWrites() {
    ChatResponse response =
        codec.decodeResponse(
            bytes(
                """
                {"id": "msg_1", "content": [], "stop_reason": "end_turn",
                 "usage": {"input_tokens": 10, "output_tokens": 5,
                           "cache_read_input_tokens": 100, "cache_creation_input_tokens": 20}}
                """),
            "m",
            "p");

    assertEquals(
        Usage.builder()
            .inputTokens(10)
            .outputTokens(5)
            .cacheReadTokens(100)
            .cacheWrite5mTokens(20)
            .build(),
        response.usage());
    assertEquals(130, response.usage().totalInputTokens());
  }

  @Test
  void anAnswerWithoutContentIsAClearError() {
    BedrockResponseException e =
        assertThrows(
            BedrockResponseException.class,
            () -> codec.decodeResponse(bytes("{\"id\": \"msg_1\"}"), "m", "p"));

    assertTrue(e.getMessage().contains("without a 'content' array"), e.getMessage());
  }

  @Test
  void anErrorBodyIsAClearErrorNamingItsType() {
    BedrockResponseException e =
        assertThrows(
            BedrockResponseException.class,
            () ->
                codec.decodeResponse(
                    bytes(
                        "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\","
                            + " \"message\": \"Overloaded\"}}"),
                    "m",
                    "p"));

    assertTrue(e.getMessage().contains("overloaded_error: Overloaded"), e.getMessage());
    assertEquals(502, e.httpStatus());
  }

  @Test
  void anAnswerWithoutAnIdGetsAGeneratedOne() {
    ChatResponse response =
        codec.decodeResponse(bytes("{\"content\": [], \"stop_reason\": \"end_turn\"}"), "m", "p");

    assertTrue(response.id().startsWith("msg_"), response.id());
    assertEquals(Usage.ZERO, response.usage());
  }
}
