package dev.aperture.testing;

import static dev.aperture.testing.Calls.ANTHROPIC_BODY;
import static dev.aperture.testing.Calls.CONVERSE_BODY;
import static dev.aperture.testing.Calls.HAIKU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.ApiFormat;
import dev.aperture.bedrock.BedrockErrorType;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.AuthorizationScheme;
import dev.aperture.config.ProviderConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(30)
class BedrockEmulatorTest {
  private static final String NAMESPACE = ":http://internal.amazon.com/coral/com.amazon.bedrock/";

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();

  private static JsonNode json(Response response) throws IOException {
    return TestFrames.JSON.readTree(response.body().string());
  }

  private static List<TestFrames.Frame> frames(Response response) throws IOException {
    return TestFrames.readAll(response.body().source());
  }

  // ---- shapes ----

  @Test
  void converseAnswersWithTheConverseResponseShape() throws Exception {
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(200, response.code());
      assertTrue(response.header("Content-Type").startsWith("application/json"));
      assertFalse(response.header("x-amzn-RequestId").isEmpty());
      JsonNode body = json(response);
      assertEquals("assistant", body.at("/output/message/role").asText());
      assertEquals(
          BedrockEmulator.DEFAULT_TEXT, body.at("/output/message/content/0/text").asText());
      assertEquals(1, body.at("/output/message/content").size());
      assertEquals("end_turn", body.get("stopReason").asText());
      assertEquals(12, body.at("/usage/inputTokens").asInt());
      assertEquals(8, body.at("/usage/outputTokens").asInt());
      assertEquals(20, body.at("/usage/totalTokens").asInt());
      assertFalse(body.get("usage").has("cacheReadInputTokens"), "no cache fields without caching");
      assertEquals(Reply.DEFAULT_LATENCY_MILLIS, body.at("/metrics/latencyMs").asLong());
    }
  }

  @Test
  void converseUsageExcludesCacheTokensFromInputButCountsThemInTheTotal() throws Exception {
    bedrock.enqueue(Reply.text("Hi").usage(21, 7).cacheRead(100).cacheWrite(20));
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      JsonNode usage = json(response).get("usage");
      assertEquals(21, usage.get("inputTokens").asInt());
      assertEquals(7, usage.get("outputTokens").asInt());
      assertEquals(100, usage.get("cacheReadInputTokens").asInt());
      assertEquals(20, usage.get("cacheWriteInputTokens").asInt());
      assertEquals(148, usage.get("totalTokens").asInt());
    }
  }

  @Test
  void invokeModelAnswersWithAnAnthropicMessageAndTokenCountHeaders() throws Exception {
    bedrock.enqueue(Reply.text("Hello", " world").usage(21, 7).cacheRead(100).cacheWrite(20));
    try (Response response = Calls.send(bedrock, BedrockOperation.INVOKE_MODEL)) {
      assertEquals(200, response.code());
      assertEquals("21", response.header("X-Amzn-Bedrock-Input-Token-Count"));
      assertEquals("7", response.header("X-Amzn-Bedrock-Output-Token-Count"));
      assertEquals("100", response.header("X-Amzn-Bedrock-Cache-Read-Input-Token-Count"));
      assertEquals("20", response.header("X-Amzn-Bedrock-Cache-Write-Input-Token-Count"));
      assertEquals("250", response.header("X-Amzn-Bedrock-Invocation-Latency"));
      assertFalse(response.header("x-amzn-RequestId").isEmpty());
      JsonNode body = json(response);
      assertTrue(body.get("id").asText().startsWith("msg_bdrk_"), body.get("id").asText());
      assertEquals("message", body.get("type").asText());
      assertEquals("assistant", body.get("role").asText());
      assertEquals("claude-haiku-4-5-20251001", body.get("model").asText());
      assertEquals("text", body.at("/content/0/type").asText());
      assertEquals("Hello world", body.at("/content/0/text").asText());
      assertEquals("end_turn", body.get("stop_reason").asText());
      assertTrue(body.get("stop_sequence").isNull());
      JsonNode usage = body.get("usage");
      assertEquals(21, usage.get("input_tokens").asInt());
      assertEquals(7, usage.get("output_tokens").asInt());
      assertEquals(20, usage.get("cache_creation_input_tokens").asInt());
      assertEquals(100, usage.get("cache_read_input_tokens").asInt());
    }
  }

  @Test
  void converseStreamSendsBedrocksEventSequenceWithoutWrapperKeys() throws Exception {
    bedrock.enqueue(
        Reply.text("Hel", "lo")
            .andToolCall("tooluse_1", "get_weather", "{\"city\":", "\"Paris\"}")
            .usage(30, 9));
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      assertEquals("application/vnd.amazon.eventstream", response.header("Content-Type"));
      assertEquals("chunked", response.header("Transfer-Encoding"));
      List<TestFrames.Frame> frames = frames(response);
      assertEquals(
          List.of(
              "messageStart",
              "contentBlockDelta",
              "contentBlockDelta",
              "contentBlockStop",
              "contentBlockStart",
              "contentBlockDelta",
              "contentBlockDelta",
              "contentBlockStop",
              "messageStop",
              "metadata"),
          frames.stream().map(TestFrames.Frame::eventType).toList());
      for (TestFrames.Frame frame : frames) {
        assertEquals(
            List.of(":event-type", ":content-type", ":message-type"),
            List.copyOf(frame.headers().keySet()));
        assertEquals("application/json", frame.header(":content-type"));
        assertEquals("event", frame.header(":message-type"));
        JsonNode payload = frame.json();
        assertTrue(payload.get("p").isTextual(), "padding field p");
        assertFalse(payload.has(frame.eventType()), "no wrapper key");
      }
      assertEquals("assistant", frames.get(0).json().get("role").asText());
      assertEquals("Hel", frames.get(1).json().at("/delta/text").asText());
      assertEquals(0, frames.get(1).json().get("contentBlockIndex").asInt());
      JsonNode toolStart = frames.get(4).json();
      assertEquals(1, toolStart.get("contentBlockIndex").asInt());
      assertEquals("tooluse_1", toolStart.at("/start/toolUse/toolUseId").asText());
      assertEquals("get_weather", toolStart.at("/start/toolUse/name").asText());
      assertEquals("{\"city\":", frames.get(5).json().at("/delta/toolUse/input").asText());
      assertEquals("tool_use", frames.get(8).json().get("stopReason").asText());
      JsonNode metadata = frames.get(9).json();
      assertEquals(30, metadata.at("/usage/inputTokens").asInt());
      assertEquals(9, metadata.at("/usage/outputTokens").asInt());
      assertEquals(39, metadata.at("/usage/totalTokens").asInt());
      assertEquals(250, metadata.at("/metrics/latencyMs").asInt());
    }
  }

  @Test
  void invokeModelWithResponseStreamWrapsAnthropicEventsInChunks() throws Exception {
    bedrock.enqueue(
        Reply.text("Hi")
            .andToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}")
            .usage(40, 11)
            .cacheRead(5)
            .cacheWrite(6));
    try (Response response =
        Calls.send(bedrock, BedrockOperation.INVOKE_MODEL_WITH_RESPONSE_STREAM)) {
      assertEquals("application/vnd.amazon.eventstream", response.header("Content-Type"));
      assertEquals("application/json", response.header("X-Amzn-Bedrock-Content-Type"));
      List<TestFrames.Frame> frames = frames(response);
      for (TestFrames.Frame frame : frames) {
        assertEquals("chunk", frame.eventType());
        assertEquals("event", frame.header(":message-type"));
        JsonNode payload = frame.json();
        assertEquals(Set.of("bytes", "p"), names(payload));
      }
      List<JsonNode> events = new java.util.ArrayList<>();
      for (TestFrames.Frame frame : frames) {
        events.add(frame.chunkEvent());
      }
      assertEquals(
          List.of(
              "message_start",
              "content_block_start",
              "content_block_delta",
              "content_block_stop",
              "content_block_start",
              "content_block_delta",
              "content_block_stop",
              "message_delta",
              "message_stop"),
          events.stream().map(e -> e.get("type").asText()).toList());
      JsonNode start = events.get(0).get("message");
      assertEquals("claude-haiku-4-5-20251001", start.get("model").asText());
      assertEquals(40, start.at("/usage/input_tokens").asInt());
      assertEquals(1, start.at("/usage/output_tokens").asInt());
      assertEquals(5, start.at("/usage/cache_read_input_tokens").asInt());
      assertEquals(6, start.at("/usage/cache_creation_input_tokens").asInt());
      assertEquals("text", events.get(1).at("/content_block/type").asText());
      assertEquals("text_delta", events.get(2).at("/delta/type").asText());
      JsonNode toolStart = events.get(4).get("content_block");
      assertEquals("tool_use", toolStart.get("type").asText());
      assertEquals("toolu_1", toolStart.get("id").asText());
      assertTrue(toolStart.get("input").isObject() && toolStart.get("input").isEmpty());
      assertEquals("input_json_delta", events.get(5).at("/delta/type").asText());
      assertEquals("{\"city\":\"Paris\"}", events.get(5).at("/delta/partial_json").asText());
      assertEquals("tool_use", events.get(7).at("/delta/stop_reason").asText());
      assertTrue(events.get(7).at("/delta/stop_sequence").isNull());
      assertEquals(11, events.get(7).at("/usage/output_tokens").asInt());
      JsonNode metrics = events.get(8).get("amazon-bedrock-invocationMetrics");
      assertEquals(40, metrics.get("inputTokenCount").asInt());
      assertEquals(11, metrics.get("outputTokenCount").asInt());
      assertEquals(250, metrics.get("invocationLatency").asInt());
      assertTrue(metrics.has("firstByteLatency"));
      assertEquals(5, metrics.get("cacheReadInputTokenCount").asInt());
      assertEquals(6, metrics.get("cacheWriteInputTokenCount").asInt());
    }
  }

  @Test
  void everyOperationRendersTheSameScriptWithTheSameContentAndUsage() throws Exception {
    Reply reply =
        Reply.reasoning("Paris is in France.", "c2ln")
            .andText("Let me ", "check.")
            .andToolCall("tooluse_9", "get_weather", "{\"city\":", "\"Paris\"}")
            .andRedactedReasoning("cmVkYWN0ZWQ=")
            .usage(21, 7)
            .cacheRead(100)
            .cacheWrite(20);
    Shapes.Summary expected =
        new Shapes.Summary(
            List.of(
                "reasoning:Paris is in France.|c2ln",
                "text:Let me check.",
                "tool:tooluse_9|get_weather|{\"city\":\"Paris\"}",
                "redacted:cmVkYWN0ZWQ="),
            "tool_use",
            21,
            7,
            100,
            20);
    bedrock.defaultReply(reply);
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(expected, Shapes.converse(json(r)));
    }
    try (Response r = Calls.send(bedrock, BedrockOperation.INVOKE_MODEL)) {
      assertEquals(expected, Shapes.invoke(json(r)));
    }
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      assertEquals(expected, Shapes.converseStream(frames(r)));
    }
    try (Response r = Calls.send(bedrock, BedrockOperation.INVOKE_MODEL_WITH_RESPONSE_STREAM)) {
      assertEquals(expected, Shapes.invokeStream(frames(r)));
    }
  }

  @Test
  void converseStreamSendsReasoningAsTextThenSignatureDeltasWithoutABlockStart() throws Exception {
    bedrock.enqueue(Reply.reasoning("thinking", "sig").andText("Answer"));
    try (Response response = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      List<TestFrames.Frame> frames = frames(response);
      assertEquals(
          List.of(
              "messageStart",
              "contentBlockDelta",
              "contentBlockDelta",
              "contentBlockStop",
              "contentBlockDelta",
              "contentBlockStop",
              "messageStop",
              "metadata"),
          frames.stream().map(TestFrames.Frame::eventType).toList());
      assertEquals("thinking", frames.get(1).json().at("/delta/reasoningContent/text").asText());
      assertEquals("sig", frames.get(2).json().at("/delta/reasoningContent/signature").asText());
    }
  }

  @Test
  void aToolCallWithoutArgumentsHasAnEmptyObjectAsInput() throws Exception {
    bedrock.defaultReply(Reply.toolCall("tooluse_0", "now"));
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      JsonNode input = json(r).at("/output/message/content/0/toolUse/input");
      assertTrue(input.isObject() && input.isEmpty(), input.toString());
    }
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE_STREAM)) {
      List<String> types = frames(r).stream().map(TestFrames.Frame::eventType).toList();
      assertEquals(
          List.of(
              "messageStart", "contentBlockStart", "contentBlockStop", "messageStop", "metadata"),
          types);
    }
  }

  @Test
  void stopReasonAndStopSequenceAreSentAsScripted() throws Exception {
    bedrock.enqueue(Reply.text("Stopped").stopSequence("END"));
    bedrock.enqueue(Reply.text("Blocked").stopReason("guardrail_intervened"));
    try (Response r = Calls.send(bedrock, BedrockOperation.INVOKE_MODEL)) {
      JsonNode body = json(r);
      assertEquals("stop_sequence", body.get("stop_reason").asText());
      assertEquals("END", body.get("stop_sequence").asText());
    }
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals("guardrail_intervened", json(r).get("stopReason").asText());
    }
  }

  // ---- scripting ----

  @Test
  void queuedFailuresComeFirstThenQueuedRepliesThenStubsThenTheDefault() throws Exception {
    bedrock.whenModel(HAIKU).reply(Reply.text("stub"));
    bedrock.enqueue(Reply.text("queued"));
    bedrock.failNext(1, BedrockErrorType.SERVICE_UNAVAILABLE);
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(503, r.code());
    }
    assertEquals("queued", converseText());
    assertEquals("stub", converseText());
    assertEquals("stub", converseText());
    bedrock.reset();
    assertEquals(BedrockEmulator.DEFAULT_TEXT, converseText());
  }

  @Test
  void stubsMatchTheDecodedModelIdAndTheFirstMatchWins() throws Exception {
    String sonnet = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    bedrock
        .whenModel(sonnet)
        .reply(Reply.text("sonnet"))
        .when(r -> true, Reply.text("anything"))
        .whenModel(HAIKU)
        .reply(Reply.text("never reached"));
    try (Response r = Calls.send(bedrock, sonnet, BedrockOperation.CONVERSE, CONVERSE_BODY)) {
      assertEquals("sonnet", json(r).at("/output/message/content/0/text").asText());
    }
    assertEquals("anything", converseText());
  }

  @Test
  void predicateStubsSeeTheOperationAndTheBody() throws Exception {
    bedrock.when(r -> r.is(BedrockOperation.INVOKE_MODEL), Reply.text("native"));
    bedrock.when(
        r -> r.bodyAt("/messages/0/content/0/text").equals(Optional.of("Weather?")),
        Reply.text("sunny"));
    try (Response r = Calls.send(bedrock, BedrockOperation.INVOKE_MODEL)) {
      assertEquals("native", json(r).at("/content/0/text").asText());
    }
    String weather = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Weather?\"}]}]}";
    try (Response r = Calls.send(bedrock, HAIKU, BedrockOperation.CONVERSE, weather)) {
      assertEquals("sunny", json(r).at("/output/message/content/0/text").asText());
    }
    assertEquals(BedrockEmulator.DEFAULT_TEXT, converseText());
  }

  @Test
  void aStubCanFailEveryTimeForOneModel() throws Exception {
    bedrock.whenModel(HAIKU).fail(Failure.of(BedrockErrorType.MODEL_NOT_READY));
    for (int i = 0; i < 3; i++) {
      try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
        assertEquals(429, r.code());
        assertEquals("ModelNotReadyException" + NAMESPACE, r.header("x-amzn-ErrorType"));
      }
    }
  }

  @Test
  void aThrowingPredicateAnswersWithAnInternalErrorNamingIt() throws Exception {
    bedrock.when(
        r -> {
          throw new IllegalStateException("boom");
        },
        Reply.text("never"));
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(500, r.code());
      assertTrue(json(r).get("message").asText().contains("boom"));
    }
  }

  // ---- errors ----

  @Test
  void failNextThrottlesNTimesThenSucceeds() throws Exception {
    bedrock.failNext(2, BedrockErrorType.THROTTLING);
    for (int i = 0; i < 2; i++) {
      try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
        assertEquals(429, r.code());
        assertEquals("ThrottlingException" + NAMESPACE, r.header("x-amzn-ErrorType"));
        assertFalse(r.header("x-amzn-RequestId").isEmpty());
        assertEquals(
            "Too many requests, please wait before trying again.", json(r).get("message").asText());
      }
    }
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(200, r.code());
    }
    assertEquals(
        List.of(429, 429, 200), bedrock.requests().stream().map(ReceivedRequest::status).toList());
  }

  @Test
  void anyStatusErrorNameAndMessageCanBeScripted() throws Exception {
    bedrock.failNext(1, Failure.status(502, null, "Bad Gateway"));
    bedrock.failNext(1, Failure.of(BedrockErrorType.VALIDATION, "Input is too long."));
    try (Response r = Calls.send(bedrock, BedrockOperation.INVOKE_MODEL)) {
      assertEquals(502, r.code());
      assertNull(r.header("x-amzn-ErrorType"));
      assertEquals("Bad Gateway", json(r).get("message").asText());
    }
    try (Response r = Calls.send(bedrock, BedrockOperation.INVOKE_MODEL)) {
      assertEquals(400, r.code());
      assertEquals("ValidationException" + NAMESPACE, r.header("x-amzn-ErrorType"));
      assertEquals("Input is too long.", json(r).get("message").asText());
    }
  }

  @Test
  void unknownModelsAreNotFoundOnceTheModelListIsSet() throws Exception {
    bedrock.knownModels(HAIKU);
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(200, r.code());
    }
    try (Response r = Calls.send(bedrock, Calls.NOVA, BedrockOperation.CONVERSE, CONVERSE_BODY)) {
      assertEquals(404, r.code());
      assertEquals("ResourceNotFoundException" + NAMESPACE, r.header("x-amzn-ErrorType"));
      assertTrue(json(r).has("message"));
    }
  }

  @Test
  void pathsThatNameNoOperationAreUnknownOperations() throws Exception {
    String base = bedrock.baseUrl();
    for (String path :
        List.of("/model/" + "amazon.nova-pro-v1%3A0" + "/count-tokens", "/models", "/model/x")) {
      try (Response r =
          Calls.execute(
              Calls.post(
                  okhttp3.HttpUrl.get(base + path),
                  CONVERSE_BODY,
                  BedrockEmulator.DEFAULT_API_KEY))) {
        assertEquals(404, r.code(), path);
        assertEquals("UnknownOperationException" + NAMESPACE, r.header("x-amzn-ErrorType"));
      }
    }
    try (Response r =
        Calls.execute(
            new okhttp3.Request.Builder()
                .url(Calls.url(bedrock, HAIKU, BedrockOperation.CONVERSE))
                .header("Authorization", "Bearer " + BedrockEmulator.DEFAULT_API_KEY)
                .build())) {
      assertEquals(404, r.code(), "GET is no operation");
    }
  }

  @Test
  void aBasePathPrefixesEveryRoute() throws Exception {
    bedrock.basePath("/gateway/bedrock/");
    assertTrue(bedrock.baseUrl().endsWith("/gateway/bedrock"), bedrock.baseUrl());
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(200, r.code());
    }
    assertEquals(
        "/gateway/bedrock/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse",
        bedrock.takeRequest().target());
  }

  // ---- authentication ----

  @Test
  void aMissingKeyIsRefusedWith403AndACapitalMessageField() throws Exception {
    try (Response r =
        Calls.execute(
            Calls.post(
                Calls.url(bedrock, HAIKU, BedrockOperation.CONVERSE), CONVERSE_BODY, null))) {
      assertEquals(403, r.code());
      JsonNode body = json(r);
      assertEquals(Set.of("Message"), names(body));
      assertTrue(body.get("Message").asText().startsWith("Authentication failed: "));
      assertNull(r.header("x-amzn-ErrorType"));
      assertFalse(r.header("x-amzn-RequestId").isEmpty());
    }
    assertEquals(403, bedrock.takeRequest().status());
  }

  @Test
  void anUnknownKeyIsRefusedAndAcceptedKeysPass() throws Exception {
    var url = Calls.url(bedrock, HAIKU, BedrockOperation.INVOKE_MODEL);
    try (Response r = Calls.execute(Calls.post(url, ANTHROPIC_BODY, "someone-elses-key"))) {
      assertEquals(403, r.code());
      assertTrue(json(r).get("Message").asText().startsWith("Authentication failed"));
    }
    bedrock.acceptKeys("someone-elses-key");
    try (Response r = Calls.execute(Calls.post(url, ANTHROPIC_BODY, "someone-elses-key"))) {
      assertEquals(200, r.code());
    }
    try (Response r =
        Calls.execute(Calls.post(url, ANTHROPIC_BODY, BedrockEmulator.DEFAULT_API_KEY))) {
      assertEquals(200, r.code(), "the default key stays accepted");
    }
  }

  @Test
  void withAcceptedBetasSetAnyOtherBetaIsAnInvalidBetaFlag() throws Exception {
    var url = Calls.url(bedrock, HAIKU, BedrockOperation.INVOKE_MODEL);
    String withBetas =
        ANTHROPIC_BODY.replaceFirst(
            "\\{",
            "{\"anthropic_beta\":[\"interleaved-thinking-2025-05-14\",\"oauth-2025-04-20\"],");
    try (Response r = Calls.execute(Calls.post(url, withBetas, BedrockEmulator.DEFAULT_API_KEY))) {
      assertEquals(200, r.code(), "no beta is checked by default");
    }
    bedrock.acceptBetas("interleaved-thinking-2025-05-14");
    try (Response r = Calls.execute(Calls.post(url, withBetas, BedrockEmulator.DEFAULT_API_KEY))) {
      assertEquals(400, r.code());
      assertEquals("ValidationException", r.header("x-amzn-ErrorType").split(":")[0]);
      assertEquals("invalid beta flag", json(r).get("message").asText());
    }
    String accepted = withBetas.replace(",\"oauth-2025-04-20\"", "");
    try (Response r = Calls.execute(Calls.post(url, accepted, BedrockEmulator.DEFAULT_API_KEY))) {
      assertEquals(200, r.code());
    }
  }

  @Test
  void aRevokedKeyIsRefusedLikeAnUnknownOne() throws Exception {
    var url = Calls.url(bedrock, HAIKU, BedrockOperation.INVOKE_MODEL);
    bedrock.acceptKeys("new-key").revokeKeys(BedrockEmulator.DEFAULT_API_KEY);
    try (Response r =
        Calls.execute(Calls.post(url, ANTHROPIC_BODY, BedrockEmulator.DEFAULT_API_KEY))) {
      assertEquals(403, r.code());
      assertTrue(json(r).get("Message").asText().startsWith("Authentication failed"));
    }
    try (Response r = Calls.execute(Calls.post(url, ANTHROPIC_BODY, "new-key"))) {
      assertEquals(200, r.code(), "the rotated-in key works");
    }
    bedrock.revokeKeys("new-key", "never-accepted");
    try (Response r = Calls.execute(Calls.post(url, ANTHROPIC_BODY, "new-key"))) {
      assertEquals(403, r.code());
    }
  }

  @Test
  void authenticationIsCheckedBeforeTheModelIdAndTheBody() throws Exception {
    try (Response r =
        Calls.execute(
            Calls.post(
                Calls.rawUrl(bedrock, "us.anthropic.claude-v1:0", BedrockOperation.CONVERSE),
                "not json",
                "wrong"))) {
      assertEquals(403, r.code());
    }
  }

  // ---- recording ----

  @Test
  void requestsAreRecordedWithRawAndDecodedModelIdHeadersAndBody() throws Exception {
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(200, r.code());
    }
    ReceivedRequest request = bedrock.takeRequest();
    assertEquals(0, request.sequence());
    assertEquals("POST", request.method());
    assertEquals(Optional.of(BedrockOperation.CONVERSE), request.operation());
    assertEquals(
        "/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse", request.rawPath());
    assertEquals(
        Optional.of("us.anthropic.claude-haiku-4-5-20251001-v1%3A0"), request.rawModelId());
    assertEquals(Optional.of(HAIKU), request.modelId());
    assertEquals(Optional.of(BedrockEmulator.DEFAULT_API_KEY), request.apiKey());
    assertEquals(
        Optional.of("Bearer " + BedrockEmulator.DEFAULT_API_KEY), request.header("authorization"));
    assertTrue(request.headers().containsKey("content-type"));
    assertEquals(CONVERSE_BODY, request.body());
    assertEquals(CONVERSE_BODY, request.bodyJson());
    assertTrue(request.hasJsonBody());
    assertEquals(Optional.of("Hi"), request.bodyAt("/messages/0/content/0/text"));
    assertEquals(Optional.empty(), request.bodyAt("/system"));
    Map<String, Object> map = request.bodyMap();
    assertEquals(
        List.of(Map.of("role", "user", "content", List.of(Map.of("text", "Hi")))),
        map.get("messages"));
    assertEquals(200, request.status());
    assertEquals(Optional.empty(), request.errorType());
  }

  @Test
  void refusedRequestsAreRecordedWithTheirErrorAndTakenInArrivalOrder() throws Exception {
    try (Response r = Calls.send(bedrock, HAIKU, BedrockOperation.CONVERSE, "{\"messages\":[]}")) {
      assertEquals(400, r.code());
    }
    try (Response r = Calls.send(bedrock, BedrockOperation.INVOKE_MODEL)) {
      assertEquals(200, r.code());
    }
    assertEquals(2, bedrock.requestCount());
    ReceivedRequest first = bedrock.takeRequest();
    assertEquals(400, first.status());
    assertEquals(Optional.of("ValidationException"), first.errorType());
    assertTrue(first.errorMessage().orElseThrow().contains("start with a user message"));
    assertEquals(Optional.of(BedrockOperation.INVOKE_MODEL), bedrock.takeRequest().operation());
    assertEquals(Optional.empty(), bedrock.pollRequest(Duration.ofMillis(1)));
    assertEquals(2, bedrock.requests().size(), "taking does not forget");
  }

  // ---- configuration and lifecycle ----

  @Test
  void providerConfigPointsAtTheEmulatorWithBearerAuthAndBothBedrockFormats() {
    ProviderConfig provider = bedrock.providerConfig("bedrock", HAIKU);
    assertEquals("bedrock", provider.id());
    assertEquals(bedrock.baseUrl(), provider.baseUrl());
    assertEquals(BedrockEmulator.DEFAULT_API_KEY, provider.apiKey());
    assertEquals(AuthorizationScheme.BEARER, provider.authorization());
    assertEquals(List.of(HAIKU), provider.models());
    assertEquals(
        Set.of(ApiFormat.BEDROCK_MODEL_INVOKE, ApiFormat.BEDROCK_CONVERSE),
        provider.compatibility());
    assertEquals(Optional.of("bedrock-us"), provider.costBasis());
    assertFalse(provider.toString().contains(BedrockEmulator.DEFAULT_API_KEY), "key redacted");

    ApertureConfig config = bedrock.config("bedrock", HAIKU);
    assertEquals(Optional.of(provider), config.provider("bedrock"));
    assertEquals(1, config.providers().size());
  }

  @Test
  void theEmulatorCanBeStoppedAndStartedAgainOnANewPort() throws Exception {
    BedrockEmulator own = BedrockEmulator.create();
    assertFalse(own.isStarted());
    assertThrows(IllegalStateException.class, own::baseUrl);
    try (BedrockEmulator running = own.start()) {
      assertThrows(IllegalStateException.class, running::start);
      String first = running.baseUrl();
      running.close();
      assertFalse(running.isStarted());
      running.close(); // idempotent
      running.start();
      assertNotEquals("", running.baseUrl());
      try (Response r = Calls.send(running, BedrockOperation.CONVERSE)) {
        assertEquals(200, r.code());
      }
      assertTrue(first.startsWith("http://127.0.0.1:") || first.startsWith("http://[::1]:"), first);
    }
    assertFalse(own.isStarted());
  }

  private String converseText() throws IOException {
    try (Response r = Calls.send(bedrock, BedrockOperation.CONVERSE)) {
      assertEquals(200, r.code());
      return json(r).at("/output/message/content/0/text").asText();
    }
  }

  private static Set<String> names(JsonNode node) {
    Set<String> names = new java.util.LinkedHashSet<>();
    node.properties().forEach(e -> names.add(e.getKey()));
    return names;
  }
}
