package dev.aperture.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApiFormat;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.Message;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Tool;
import dev.aperture.chat.Usage;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ProviderConfig;
import dev.aperture.provider.RetryPolicy;
import dev.aperture.route.ModelRouter;
import dev.aperture.testing.BedrockEmulator;
import dev.aperture.testing.Failure;
import dev.aperture.testing.ReceivedRequest;
import dev.aperture.testing.Reply;
import dev.aperture.usage.UsageLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Bedrock provider end to end: router → provider → emulator (real HTTP on loopback). */
class BedrockProviderTest {
  static final String HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
  static final String SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
  static final String OPUS_46 = "us.anthropic.claude-opus-4-6-v1";
  static final String NOVA = "amazon.nova-pro-v1:0";
  static final RetryPolicy FAST_RETRIES =
      RetryPolicy.builder()
          .initialBackoff(Duration.ofMillis(1))
          .maxBackoff(Duration.ofMillis(5))
          .build();

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();

  private ModelRouter router;

  @AfterEach
  void close() {
    if (router != null) {
      router.close();
    }
  }

  /** The set-up guide's configuration, verbatim except for the base URL and key. */
  private ApertureConfig guideConfig(String compatibility) {
    return ApertureConfig.parser()
        .env(Map.of("BEDROCK_URL", bedrock.baseUrl(), "BEDROCK_KEY", bedrock.apiKey())::get)
        .parse(
            """
            {
              "providers": {
                "bedrock": {
                  "baseurl": "${BEDROCK_URL}",
                  "apikey": "${BEDROCK_KEY}",
                  "authorization": "bearer",
                  "models": [
                    "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                    "us.anthropic.claude-opus-4-5-20251101-v1:0",
                    "us.anthropic.claude-opus-4-6-v1",
                    "amazon.nova-pro-v1:0"
                  ],
                  "cost_basis": "bedrock-us",
                  "compatibility": { %s },
                  "add_headers": ["X-Team: platform"]
                }
              }
            }
            """
                .formatted(compatibility));
  }

  private ModelRouter router(ApertureConfig config, UsageLog log) {
    router =
        ModelRouter.builder(config)
            .addProviderFactory(BedrockProviderFactory.create())
            .retryPolicy(FAST_RETRIES)
            .addUsageListener(log)
            .build();
    return router;
  }

  /** A router on the guide's configuration with both Bedrock APIs enabled. */
  private ModelRouter bothApisRouter() {
    return router(
        guideConfig("\"bedrock_model_invoke\": true, \"bedrock_converse\": true"),
        UsageLog.withCapacity(10));
  }

  private ModelRouter invokeRouter() {
    return router(guideConfig("\"bedrock_model_invoke\": true"), UsageLog.withCapacity(10));
  }

  private static ChatRequest hello(String model) {
    return ChatRequest.builder().model(model).addMessages(Message.user("hello")).build();
  }

  @Test
  void chatForHaikuOnTheSetUpGuidesConfigurationWorks() throws Exception {
    bedrock.enqueue(Reply.text("Hi", " there").usage(21, 7));
    UsageLog log = UsageLog.withCapacity(10);
    ModelRouter r = router(guideConfig("\"bedrock_model_invoke\": true"), log);
    ChatResponse answer = r.chat(hello(HAIKU));
    assertEquals("Hi there", answer.text());
    assertEquals(StopReason.END_TURN, answer.stopReason());
    assertEquals(Usage.of(21, 7), answer.usage());
    assertEquals("0.0000616", answer.cost().orElseThrow().usd().toPlainString());
    assertEquals("bedrock-us/claude-haiku-4-5", answer.cost().orElseThrow().basis());
    ReceivedRequest sent = bedrock.takeRequest();
    assertEquals("/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke", sent.rawPath());
    assertEquals("Bearer " + bedrock.apiKey(), sent.header("Authorization").orElseThrow());
    assertEquals("platform", sent.header("X-Team").orElseThrow());
    assertEquals("bedrock-2023-05-31", sent.bodyAt("/anthropic_version").orElseThrow());
    assertTrue(sent.bodyAt("/model").isEmpty(), "no model in an InvokeModel body");
    assertEquals(1, log.size());
    assertEquals(ApiFormat.BEDROCK_MODEL_INVOKE, log.records().get(0).apiOut());
  }

  @Test
  void converseIsUsedWhenInvokeModelIsNotEnabledAndForNonAnthropicModels() throws Exception {
    ModelRouter r = bothApisRouter();
    r.chat(hello(NOVA));
    assertEquals("/model/amazon.nova-pro-v1%3A0/converse", bedrock.takeRequest().rawPath());
    r.chat(hello(HAIKU));
    assertTrue(bedrock.takeRequest().rawPath().endsWith("/invoke"));
    ModelRouter converseOnly =
        router(guideConfig("\"bedrock_converse\": true"), UsageLog.withCapacity(10));
    converseOnly.chat(hello(OPUS_46));
    assertEquals(
        "/model/us.anthropic.claude-opus-4-6-v1/converse", bedrock.takeRequest().rawPath());
  }

