package dev.aperture.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApiFormat;
import dev.aperture.access.Identity;
import dev.aperture.bedrock.eventstream.EventStreamDecoder;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.Usage;
import dev.aperture.provider.ForwardRequest;
import dev.aperture.provider.ForwardResponse;
import dev.aperture.route.ModelRouter;
import dev.aperture.route.RoutingException;
import dev.aperture.testing.BedrockEmulator;
import dev.aperture.testing.Failure;
import dev.aperture.testing.ReceivedRequest;
import dev.aperture.testing.Reply;
import dev.aperture.usage.UsageLog;
import dev.aperture.usage.UsageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ModelRouter.forward}: native passthrough through the router to the emulator. */
class BedrockPassthroughTest {
  static final String HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();

  private final UsageLog log = UsageLog.withCapacity(10);
  private ModelRouter router;

  @AfterEach
  void close() {
    if (router != null) {
      router.close();
    }
  }

  private ModelRouter router() {
    router =
        ModelRouter.builder(bedrock.config("bedrock", HAIKU))
            .addProviderFactory(BedrockProviderFactory.create())
            .addUsageListener(log)
            .build();
    return router;
  }

  private static dev.aperture.provider.ImmutableForwardRequest.Builder bedrockRequest(
      String operation, String body) {
    return ForwardRequest.builder()
        .format(
            operation.startsWith("converse")
                ? ApiFormat.BEDROCK_CONVERSE
                : ApiFormat.BEDROCK_MODEL_INVOKE)
        .operation(operation)
        .model(HAIKU)
        .headers(
            Map.of(
                "Content-Type", List.of("application/json"),
                "Authorization", List.of("Bearer client-own-key")))
        .body(body.getBytes(StandardCharsets.UTF_8))
        .identity(Identity.of("dev@example.com"));
  }

  private static byte[] readAll(ForwardResponse r) throws IOException {
    try (r;
        InputStream in = r.body()) {
      return in.readAllBytes();
    }
  }

  @Test
  void converseIsForwardedByteForByteWithTheProvidersKeyAndMetered() throws Exception {
    bedrock.enqueue(Reply.text("Hi").usage(21, 7).cacheRead(3));
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hello\"}]}]}";
    byte[] answer;
    try (ForwardResponse r = router().forward(bedrockRequest("converse", body).build())) {
      assertEquals(200, r.status());
      answer = readAll(r);
    }
    ReceivedRequest sent = bedrock.takeRequest();
    assertEquals(body, sent.body(), "request bytes unchanged");
    assertEquals("Bearer " + bedrock.apiKey(), sent.header("Authorization").orElseThrow());
    assertTrue(new String(answer, StandardCharsets.UTF_8).contains("\"text\":\"Hi\""));
    UsageRecord rec = log.records().get(0);
    assertEquals(
        Usage.builder().inputTokens(21).outputTokens(7).cacheReadTokens(3).build(), rec.usage());
    assertEquals(ApiFormat.BEDROCK_CONVERSE, rec.apiIn().orElseThrow());
    assertEquals("dev@example.com", rec.identity());
    assertTrue(rec.cost().isPresent());
  }

  @Test
  void converseStreamBytesReachTheCallerUnchangedWhileUsageIsReadOnTheSide() throws Exception {
    bedrock.enqueue(Reply.text("a", "b", "c").andToolCall("t1", "lookup", "{}").usage(5, 9));
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hello\"}]}]}";
    byte[] streamed = readAll(router().forward(bedrockRequest("converse-stream", body).build()));
    List<EventStreamMessage> frames = EventStreamDecoder.decodeAll(streamed);
    assertEquals("messageStart", frames.get(0).eventType().orElseThrow());
    assertEquals("metadata", frames.get(frames.size() - 1).eventType().orElseThrow());
    UsageRecord rec = log.records().get(0);
    assertEquals(Usage.of(5, 9), rec.usage());
    assertEquals(List.of("lookup"), rec.toolCalls());
    assertTrue(rec.streamed());
    assertEquals(200, rec.status());
  }

