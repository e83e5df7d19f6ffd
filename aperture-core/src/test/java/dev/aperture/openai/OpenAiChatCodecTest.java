package dev.aperture.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.ApertureException;
import dev.aperture.StreamException;
import dev.aperture.UpstreamException;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.Message;
import dev.aperture.chat.Role;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.ToolChoice;
import dev.aperture.chat.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class OpenAiChatCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NOW = 1_750_000_000L;
  private final OpenAiChatCodec codec =
      OpenAiChatCodec.create(Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  /** An agent's second turn: system prompt, images, parallel tool calls and their results. */
  static final String AGENT_REQUEST =
      """
      {
        "model": "claude-sonnet-4-5",
        "messages": [
          {"role": "system", "content": "You are a travel assistant. Answer briefly."},
          {"role": "user", "content": [
            {"type": "text", "text": "What is the weather where this photo was taken?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="}},
            {"type": "image_url", "image_url": {"url": "https://example.com/photos/eiffel.jpg"}}
          ]},
          {"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\",\\"days\\":1}"}},
            {"id": "call_2", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}
          ]},
          {"role": "tool", "tool_call_id": "call_1", "content": "18°C, cloudy"},
          {"role": "tool", "tool_call_id": "call_2", "content": "14:05"},
          {"role": "assistant", "content": "It is 18°C and cloudy in Paris; the local time is 14:05."},
          {"role": "user", "content": "Thanks! And tomorrow?"}
        ],
        "tools": [
          {"type": "function", "function": {
            "name": "get_weather",
            "description": "Current weather and forecast for a city",
            "parameters": {
              "type": "object",
              "properties": {
                "city": {"type": "string", "description": "City name"},
                "days": {"type": "number", "minimum": 0, "maximum": 7.5}
              },
              "required": ["city"],
              "additionalProperties": false
            }}},
          {"type": "function", "function": {
            "name": "get_time", "description": "Local time", "parameters": {"type": "object", "properties": {}}}}
        ],
        "tool_choice": "auto",
        "parallel_tool_calls": true,
        "max_completion_tokens": 1024,
        "temperature": 0.7,
        "top_p": 0.9,
        "stop": ["<END>", "Observation:"],
        "reasoning_effort": "low",
        "user": "alice@example.com",
        "metadata": {"trace_id": "t-42", "team": "travel"},
        "stream": true,
        "stream_options": {"include_usage": true}
      }
      """;

  /** A document question with a named tool choice and a developer prompt in parts. */
  static final String DOCUMENT_REQUEST =
      """
      {
        "model": "bedrock/us.anthropic.claude-haiku-4-5",
        "messages": [
          {"role": "developer", "content": [
            {"type": "text", "text": "Extract invoice fields."},
            {"type": "text", "text": "Use the tool."}
          ]},
          {"role": "user", "content": [
            {"type": "file", "file": {"filename": "invoice.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjQK"}},
            {"type": "text", "text": "Total and due date, please."}
          ]}
        ],
        "tools": [
          {"type": "function", "function": {"name": "record_invoice",
            "parameters": {"type": "object", "properties": {"total": {"type": "number"}, "due": {"type": "string"}}}}}
        ],
        "tool_choice": {"type": "function", "function": {"name": "record_invoice"}},
        "max_completion_tokens": 300
      }
      """;

  @Test
  void anAgentRequestWithToolsAndImagesSurvivesARoundTrip() throws IOException {
    OpenAiChatRequest first = codec.decodeRequest(AGENT_REQUEST);
    byte[] encoded = codec.encodeRequest(first);
    OpenAiChatRequest second = codec.decodeRequest(encoded);

    assertEquals(first, second);
    assertEquals(JSON.readTree(AGENT_REQUEST), JSON.readTree(encoded));
  }

  @Test
  void aDocumentRequestWithANamedToolChoiceSurvivesARoundTrip() throws IOException {
    OpenAiChatRequest first = codec.decodeRequest(DOCUMENT_REQUEST);
    byte[] encoded = codec.encodeRequest(first);

    assertEquals(first, codec.decodeRequest(encoded));
    JsonNode expected = JSON.readTree(DOCUMENT_REQUEST);
    // the one normalisation: a developer message is written as a system message
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("messages").get(0))
        .put("role", "system");
    assertEquals(expected, JSON.readTree(encoded));
  }

  @Test
  void anAgentRequestDecodesToTheCanonicalModel() {
    OpenAiChatRequest decoded = codec.decodeRequest(AGENT_REQUEST);
    ChatRequest r = decoded.chatRequest();

    assertTrue(decoded.stream());
    assertTrue(decoded.includeUsage());
    assertEquals("claude-sonnet-4-5", r.model());
    assertEquals(7, r.messages().size());
    assertEquals(
        Message.system("You are a travel assistant. Answer briefly."), r.messages().get(0));
    assertEquals(
        ContentPart.Image.ofBase64("image/png", "iVBORw0KGgoAAAANSUhEUg=="),
        r.messages().get(1).content().get(1));
    assertEquals(
        ContentPart.Image.ofUrl("https://example.com/photos/eiffel.jpg"),
        r.messages().get(1).content().get(2));
    assertEquals(
        Message.assistant(
            new ContentPart.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\",\"days\":1}"),
            new ContentPart.ToolCall("call_2", "get_time", "{}")),
        r.messages().get(2));
    assertEquals(Message.toolResult("call_1", "18°C, cloudy"), r.messages().get(3));
    assertEquals(Role.TOOL, r.messages().get(4).role());
    assertEquals(
        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"description\":\"City"
            + " name\"},\"days\":{\"type\":\"number\",\"minimum\":0,\"maximum\":7.5}},"
            + "\"required\":[\"city\"],\"additionalProperties\":false}",
        r.tools().get(0).parametersJsonSchema());
    assertEquals(ToolChoice.AUTO, r.toolChoice().orElseThrow());
    assertEquals(true, r.parallelToolCalls().orElseThrow());
    assertEquals(1024, r.maxTokens().getAsInt());
    assertEquals(0.7, r.temperature().getAsDouble());
    assertEquals(0.9, r.topP().getAsDouble());
    assertEquals(List.of("<END>", "Observation:"), r.stopSequences());
    assertEquals("low", r.reasoningEffort().orElseThrow());
    assertEquals(
        Map.of("trace_id", "t-42", "team", "travel", "user", "alice@example.com"), r.metadata());
  }

  @Test
  void aStringBodyDecodesLikeItsBytes() {
    assertEquals(
        codec.decodeRequest(AGENT_REQUEST),
        codec.decodeRequest(AGENT_REQUEST.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aResponseIsAChatCompletionWithTextReasoningAndToolCalls() throws IOException {
    ChatResponse response =
        ChatResponse.builder()
            .id("msg_01")
            .model("claude-sonnet-4-5")
            .provider("bedrock")
            .addContent(new ContentPart.Reasoning("The user wants weather.", "sig"))
            .addContent(new ContentPart.Text("Let me check "))
            .addContent(new ContentPart.Text("the weather."))
            .addContent(new ContentPart.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))
            .addContent(new ContentPart.ToolCall("call_2", "get_time", ""))
            .stopReason(StopReason.TOOL_USE)
            .usage(Usage.of(12, 34))
            .build();

    JsonNode json = JSON.readTree(codec.encodeResponse(response));

    assertEquals(
        JSON.readTree(
            """
            {
              "id": "msg_01",
              "object": "chat.completion",
              "created": 1750000000,
              "model": "claude-sonnet-4-5",
              "choices": [{
                "index": 0,
                "message": {
                  "role": "assistant",
                  "content": "Let me check the weather.",
                  "refusal": null,
                  "reasoning_content": "The user wants weather.",
                  "tool_calls": [
                    {"id": "call_1", "type": "function",
                     "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}},
                    {"id": "call_2", "type": "function",
                     "function": {"name": "get_time", "arguments": "{}"}}
                  ]
                },
                "logprobs": null,
                "finish_reason": "tool_calls"
              }],
              "usage": {
                "prompt_tokens": 12, "completion_tokens": 34, "total_tokens": 46,
                "prompt_tokens_details": {"cached_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0}
              }
            }
            """),
        json);
  }

  @Test
  void aResponseWithoutTextHasNullContentAndNoReasoningField() throws IOException {
    ChatResponse response =
        answer(StopReason.TOOL_USE, Usage.ZERO)
            .addContent(new ContentPart.ToolCall("call_1", "get_time", "{}"))
            .build();

    JsonNode message = JSON.readTree(codec.encodeResponse(response)).at("/choices/0/message");

    assertTrue(message.get("content").isNull());
    assertFalse(message.has("reasoning_content"));
  }

  @Test
  void promptTokensCountCachedInputAndCachedTokensCountCacheReads() throws IOException {
    Usage usage =
        Usage.builder()
            .inputTokens(100)
            .cacheReadTokens(50)
            .cacheWrite5mTokens(25)
            .cacheWrite1hTokens(5)
            .outputTokens(40)
            .reasoningTokens(12)
            .build();

    JsonNode json =
        JSON.readTree(codec.encodeResponse(answer(StopReason.END_TURN, usage).build()))
            .get("usage");

    assertEquals(180, json.get("prompt_tokens").asLong());
    assertEquals(40, json.get("completion_tokens").asLong());
    assertEquals(220, json.get("total_tokens").asLong());
    assertEquals(50, json.at("/prompt_tokens_details/cached_tokens").asLong());
    assertEquals(12, json.at("/completion_tokens_details/reasoning_tokens").asLong());
  }

  @Test
  void promptTokensAreInputPlusCacheReadPlusCacheWrite() throws IOException {
    Usage usage =
        Usage.builder().inputTokens(100).cacheReadTokens(50).cacheWrite5mTokens(25).build();

    JsonNode json =
        JSON.readTree(codec.encodeResponse(answer(StopReason.END_TURN, usage).build()))
            .get("usage");

    assertEquals(175, json.get("prompt_tokens").asLong());
    assertEquals(50, json.at("/prompt_tokens_details/cached_tokens").asLong());
  }

  /** The documented mapping, written out for every canonical stop reason. */
  private static final Map<StopReason, String> FINISH_REASONS =
      Map.ofEntries(
          Map.entry(StopReason.END_TURN, "stop"),
          Map.entry(StopReason.STOP_SEQUENCE, "stop"),
          Map.entry(StopReason.PAUSE_TURN, "stop"),
          Map.entry(StopReason.MAX_TOKENS, "length"),
          Map.entry(StopReason.CONTEXT_WINDOW_EXCEEDED, "length"),
          Map.entry(StopReason.TOOL_USE, "tool_calls"),
          Map.entry(StopReason.GUARDRAIL_INTERVENED, "content_filter"),
          Map.entry(StopReason.CONTENT_FILTERED, "content_filter"),
          Map.entry(StopReason.REFUSAL, "content_filter"),
          Map.entry(StopReason.MALFORMED_MODEL_OUTPUT, "stop"),
          Map.entry(StopReason.MALFORMED_TOOL_USE, "stop"),
          Map.entry(StopReason.OTHER, "stop"));

  @ParameterizedTest
  @EnumSource(StopReason.class)
  void everyStopReasonHasTheDocumentedFinishReason(StopReason reason) throws IOException {
    JsonNode json =
        JSON.readTree(
            codec.encodeResponse(
                answer(reason, Usage.ZERO).addContent(ContentPart.text("x")).build()));

    assertTrue(FINISH_REASONS.containsKey(reason), "the table lists " + reason);
    assertEquals(FINISH_REASONS.get(reason), json.at("/choices/0/finish_reason").asText());
  }

  @Test
  void aRequestErrorCarriesItsParamAndCode() throws IOException {
    OpenAiRequestException error =
        new OpenAiRequestException("messages[2].content[0].type", "unsupported_value", "no audio");

    JsonNode json = JSON.readTree(codec.encodeError(error));

    assertEquals(
        JSON.readTree(
            """
            {"error": {"message": "messages[2].content[0].type: no audio",
                       "type": "invalid_request_error",
                       "param": "messages[2].content[0].type",
                       "code": "unsupported_value"}}
            """),
        json);
  }

  @Test
  void aThrottledUpstreamIsARateLimitError() throws IOException {
    UpstreamException throttled =
        new UpstreamException(
            "bedrock", 429, "ThrottlingException", "Too many tokens", "req-1", true, null);

    JsonNode error = JSON.readTree(codec.encodeError(throttled)).get("error");

    assertEquals("rate_limit_error", error.get("type").asText());
    assertEquals("rate_limit_exceeded", error.get("code").asText());
    assertTrue(error.get("param").isNull());
    assertEquals(throttled.getMessage(), error.get("message").asText());
  }

  @Test
  void aBrokenStreamIsAnApiErrorWithoutCode() throws IOException {
    ApertureException broken =
        new StreamException(StreamException.Kind.TRUNCATED, "the stream ended early");

    JsonNode error = JSON.readTree(codec.encodeError(broken)).get("error");

    assertEquals("api_error", error.get("type").asText());
    assertTrue(error.get("code").isNull());
  }

  @ParameterizedTest
  @CsvSource({
    "400, invalid_request_error",
    "401, authentication_error",
    "403, permission_error",
    "404, invalid_request_error",
    "413, invalid_request_error",
    "429, rate_limit_error",
    "500, api_error",
    "502, api_error",
    "503, api_error"
  })
  void anErrorTypeIsDerivedFromTheStatus(int status, String type) throws IOException {
    JsonNode error =
        JSON.readTree(codec.encodeError(status, null, null, "failed", null)).get("error");

    assertEquals(type, error.get("type").asText());
  }

  @Test
  void aGeneralErrorKeepsTheGivenTypeCodeMessageAndParam() throws IOException {
    JsonNode json =
        JSON.readTree(
            codec.encodeError(
                429, null, "insufficient_quota", "Monthly budget of team-a is spent.", null));

    assertEquals(
        JSON.readTree(
            """
            {"error": {"message": "Monthly budget of team-a is spent.", "type": "rate_limit_error",
                       "param": null, "code": "insufficient_quota"}}
            """),
        json);
    JsonNode notFound =
        JSON.readTree(
                codec.encodeError(
                    404, "invalid_request_error", "model_not_found", "no such model", "model"))
            .get("error");
    assertEquals("model_not_found", notFound.get("code").asText());
    assertEquals("model", notFound.get("param").asText());
  }

  @Test
  void theCodecIsSharedSafelyAcrossThreads() throws InterruptedException {
    byte[] body = AGENT_REQUEST.getBytes(StandardCharsets.UTF_8);
    OpenAiChatRequest expected = codec.decodeRequest(body);
    Thread[] threads = new Thread[4];
    Throwable[] failure = new Throwable[1];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 200; i++) {
                    OpenAiChatRequest r = codec.decodeRequest(codec.encodeRequest(expected));
                    if (!r.equals(expected)) {
                      throw new AssertionError("round trip differed");
                    }
                  }
                } catch (Throwable e) {
                  synchronized (failure) {
                    failure[0] = e;
                  }
                }
              });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    synchronized (failure) {
      if (failure[0] != null) {
        throw new AssertionError("a concurrent round trip failed", failure[0]);
      }
    }
  }

  private static dev.aperture.chat.ImmutableChatResponse.Builder answer(
      StopReason reason, Usage usage) {
    return ChatResponse.builder()
        .id("msg_1")
        .model("m")
        .provider("p")
        .stopReason(reason)
        .usage(usage);
  }
}
