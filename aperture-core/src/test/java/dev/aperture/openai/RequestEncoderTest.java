package dev.aperture.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.ImmutableChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.chat.Tool;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Encoding through {@link OpenAiChatCodec#encodeRequest}, which delegates to the encoder. */
class RequestEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final OpenAiChatCodec codec = OpenAiChatCodec.create();

  private static ImmutableChatRequest.Builder request(Message... messages) {
    return ChatRequest.builder().model("gpt-4.1").addMessages(messages);
  }

  private JsonNode encode(ChatRequest r) throws IOException {
    return JSON.readTree(codec.encodeRequest(r, false, false));
  }

  private OpenAiRequestException refused(ChatRequest r) {
    return assertThrows(OpenAiRequestException.class, () -> codec.encodeRequest(r, false, false));
  }

  @Test
  void toolResultsInAUserTurnBecomeToolMessagesBeforeTheRestOfTheTurn() throws IOException {
    ChatRequest r =
        request(
                Message.user("weather and time?"),
                Message.assistant(
                    new ContentPart.ToolCall("t1", "weather", "{}"),
                    new ContentPart.ToolCall("t2", "time", "{}")),
                Message.user(
                    ContentPart.ToolResult.ofText("t1", "sunny"),
                    ContentPart.ToolResult.ofText("t2", "noon"),
                    ContentPart.text("Summarise.")))
            .build();

    JsonNode messages = encode(r).get("messages");

    assertEquals(5, messages.size());
    assertEquals(
        JSON.readTree("{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"sunny\"}"),
        messages.get(2));
    assertEquals("t2", messages.get(3).get("tool_call_id").asText());
    assertEquals(JSON.readTree("{\"role\":\"user\",\"content\":\"Summarise.\"}"), messages.get(4));
  }

  @Test
  void providerSpecificHintsAreLeftOut() throws IOException {
    ChatRequest r =
        request(
                new Message(
                    Role.SYSTEM,
                    List.of(ContentPart.text("Be brief."), ContentPart.CachePoint.DEFAULT)),
                Message.user("q"),
                Message.assistant(
                    new ContentPart.Reasoning("thinking", "c2lnbmF0dXJl"),
                    new ContentPart.RedactedReasoning("ZW5jcnlwdGVk"),
                    ContentPart.text("a")),
                new Message(
                    Role.TOOL,
                    List.of(
                        new ContentPart.ToolResult("t", List.of(ContentPart.text("boom")), true))))
            .build();

    JsonNode messages = encode(r).get("messages");

    assertEquals(JSON.readTree("{\"role\":\"system\",\"content\":\"Be brief.\"}"), messages.get(0));
    assertEquals(
        JSON.readTree(
            "{\"role\":\"assistant\",\"content\":\"a\",\"reasoning_content\":\"thinking\"}"),
        messages.get(2));
    assertEquals(
        JSON.readTree("{\"role\":\"tool\",\"tool_call_id\":\"t\",\"content\":\"boom\"}"),
        messages.get(3));
  }

  @Test
  void severalTextPartsStaySeparateParts() throws IOException {
    ChatRequest r = request(Message.user(ContentPart.text("one"), ContentPart.text("two"))).build();

    assertEquals(
        JSON.readTree(
            "[{\"type\":\"text\",\"text\":\"one\"},{\"type\":\"text\",\"text\":\"two\"}]"),
        encode(r).at("/messages/0/content"));
  }

  @Test
  void documentsAndInlineImagesAreWrittenAsDataUrls() throws IOException {
    ChatRequest r =
        request(
                Message.user(
                    ContentPart.Image.ofBase64("image/webp", "UklGRg=="),
                    new ContentPart.Document("xlsx", "sheet.xlsx", "UEsDBA==")))
            .build();

    JsonNode content = encode(r).at("/messages/0/content");

    assertEquals("data:image/webp;base64,UklGRg==", content.at("/0/image_url/url").asText());
    assertEquals(
        "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,UEsDBA==",
        content.at("/1/file/file_data").asText());
    assertEquals("sheet.xlsx", content.at("/1/file/filename").asText());
  }

  @Test
  void contentOpenAiCannotCarryIsRefusedAtItsPath() {
    assertEquals(
        "messages[0].content[1]",
        refused(
                request(
                        Message.user(
                            ContentPart.text("x"), new ContentPart.Unknown("guardContent", "{}")))
                    .build())
            .param()
            .orElseThrow());
    assertEquals(
        "messages[1].content[0]",
        refused(
                request(
                        Message.user("x"),
                        Message.assistant(ContentPart.Image.ofUrl("https://a.b/c")))
                    .build())
            .param()
            .orElseThrow());
    assertEquals(
        "messages[0].content[0].content[0]",
        refused(
                request(
                        new Message(
                            Role.TOOL,
                            List.of(
                                new ContentPart.ToolResult(
                                    "t",
                                    List.of(ContentPart.Image.ofUrl("https://a.b/c")),
                                    false))))
                    .build())
            .param()
            .orElseThrow());
    assertEquals(
        "messages[0].content[0]",
        refused(request(Message.user(new ContentPart.Document("epub", "b", "AA=="))).build())
            .param()
            .orElseThrow());
    assertEquals(
        OpenAiRequestException.UNSUPPORTED_CONTENT,
        refused(request(new Message(Role.TOOL, List.of(ContentPart.text("orphan")))).build())
            .code());
  }

  @Test
  void parametersOpenAiLacksAreRefused() {
    assertEquals(
        "top_k", refused(request(Message.user("x")).topK(40).build()).param().orElseThrow());
    assertEquals(
        "reasoning_budget_tokens",
        refused(request(Message.user("x")).reasoningBudgetTokens(2048).build())
            .param()
            .orElseThrow());
  }

  @Test
  void extraFieldsAreWrittenAsTopLevelFields() throws IOException {
    ChatRequest r =
        request(Message.user("x"))
            .putExtraField("top_k", "20")
            .putExtraField("guided_json", "{\"a\":1}")
            .build();

    JsonNode json = encode(r);

    assertEquals(20, json.get("top_k").asInt());
    assertEquals(JSON.readTree("{\"a\":1}"), json.get("guided_json"));
  }

  @Test
  void anExtraFieldMayNotReplaceAStandardOneOrBeInvalidJson() {
    assertEquals(
        "temperature",
        refused(request(Message.user("x")).putExtraField("temperature", "1").build())
            .param()
            .orElseThrow());
    assertEquals(
        "x_thing",
        refused(request(Message.user("x")).putExtraField("x_thing", "{oops").build())
            .param()
            .orElseThrow());
  }

  @Test
  void aToolSchemaThatIsNotAJsonObjectIsRefused() {
    ChatRequest r = request(Message.user("x")).addTool(new Tool("f", "", "[1]")).build();

    assertEquals("tools[0].function.parameters", refused(r).param().orElseThrow());
  }

  @Test
  void streamOptionsAreWrittenOnlyForAStreamingRequest() throws IOException {
    ChatRequest r = request(Message.user("x")).build();

    JsonNode streaming = JSON.readTree(codec.encodeRequest(r, true, true));
    JsonNode plain = JSON.readTree(codec.encodeRequest(r, false, true));

    assertTrue(streaming.get("stream").asBoolean());
    assertTrue(streaming.at("/stream_options/include_usage").asBoolean());
    assertFalse(plain.has("stream"));
    assertFalse(plain.has("stream_options"));
  }

  @Test
  void theMetadataUserIsTheTopLevelUser() throws IOException {
    JsonNode json =
        encode(request(Message.user("x")).putMetadata("user", "u1").putMetadata("k", "v").build());

    assertEquals("u1", json.get("user").asText());
    assertEquals(JSON.readTree("{\"k\":\"v\"}"), json.get("metadata"));
  }

  @Test
  void maxTokensIsWrittenAsMaxCompletionTokens() throws IOException {
    JsonNode json = encode(request(Message.user("x")).maxTokens(64).build());

    assertEquals(64, json.get("max_completion_tokens").asInt());
    assertFalse(json.has("max_tokens"));
  }
}