  @Test
  void anthropicMessagesAreRewrittenForInvokeModel() throws Exception {
    bedrock.enqueue(Reply.text("Bonjour").usage(4, 2));
    String body =
        "{\"model\":\""
            + HAIKU
            + "\",\"max_tokens\":64,\"stream\":false,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    ForwardRequest request =
        ForwardRequest.builder()
            .format(ApiFormat.ANTHROPIC_MESSAGES)
            .operation("messages")
            .headers(
                Map.of(
                    "anthropic-beta",
                    List.of("interleaved-thinking-2025-05-14"),
                    "x-api-key",
                    List.of("sk-ant-client")))
            .body(body.getBytes(StandardCharsets.UTF_8))
            .build();
    String answer = new String(readAll(router().forward(request)), StandardCharsets.UTF_8);
    assertTrue(answer.contains("Bonjour"), answer);
    ReceivedRequest sent = bedrock.takeRequest();
    assertTrue(sent.rawPath().endsWith("/invoke"));
    assertTrue(sent.bodyAt("/model").isEmpty());
    assertTrue(sent.bodyAt("/stream").isEmpty());
    assertEquals("bedrock-2023-05-31", sent.bodyAt("/anthropic_version").orElseThrow());
    assertEquals("interleaved-thinking-2025-05-14", sent.bodyAt("/anthropic_beta/0").orElseThrow());
    assertFalse(sent.header("x-api-key").isPresent(), "the client's key is not forwarded");
    assertEquals(ApiFormat.ANTHROPIC_MESSAGES, log.records().get(0).apiIn().orElseThrow());
    assertEquals(ApiFormat.BEDROCK_MODEL_INVOKE, log.records().get(0).apiOut());
  }

