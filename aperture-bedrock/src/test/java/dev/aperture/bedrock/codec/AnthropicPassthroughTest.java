package dev.aperture.bedrock.codec;

import static dev.aperture.bedrock.codec.AnthropicStreamTranslatorTest.chunk;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.eventstream.EventStreamMessage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class AnthropicPassthroughTest {
  private static String rewrite(String body, String... betaHeaders) {
    return new String(
        AnthropicPassthrough.invokeRequest(body.getBytes(UTF_8), List.of(betaHeaders)).body(),
        UTF_8);
  }

  @Test
  void modelAndStreamAreRemovedAndTheVersionAddedLast() {
    AnthropicPassthrough.InvokeRequest r =
        AnthropicPassthrough.invokeRequest(
            ("{\"model\":\"claude-x\",\"stream\":true,\"max_tokens\":8,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}")
                .getBytes(UTF_8),
            List.of());

    assertTrue(r.stream());
    assertEquals("invoke-with-response-stream", r.operation());
    assertEquals(
        "{\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
            + "\"text\":\"hi\"}]}],\"anthropic_version\":\"bedrock-2023-05-31\"}",
        new String(r.body(), UTF_8));
  }

  @Test
  void onlyStreamTrueStreams() {
    for (String stream : List.of("false", "null", "\"true\"", "1")) {
      AnthropicPassthrough.InvokeRequest r =
          AnthropicPassthrough.invokeRequest(
              ("{\"stream\":" + stream + ",\"max_tokens\":1}").getBytes(UTF_8), List.of());
      assertFalse(r.stream(), stream);
      assertEquals("invoke", r.operation());
    }
  }

  @Test
  void betasCanBeFilteredAndTheLeftOutOnesAreNamed() {
    AnthropicPassthrough.InvokeRequest r =
        AnthropicPassthrough.invokeRequest(
            "{\"anthropic_beta\":[\"keep-1\",\"drop-1\"],\"max_tokens\":1}".getBytes(UTF_8),
            List.of("drop-2, keep-2"),
            b -> b.startsWith("keep"));
    assertEquals(
        "{\"anthropic_beta\":[\"keep-1\",\"keep-2\"],\"max_tokens\":1,"
            + "\"anthropic_version\":\"bedrock-2023-05-31\"}",
        new String(r.body(), UTF_8));
    assertEquals(List.of("keep-1", "keep-2"), r.betas());
    assertEquals(List.of("drop-1", "drop-2"), r.dropped());

    // all left out: no array at all (from the body or from the headers)
    for (String body :
        List.of("{\"anthropic_beta\":[\"x\"],\"max_tokens\":1}", "{\"max_tokens\":1}")) {
      AnthropicPassthrough.InvokeRequest none =
          AnthropicPassthrough.invokeRequest(body.getBytes(UTF_8), List.of("y"), b -> false);
      assertFalse(new String(none.body(), UTF_8).contains("anthropic_beta"), body);
      assertTrue(none.betas().isEmpty());
    }
    // without a filter an empty array is passed on as sent
    assertEquals(
        "{\"anthropic_beta\":[],\"max_tokens\":1,\"anthropic_version\":\"bedrock-2023-05-31\"}",
        rewrite("{\"anthropic_beta\":[],\"max_tokens\":1}"));
  }

  @Test
  void aGivenVersionIsKeptWhereItIs() {
    assertEquals(
        "{\"anthropic_version\":\"custom\",\"max_tokens\":1}",
        rewrite("{\"anthropic_version\":\"custom\",\"model\":\"m\",\"max_tokens\":1}"));
  }

  @Test
  void headerBetasAreMergedIntoTheBodyArrayInOrderWithoutRepeats() {
    assertEquals(
        "{\"anthropic_beta\":[\"a\",\"b\",\"c\",\"d\"],\"max_tokens\":1,"
            + "\"anthropic_version\":\"bedrock-2023-05-31\"}",
        rewrite("{\"anthropic_beta\":[\"a\",\"b\"],\"max_tokens\":1}", " b,c ", "a, d,,"));
    assertEquals(
        "{\"anthropic_beta\":[\"x\",\"y\"],\"anthropic_version\":\"bedrock-2023-05-31\"}",
        rewrite("{\"anthropic_beta\":\"x\"}", "y"));
    assertEquals(
        "{\"max_tokens\":1,\"anthropic_version\":\"bedrock-2023-05-31\","
            + "\"anthropic_beta\":[\"interleaved-thinking-2025-05-14\"]}",
        rewrite("{\"max_tokens\":1}", "interleaved-thinking-2025-05-14"));
  }

  @Test
  void everyOtherFieldIsCopiedAsItCame() {
    String fields =
        "\"temperature\":0.70,\"top_p\":1E-7,\"big\":123456789012345678901234567890,"
            + "\"system\":[{\"type\":\"text\",\"text\":\"be brief\",\"cache_control\":"
            + "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}],\"tools\":[],\"thinking\":{\"type\":"
            + "\"enabled\",\"budget_tokens\":1024},\"unknown_future_field\":null";

    assertEquals(
        "{" + fields + ",\"anthropic_version\":\"bedrock-2023-05-31\"}",
        rewrite("{\"model\":\"m\"," + fields + "}"));
  }

  @Test
  void aBodyThatIsNotAJsonObjectIsRefused() {
    for (String body : List.of("[1]", "{\"a\":", "", "nope")) {
      BedrockRequestException e =
          assertThrows(
              BedrockRequestException.class,
              () -> AnthropicPassthrough.invokeRequest(body.getBytes(UTF_8), List.of()),
              body);
      assertEquals(400, e.httpStatus());
      assertTrue(e.getMessage().startsWith("the Anthropic Messages request body"), e.getMessage());
    }
  }

  private static String sse(EventStreamMessage frame, boolean ends) {
    Buffer out = new Buffer();
    assertEquals(ends, AnthropicPassthrough.writeSse(frame, out));
    return out.readUtf8();
  }

  @Test
  void aChunkBecomesTheEventItCarriesByteForByte() {
    String event =
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"caf\u00e9"
            + " \\u00e9\"}}";

    assertEquals("event: content_block_delta\ndata: " + event + "\n\n", sse(chunk(event), false));
  }

  @Test
  void theTypeIsFoundWhereverItIsAndInvocationMetricsAreKept() {
    String event =
        "{\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":1,\"type\":\"inner\"},"
            + "\"type\":\"message_stop\"}";

    assertEquals("event: message_stop\ndata: " + event + "\n\n", sse(chunk(event), false));
  }

  @Test
  void aMultiLineEventIsSplitIntoDataLines() {
    String event = "{\n  \"type\": \"ping\"\r\n}\n";

    assertEquals(
        "event: ping\ndata: {\ndata:   \"type\": \"ping\"\ndata: }\n\n", sse(chunk(event), false));
  }

  @Test
  void exceptionFramesBecomeAnthropicErrorEvents() {
    String[][] cases = {
      {"throttlingException", "overloaded_error"},
      {"serviceUnavailableException", "overloaded_error"},
      {"validationException", "invalid_request_error"},
      {"modelStreamErrorException", "api_error"},
      {"internalServerException", "api_error"},
    };
    for (String[] c : cases) {
      EventStreamMessage frame =
          EventStreamMessage.builder()
              .header(":message-type", "exception")
              .header(":exception-type", c[0])
              .payloadUtf8("{\"message\":\"say \\\"no\\\"\"}")
              .build();
      assertEquals(
          "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\""
              + c[1]
              + "\",\"message\":\"say \\\"no\\\"\"}}\n\n",
          sse(frame, true));
    }
  }

  @Test
  void errorFramesAndUndecodableChunksEndTheStream() {
    EventStreamMessage error =
        EventStreamMessage.builder()
            .header(":message-type", "error")
            .header(":error-code", "InternalFailure")
            .header(":error-message", "oops")
            .build();
    assertEquals(
        "event: error\n"
            + "data:"
            + " {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"oops\"}}\n\n",
        sse(error, true));

    EventStreamMessage notBase64 =
        EventStreamMessage.builder()
            .header(":message-type", "event")
            .header(":event-type", "chunk")
            .payloadUtf8("{\"bytes\":\"%%%\"}")
            .build();
    String b64 = Base64.getEncoder().encodeToString("[1]".getBytes(StandardCharsets.UTF_8));
    EventStreamMessage notAnEvent =
        EventStreamMessage.builder()
            .header(":message-type", "event")
            .header(":event-type", "chunk")
            .payloadUtf8("{\"bytes\":\"" + b64 + "\"}")
            .build();
    for (EventStreamMessage bad : List.of(notBase64, notAnEvent)) {
      assertTrue(
          sse(bad, true)
              .startsWith(
                  "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\""));
    }
  }

  @Test
  void framesOfOtherEventTypesWriteNothing() {
    EventStreamMessage other =
        EventStreamMessage.builder()
            .header(":message-type", "event")
            .header(":event-type", "initial-response")
            .payloadUtf8("{}")
            .build();

    assertEquals("", sse(other, false));
  }

  @Test
  void httpStatusesMapToAnthropicErrorTypes() {
    int[] statuses = {400, 401, 403, 404, 413, 429, 500, 503, 529, 424, 408};
    String[] types = {
      "invalid_request_error",
      "authentication_error",
      "permission_error",
      "not_found_error",
      "request_too_large",
      "rate_limit_error",
      "api_error",
      "overloaded_error",
      "overloaded_error",
      "api_error",
      "api_error"
    };
    for (int i = 0; i < statuses.length; i++) {
      assertEquals(types[i], AnthropicPassthrough.errorType(statuses[i]), "HTTP " + statuses[i]);
    }
  }

  @Test
  void theErrorBodyIsEscapedJson() {
    assertEquals(
        "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"a\\nb \\\"c\\\"\"}}",
        new String(AnthropicPassthrough.errorBody("api_error", "a\nb \"c\""), UTF_8));
    assertEquals(
        "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"\"}}",
        new String(AnthropicPassthrough.errorBody("api_error", null), UTF_8));
  }
}