  /**
   * Answers are decoded in the connection's buffer when they fit one of its 8 KiB segments (1 and
   * 3,000 chars here) and from a copy when they do not (8,100 chars and more, once in JSON): both
   * ways, on both APIs, give the whole text.
   */
  @Test
  void answersOfEverySizeAreDecodedWholeOnBothApis() {
    ModelRouter r = bothApisRouter();
    for (int size : new int[] {1, 3_000, 8_100, 8_300, 70_000}) {
      StringBuilder text = new StringBuilder(size);
      for (int i = 0; text.length() < size; i++) {
        text.append(i % 97 == 0 ? "\u00e9\"\n" : i % 89 == 0 ? "\ud83d\ude00" : "abcdefgh");
      }
      String want = text.substring(0, size);
      for (String model : List.of(NOVA, HAIKU)) {
        bedrock.enqueue(Reply.text(want).usage(3, 4));
        ChatResponse answer = r.chat(hello(model));
        assertEquals(want, answer.text(), model + ", " + size + " chars");
        assertEquals(Usage.of(3, 4), answer.usage());
      }
    }
  }

  @Test
  void nonAnthropicModelOnAnInvokeOnlyProviderIsAClearRoutingError() {
    var e =
        assertThrows(
            dev.aperture.route.RoutingException.class, () -> invokeRouter().chat(hello(NOVA)));
    assertTrue(e.getMessage().contains("bedrock_converse"), e.getMessage());
    assertEquals(0, bedrock.requestCount());
  }

  @Test
  void inferenceProfileArnAndApplicationProfileArePathEncodedOnce() throws Exception {
    String profileArn =
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0";
    String appProfile =
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3";
    ProviderConfig p =
        ProviderConfig.builder()
            .from(bedrock.providerConfig("bedrock", profileArn, appProfile))
            .build();
    ModelRouter r =
        router(
            ApertureConfig.builder().putProvider("bedrock", p).build(), UsageLog.withCapacity(10));
    ChatResponse viaProfile = r.chat(hello(profileArn));
    assertEquals(
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke",
        bedrock.takeRequest().rawPath());
    assertTrue(viaProfile.cost().isPresent(), "an inference profile ARN is priced by its model");
    ChatResponse viaApp = r.chat(hello(appProfile));
    assertEquals(
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fa1b2c3/converse",
        bedrock.takeRequest().rawPath());
    assertTrue(viaApp.cost().isEmpty(), "an application profile does not say its model: no price");
    assertTrue(viaApp.costUnavailableReason().orElseThrow().contains("model_cost_map"));
  }

  @Test
  void usageWithCacheTokensIsPricedPerCounterOnBothApis() {
    ModelRouter r = bothApisRouter();
    Reply reply = Reply.text("cached").usage(10, 5).cacheRead(100).cacheWrite(20);
    bedrock.enqueue(reply);
    ChatResponse viaInvoke = r.chat(hello(SONNET));
    bedrock.enqueue(reply);
    ModelRouter converseOnly =
        router(guideConfig("\"bedrock_converse\": true"), UsageLog.withCapacity(10));
    ChatResponse viaConverse = converseOnly.chat(hello(SONNET));
    assertTrue(bedrock.requests().get(1).rawPath().endsWith("/converse"));
    Usage expected =
        Usage.builder()
            .inputTokens(10)
            .outputTokens(5)
            .cacheReadTokens(100)
            .cacheWrite5mTokens(20)
            .build();
    assertEquals(expected, viaInvoke.usage());
    assertEquals(130, viaInvoke.usage().totalInputTokens());
    // Sonnet 4.5 on us.: (10×3 + 5×15 + 100×0.30 + 20×3.75) / 1e6 × 1.1 = 0.000231 USD
    assertEquals("0.000231", viaInvoke.cost().orElseThrow().usd().toPlainString());
    assertEquals(viaInvoke.usage(), viaConverse.usage());
    assertEquals(viaInvoke.cost(), viaConverse.cost());
  }