  private static ForwardRequest messagesWithBetas(String betaHeader, String bodyBetas) {
    String body =
        "{\"model\":\""
            + HAIKU
            + "\",\"max_tokens\":64,"
            + (bodyBetas == null ? "" : "\"anthropic_beta\":" + bodyBetas + ",")
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    return ForwardRequest.builder()
        .format(ApiFormat.ANTHROPIC_MESSAGES)
        .operation("messages")
        .headers(Map.of("anthropic-beta", List.of(betaHeader)))
        .body(body.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  @Test
  void aRefusedBetaIsRetriedWithTheDocumentedBetasAndTheCallerIsTold() throws Exception {
    bedrock.failNext(1, Failure.of(BedrockErrorType.VALIDATION, "invalid beta flag"));
    bedrock.enqueue(Reply.text("Bonjour").usage(4, 2));
    String answer;
    String dropped;
    try (ForwardResponse r =
        router()
            .forward(
                messagesWithBetas(
                    "claude-code-20250219,oauth-2025-04-20",
                    "[\"interleaved-thinking-2025-05-14\"]"))) {
      assertEquals(200, r.status());
      dropped = r.headers().get(BedrockProvider.DROPPED_BETAS_HEADER).get(0);
      answer = new String(readAll(r), StandardCharsets.UTF_8);
    }
    assertTrue(answer.contains("Bonjour"), answer);
    assertEquals("claude-code-20250219,oauth-2025-04-20", dropped);
    List<ReceivedRequest> sent = bedrock.requests();
    assertEquals(2, sent.size());
    assertEquals("claude-code-20250219", sent.get(0).bodyAt("/anthropic_beta/1").orElseThrow());
    assertEquals(
        "interleaved-thinking-2025-05-14", sent.get(1).bodyAt("/anthropic_beta/0").orElseThrow());
    assertTrue(sent.get(1).bodyAt("/anthropic_beta/1").isEmpty());
    assertEquals(1, log.records().size(), "one call, one record");
    assertEquals(200, log.records().get(0).status());
  }

  @Test
  void claudeCodesFirstPartyBetasAreLeftOutWhereBedrockRefusesThem() throws Exception {
    bedrock.acceptBetas("interleaved-thinking-2025-05-14");
    try (ForwardResponse r =
        router()
            .forward(
                messagesWithBetas(
                    "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14",
                    null))) {
      assertEquals(200, r.status());
      assertEquals(
          "claude-code-20250219,oauth-2025-04-20",
          r.headers().get(BedrockProvider.DROPPED_BETAS_HEADER).get(0));
      readAll(r);
    }
    List<ReceivedRequest> sent = bedrock.requests();
    assertEquals(400, sent.get(0).status());
    assertEquals(200, sent.get(1).status());
  }

  @Test
  void whenEvenTheDocumentedBetasAreRefusedTheRequestGoesWithout() throws Exception {
    bedrock.failNext(2, Failure.of(BedrockErrorType.VALIDATION, "invalid beta flag"));
    bedrock.enqueue(Reply.text("ok").usage(4, 2));
    try (ForwardResponse r =
        router().forward(messagesWithBetas("claude-code-20250219,effort-2025-11-24", null))) {
      assertEquals(200, r.status());
      assertEquals(
          "claude-code-20250219,effort-2025-11-24",
          r.headers().get(BedrockProvider.DROPPED_BETAS_HEADER).get(0));
      readAll(r);
    }
    List<ReceivedRequest> sent = bedrock.requests();
    assertEquals(3, sent.size());
    assertEquals("effort-2025-11-24", sent.get(1).bodyAt("/anthropic_beta/0").orElseThrow());
    assertTrue(sent.get(2).bodyAt("/anthropic_beta").isEmpty(), sent.get(2).body());
  }

  @Test
  void otherRefusalsAndBetaFreeRequestsAreNotRetried() throws Exception {
    bedrock.failNext(1, Failure.of(BedrockErrorType.VALIDATION, "max_tokens: too large"));
    try (ForwardResponse r = router().forward(messagesWithBetas("claude-code-20250219", null))) {
      assertEquals(400, r.status());
      assertFalse(r.headers().containsKey(BedrockProvider.DROPPED_BETAS_HEADER));
      readAll(r);
    }
    assertEquals(1, bedrock.requests().size());
  }

  @Test
  void aBetaListNeverCarriesUnprintableNamesIntoAHeaderAndStaysShort() {
    assertEquals(
        "a-1,b_2.x,(2 unprintable)",
        BedrockProvider.betaList(List.of("a-1", "bad\r\nX-Injected: 1", "b_2.x", "é")));
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add("beta-" + i);
    }
    String listed = BedrockProvider.betaList(many);
    assertTrue(listed.startsWith("beta-0,beta-1,"), listed);
    assertTrue(listed.endsWith("beta-31,(+8 more)"), listed);
  }

  @Test
  void theStepThatWorkedIsRememberedForTheModel() throws Exception {
    bedrock.acceptBetas("interleaved-thinking-2025-05-14");
    for (int i = 0; i < 3; i++) {
      try (ForwardResponse r =
          router == null
              ? router()
                  .forward(
                      messagesWithBetas("oauth-2025-04-20,interleaved-thinking-2025-05-14", null))
              : router.forward(
                  messagesWithBetas("oauth-2025-04-20,interleaved-thinking-2025-05-14", null))) {
        assertEquals(200, r.status());
        assertEquals(
            "oauth-2025-04-20", r.headers().get(BedrockProvider.DROPPED_BETAS_HEADER).get(0));
        readAll(r);
      }
    }
    // one refusal for the first request; the next two go straight with the documented betas
    List<ReceivedRequest> sent = bedrock.requests();
    assertEquals(4, sent.size());
    assertEquals(400, sent.get(0).status());
    for (int i = 1; i < 4; i++) {
      assertEquals(200, sent.get(i).status());
      assertEquals(
          "interleaved-thinking-2025-05-14", sent.get(i).bodyAt("/anthropic_beta/0").orElseThrow());
    }
  }

  @Test
  void anthropicStreamingBecomesAnthropicServerSentEvents() throws Exception {
    bedrock.enqueue(Reply.text("Hel", "lo").usage(4, 2));
    String body =
        "{\"model\":\""
            + HAIKU
            + "\",\"max_tokens\":64,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    ForwardRequest request =
        ForwardRequest.builder()
            .format(ApiFormat.ANTHROPIC_MESSAGES)
            .operation("messages")
            .headers(Map.of())
            .body(body.getBytes(StandardCharsets.UTF_8))
            .build();
    ForwardResponse r = router().forward(request);
    assertTrue(r.header("Content-Type").orElseThrow().startsWith("text/event-stream"));
    String sse = new String(readAll(r), StandardCharsets.UTF_8);
    assertTrue(sse.startsWith("event: message_start\ndata: {"), sse);
    assertTrue(sse.contains("event: content_block_delta\ndata: "), sse);
    assertTrue(sse.contains("\"text\":\"Hel\""), sse);
    assertTrue(sse.stripTrailing().endsWith("}"), sse);
    assertTrue(sse.contains("event: message_stop"), sse);
    assertEquals(Usage.of(4, 2), log.records().get(0).usage());
    assertTrue(log.records().get(0).streamed(), "\"stream\": true in the body streams");
  }

  @Test
  void aFormatTheProviderDoesNotEnableIsRefusedWithoutAnUpstreamCall() {
    ModelRouter r =
        ModelRouter.builder(
                dev.aperture.config.ApertureConfig.builder()
                    .putProvider(
                        "bedrock",
                        dev.aperture.config.ProviderConfig.builder()
                            .from(bedrock.providerConfig("bedrock", HAIKU))
                            .compatibility(java.util.Set.of(ApiFormat.BEDROCK_MODEL_INVOKE))
                            .build())
                    .build())
            .addProviderFactory(BedrockProviderFactory.create())
            .build();
    router = r;
    RoutingException e =
        assertThrows(
            RoutingException.class,
            () -> r.forward(bedrockRequest("converse", "{\"messages\":[]}").build()));
    assertEquals(RoutingException.Reason.FORMAT_NOT_ENABLED, e.reason());
    assertEquals(404, e.httpStatus());
    assertEquals(0, bedrock.requestCount());
  }

  @Test
  void upstreamErrorIsPassedThroughNativelyAndRecorded() throws Exception {
    bedrock.failNext(1, BedrockErrorType.VALIDATION);
    ForwardResponse r =
        router()
            .forward(
                bedrockRequest(
                        "invoke",
                        "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .build());
    assertEquals(400, r.status());
    assertTrue(r.header("x-amzn-ErrorType").orElseThrow().startsWith("ValidationException"));
    readAll(r);
    assertEquals(400, log.records().get(0).status());
  }
}
