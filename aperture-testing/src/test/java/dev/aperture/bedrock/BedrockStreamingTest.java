package dev.aperture.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.StreamException;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ChatStream;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.Message;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ProviderConfig;
import dev.aperture.provider.RetryPolicy;
import dev.aperture.route.ModelRouter;
import dev.aperture.testing.BedrockEmulator;
import dev.aperture.testing.Pause;
import dev.aperture.testing.Reply;
import dev.aperture.usage.UsageLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ConverseStream and InvokeModelWithResponseStream end to end, through the router. */
class BedrockStreamingTest {
  static final String HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();

  private final AtomicInteger canceled = new AtomicInteger();
  private final UsageLog log = UsageLog.withCapacity(10);
  private ModelRouter router;

  @AfterEach
  void close() {
    if (router != null) {
      router.close();
    }
  }

  /** A router whose Bedrock provider speaks only {@code api} ("converse" or "invoke"). */
  private ModelRouter router(String api) {
    ProviderConfig p =
        ProviderConfig.builder()
            .from(bedrock.providerConfig("bedrock", HAIKU))
            .compatibility(
                EnumSet.of(
                    api.equals("invoke")
                        ? dev.aperture.ApiFormat.BEDROCK_MODEL_INVOKE
                        : dev.aperture.ApiFormat.BEDROCK_CONVERSE))
            .build();
    OkHttpClient client =
        new OkHttpClient.Builder()
            .eventListener(
                new EventListener() {
                  @Override
                  public void canceled(Call call) {
                    canceled.incrementAndGet();
                  }
                })
            .build();
    router =
        ModelRouter.builder(ApertureConfig.builder().putProvider("bedrock", p).build())
            .addProviderFactory(BedrockProviderFactory.create())
            .httpClient(client)
            .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(1)).build())
            .addUsageListener(log)
            .build();
    return router;
  }

  private static ChatRequest ask() {
    return ChatRequest.builder().model(HAIKU).addMessages(Message.user("weather?")).build();
  }

  private static final Reply TOOL_TURN =
      Reply.text("Let me ", "check.")
          .andToolCall("tooluse_1", "get_weather", "{\"city\":", " \"Paris\"}")
          .usage(21, 7)
          .cacheRead(100)
          .cacheWrite(20)
          .stopReason("tool_use");

  private static List<ChatEvent> drain(ChatStream s) {
    List<ChatEvent> out = new ArrayList<>();
    try (s) {
      s.forEach(out::add);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"converse", "invoke"})
  void toolTurnStreamsTheExactEventsUsageAndCost(String api) throws Exception {
    bedrock.enqueue(TOOL_TURN);
    List<ChatEvent> events = drain(router(api).stream(ask()));
    assertTrue(
        bedrock
            .takeRequest()
            .rawPath()
            .endsWith(api.equals("invoke") ? "/invoke-with-response-stream" : "/converse-stream"));
    assertTrue(events.get(0) instanceof ChatEvent.Start);
    List<ChatEvent> middle =
        events.subList(1, events.size() - 1).stream()
            .filter(e -> !(e instanceof ChatEvent.BlockStop))
            .toList();
    assertEquals(
        List.of(
            new ChatEvent.TextDelta(0, "Let me "),
            new ChatEvent.TextDelta(0, "check."),
            new ChatEvent.ToolCallStart(1, "tooluse_1", "get_weather"),
            new ChatEvent.ToolCallDelta(1, "{\"city\":"),
            new ChatEvent.ToolCallDelta(1, " \"Paris\"}"),
            new ChatEvent.ToolCallEnd(1, "tooluse_1", "get_weather", "{\"city\":\"Paris\"}")),
        middle.stream()
            .filter(
                e -> !(e instanceof ChatEvent.ToolCallDelta d && d.argumentsFragment().isEmpty()))
            .toList());
    ChatEvent.Finish f = (ChatEvent.Finish) events.get(events.size() - 1);
    assertEquals(StopReason.TOOL_USE, f.stopReason());
    assertEquals(
        Usage.builder()
            .inputTokens(21)
            .outputTokens(7)
            .cacheReadTokens(100)
            .cacheWrite5mTokens(20)
            .build(),
        f.usage());
    // Haiku 4.5 on us.: (21×1 + 7×5 + 100×0.10 + 20×1.25) / 1e6 × 1.1 = 0.0001001
    assertEquals("0.0001001", f.cost().usd().toPlainString());
    assertEquals(1, log.size());
    assertEquals(List.of("get_weather"), log.records().get(0).toolCalls());
  }

  @ParameterizedTest
  @ValueSource(strings = {"converse", "invoke"})
  void streamedAndUnstreamedAnswersAgree(String api) {
    ModelRouter r = router(api);
    bedrock.enqueue(TOOL_TURN);
    ChatResponse unary = r.chat(ask());
    bedrock.enqueue(TOOL_TURN);
    ChatResponse streamed = r.stream(ask()).collect();
    assertEquals(unary.content(), streamed.content());
    assertEquals(unary.usage(), streamed.usage());
    assertEquals(unary.cost(), streamed.cost());
    assertEquals(unary.stopReason(), streamed.stopReason());
    assertEquals(
        List.of(
            new ContentPart.Text("Let me check."),
            new ContentPart.ToolCall("tooluse_1", "get_weather", "{\"city\":\"Paris\"}")),
        streamed.content());
  }

  @ParameterizedTest
  @ValueSource(strings = {"converse", "invoke"})
  void firstDeltaArrivesBeforeTheUpstreamPauseEnds(String api) {
    Pause pause = Pause.create();
    bedrock.enqueue(Reply.text("Sunny", " in Paris").pauseAfterFirstDelta(pause));
    try (ChatStream s = router(api).stream(ask())) {
      Iterator<ChatEvent> it = s.iterator();
      ChatEvent first = it.next();
      while (!(first instanceof ChatEvent.TextDelta)) {
        first = it.next();
      }
      assertEquals("Sunny", ((ChatEvent.TextDelta) first).text());
      assertFalse(pause.isReleased(), "the first delta came while the upstream was still paused");
      pause.release();
      StringBuilder rest = new StringBuilder();
      it.forEachRemaining(
          e -> {
            if (e instanceof ChatEvent.TextDelta d) {
              rest.append(d.text());
            }
          });
      assertEquals(" in Paris", rest.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"converse", "invoke"})
  void closingEarlyCancelsTheUpstreamCall(String api) {
    Pause pause = Pause.create();
    bedrock.enqueue(Reply.text("a", "b").pauseAfterFirstDelta(pause));
    ChatStream s = router(api).stream(ask());
    Iterator<ChatEvent> it = s.iterator();
    it.next();
    s.close();
    pause.release();
    assertEquals(1, canceled.get(), "the OkHttp call was cancelled");
    assertEquals(499, log.records().get(0).status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"converse", "invoke"})
  void truncatedStreamEndsInATypedError(String api) {
    bedrock.enqueue(Reply.text("a", "b").dropLastFrames(1));
    StreamException e = assertThrows(StreamException.class, () -> drain(router(api).stream(ask())));
    assertEquals(StreamException.Kind.TRUNCATED, e.kind());
    assertTrue(log.records().get(0).error().isPresent());
  }

  @ParameterizedTest
  @ValueSource(strings = {"converse", "invoke"})
  void corruptedCrcEndsInABadFrameError(String api) {
    bedrock.enqueue(Reply.text("a", "b").corruptMessageCrcInFrame(2));
    StreamException e = assertThrows(StreamException.class, () -> drain(router(api).stream(ask())));
    assertEquals(StreamException.Kind.BAD_FRAME, e.kind());
  }

  @ParameterizedTest
  @ValueSource(strings = {"converse", "invoke"})
  void exceptionFrameMidStreamEndsInAnUpstreamError(String api) {
    bedrock.enqueue(
        Reply.text("a", "b")
            .exceptionAfterFrames(2, BedrockErrorType.THROTTLING, "Too many tokens"));
    StreamException e = assertThrows(StreamException.class, () -> drain(router(api).stream(ask())));
    assertEquals(StreamException.Kind.UPSTREAM_ERROR, e.kind());
    assertTrue(e.getMessage().contains("Too many tokens"));
    assertEquals(1, bedrock.requestCount(), "never retried once bytes reached the caller");
  }

  @ParameterizedTest
  @ValueSource(strings = {"converse", "invoke"})
  void throttledStreamIsRetriedBeforeAnyEventIsDelivered(String api) {
    bedrock.failNext(1, BedrockErrorType.THROTTLING);
    List<ChatEvent> events = drain(router(api).stream(ask()));
    assertTrue(events.get(events.size() - 1) instanceof ChatEvent.Finish);
    assertEquals(2, bedrock.requestCount());
  }

  @Test
  void connectionResetMidStreamIsATypedError() {
    bedrock.enqueue(Reply.text("a", "b", "c").disconnectAfterFrames(2));
    StreamException e =
        assertThrows(StreamException.class, () -> drain(router("converse").stream(ask())));
    assertEquals(StreamException.Kind.TRUNCATED, e.kind());
  }

  @Test
  void aKeyEchoedInAnExceptionFrameNeverReachesTheCaller() {
    bedrock.enqueue(
        Reply.text("a", "b")
            .exceptionAfterFrames(
                2, BedrockErrorType.VALIDATION, "bad key " + bedrock.apiKey() + " in request"));
    StreamException e =
        assertThrows(StreamException.class, () -> drain(router("converse").stream(ask())));
    assertFalse(e.getMessage().contains(bedrock.apiKey()), e.getMessage());
    assertTrue(e.getMessage().contains("bad key ****"), e.getMessage());
    assertFalse(log.records().get(0).error().orElseThrow().contains(bedrock.apiKey()));
  }

  @Test
  void aStreamClosedEarlyIsStillChargedForTheInputAlreadyCounted() {
    Pause pause = Pause.create();
    bedrock.enqueue(Reply.text("a", "b").usage(21, 7).pauseAfterFirstDelta(pause));
    ChatStream s = router("invoke").stream(ask());
    Iterator<ChatEvent> it = s.iterator();
    while (!(it.next() instanceof ChatEvent.TextDelta)) {
      // up to the first delta: message_start (with its usage) has arrived
    }
    s.close();
    pause.release();
    var rec = log.records().get(0);
    assertEquals(499, rec.status());
    assertEquals(21, rec.usage().inputTokens(), "message_start's input tokens are billed");
    assertTrue(rec.cost().isPresent(), "and priced");
  }
}