  @Test
  void requestBodiesCarryToolsImagesAndSystemOnConverse() throws Exception {
    ModelRouter r = router(guideConfig("\"bedrock_converse\": true"), UsageLog.withCapacity(10));
    bedrock.enqueue(Reply.toolCall("tooluse_1", "get_weather", "{\"city\":", "\"Paris\"}"));
    ChatResponse answer =
        r.chat(
            ChatRequest.builder()
                .model(HAIKU)
                .addMessages(
                    Message.system("Be brief."),
                    Message.user(
                        new ContentPart.Text("What is here?"),
                        ContentPart.Image.ofBytes("image/png", new byte[] {1, 2, 3})))
                .addTools(
                    new Tool(
                        "get_weather",
                        "Weather by city",
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"))
                .build());
    assertEquals(StopReason.TOOL_USE, answer.stopReason());
    assertEquals(
        List.of(new ContentPart.ToolCall("tooluse_1", "get_weather", "{\"city\":\"Paris\"}")),
        answer.toolCalls());
    ReceivedRequest sent = bedrock.takeRequest();
    assertEquals("Be brief.", sent.bodyAt("/system/0/text").orElseThrow());
    assertEquals("png", sent.bodyAt("/messages/0/content/1/image/format").orElseThrow());
    assertEquals("AQID", sent.bodyAt("/messages/0/content/1/image/source/bytes").orElseThrow());
    assertEquals("get_weather", sent.bodyAt("/toolConfig/tools/0/toolSpec/name").orElseThrow());
  }

  @Test
  void anInterceptorThatReadsTheBodyFirstLeavesTheSentBodyWhole() throws Exception {
    // e.g. a logging interceptor: it writes the body out once before the call writes it again
    java.util.concurrent.atomic.AtomicReference<String> logged =
        new java.util.concurrent.atomic.AtomicReference<>();
    okhttp3.OkHttpClient reading =
        new okhttp3.OkHttpClient.Builder()
            .addInterceptor(
                chain -> {
                  okio.Buffer copy = new okio.Buffer();
                  chain.request().body().writeTo(copy);
                  logged.set(copy.readUtf8());
                  return chain.proceed(chain.request());
                })
            .build();
    try {
      router =
          ModelRouter.builder(guideConfig("\"bedrock_converse\": true"))
              .addProviderFactory(BedrockProviderFactory.create())
              .httpClient(reading)
              .build();
      assertEquals(BedrockEmulator.DEFAULT_TEXT, router.chat(hello(HAIKU)).text());
      String sent = bedrock.takeRequest().body();
      assertTrue(sent.contains("\"messages\""), sent);
      assertEquals(logged.get(), sent);
    } finally {
      reading.dispatcher().executorService().shutdown();
      reading.connectionPool().evictAll();
    }
  }

  @Test
  void throttledCallIsRetriedWithBackoffThenSucceeds() {
    bedrock.failNext(2, BedrockErrorType.THROTTLING);
    assertEquals(BedrockEmulator.DEFAULT_TEXT, invokeRouter().chat(hello(HAIKU)).text());
    assertEquals(3, bedrock.requestCount());
    // the body goes to the connection without a copy on the first try and is encoded again for
    // each retry: every attempt must carry the same whole body
    List<ReceivedRequest> sent = bedrock.requests();
    assertTrue(sent.get(0).body().contains("\"messages\""), sent.get(0).body());
    assertEquals(sent.get(0).body(), sent.get(1).body());
    assertEquals(sent.get(0).body(), sent.get(2).body());
  }

  @Test
  void throttlingBeyondTheRetryBudgetIsATypedRetryableError() {
    bedrock.failNext(3, BedrockErrorType.THROTTLING);
    BedrockException e =
        assertThrows(BedrockException.class, () -> invokeRouter().chat(hello(HAIKU)));
    assertEquals(BedrockErrorType.THROTTLING, e.type());
    assertEquals(429, e.status());
    assertTrue(e.retryable());
    assertEquals(3, bedrock.requestCount(), "one call plus the default two retries");
  }

  @ParameterizedTest
  @EnumSource(
      value = BedrockErrorType.class,
      names = {"UNKNOWN", "MODEL_STREAM_ERROR"},
      mode = EnumSource.Mode.EXCLUDE)
  void everyErrorTypeMapsToATypedExceptionAndItsRetryDecision(BedrockErrorType type) {
    bedrock.failNext(3, Failure.of(type, "scripted " + type.wireName()));
    BedrockException e =
        assertThrows(BedrockException.class, () -> invokeRouter().chat(hello(HAIKU)));
    assertEquals(type, e.type());
    assertEquals(type.status(), e.status());
    assertEquals(type.wireName(), e.errorType().orElseThrow());
    assertEquals("scripted " + type.wireName(), e.upstreamMessage().orElseThrow());
    assertTrue(e.requestId().isPresent(), "x-amzn-RequestId is kept");
    assertEquals(type.retryable(), e.retryable());
    assertEquals(type.retryable() ? 3 : 1, bedrock.requestCount(), "retried only when retryable");
  }

  @Test
  void validationErrorIsSentExactlyOnce() {
    bedrock.failNext(1, BedrockErrorType.VALIDATION);
    assertThrows(BedrockException.class, () -> invokeRouter().chat(hello(HAIKU)));
    assertEquals(1, bedrock.requestCount());
  }

  @Test
  void badKeyIsAccessDeniedFromTheCapitalMMessageAndTheKeyNeverLeaks() {
    String key = "ABSKQmVkcm9ja0FQSUtleS1TECRET-KEY-0123456789";
    ProviderConfig p =
        ProviderConfig.builder().from(bedrock.providerConfig("bedrock", HAIKU)).apiKey(key).build();
    ModelRouter r =
        router(
            ApertureConfig.builder().putProvider("bedrock", p).build(), UsageLog.withCapacity(10));
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    BedrockException e;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      e = assertThrows(BedrockException.class, () -> r.chat(hello(HAIKU)));
      bedrock.acceptKeys(bedrock.apiKey(), key);
      bedrock.failNext(3, BedrockErrorType.THROTTLING); // retries log at debug
      assertThrows(BedrockException.class, () -> r.chat(hello(HAIKU)));
    } finally {
      System.setErr(original);
    }
    assertEquals(BedrockErrorType.ACCESS_DENIED, e.type());
    assertEquals(403, e.status());
    assertTrue(e.upstreamMessage().orElseThrow().startsWith("Authentication failed"));
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertTrue(logs.contains("retry"), "debug logging was captured: " + logs);
    assertFalse(logs.contains(key), "the key was logged");
    assertFalse(e.getMessage().contains(key));
    assertFalse(r.config().toString().contains(key));
    assertFalse(p.toString().contains(key));
  }

  @Test
  void connectionFailureIsRetriedAndThenReported() {
    bedrock.failNext(3, Failure.disconnect());
    BedrockException e =
        assertThrows(BedrockException.class, () -> invokeRouter().chat(hello(HAIKU)));
    assertEquals(0, e.status());
    assertTrue(e.retryable());
  }

  @Test
  void everyStopReasonSurvivesTheRoundTrip() {
    ModelRouter r =
        router(
            guideConfig("\"bedrock_model_invoke\": true, \"bedrock_converse\": true"),
            UsageLog.withCapacity(20));
    for (String raw :
        List.of(
            "end_turn",
            "max_tokens",
            "stop_sequence",
            "guardrail_intervened",
            "content_filtered",
            "model_context_window_exceeded",
            "malformed_model_output")) {
      bedrock.enqueue(Reply.text("x").stopReason(raw));
      ChatResponse viaConverse = r.chat(hello(NOVA));
      assertEquals(raw, viaConverse.rawStopReason());
      assertEquals(raw, viaConverse.stopReason().wireName());
    }
  }

  @Test
  void providerFactoryIsFoundByServiceLoader() {
    router =
        ModelRouter.builder(bedrock.config("bedrock", HAIKU)).discoverProviderFactories().build();
    assertEquals(BedrockEmulator.DEFAULT_TEXT, router.chat(hello(HAIKU)).text());
  }

  @Test
  void aKeyAnHttpHeaderCannotCarryIsRefusedWithoutQuotingIt() {
    String key = "SECRETKEY\u00e9abc";
    ProviderConfig p =
        ProviderConfig.builder()
            .from(bedrock.providerConfig("bedrock", HAIKU))
            .apiKey(key)
            .authorization(dev.aperture.config.AuthorizationScheme.X_API_KEY)
            .build();
    ModelRouter r =
        router(
            ApertureConfig.builder().putProvider("bedrock", p).build(), UsageLog.withCapacity(10));
    RuntimeException e = assertThrows(RuntimeException.class, () -> r.chat(hello(HAIKU)));
    assertFalse(e.getMessage().contains("SECRETKEY"), e.getMessage());
    assertTrue(e.getMessage().contains("apikey"), e.getMessage());
    assertEquals(0, bedrock.requestCount());
  }

  @Test
  void aPassthroughProviderRefusesUnifiedCallsInsteadOfLendingItsSharedKey() {
    ProviderConfig p =
        ProviderConfig.builder()
            .from(bedrock.providerConfig("bedrock", HAIKU))
            .authMode(dev.aperture.config.AuthMode.PASSTHROUGH)
            .build();
    ModelRouter r =
        router(
            ApertureConfig.builder().putProvider("bedrock", p).build(), UsageLog.withCapacity(10));
    var e = assertThrows(dev.aperture.route.RoutingException.class, () -> r.chat(hello(HAIKU)));
    assertTrue(e.getMessage().contains("passthrough"), e.getMessage());
    assertEquals(0, bedrock.requestCount());
  }
}
