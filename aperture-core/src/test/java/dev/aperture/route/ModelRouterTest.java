package dev.aperture.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApiFormat;
import dev.aperture.StreamException;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ChatStream;
import dev.aperture.chat.Message;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ConfigException;
import dev.aperture.config.ModelCostRule;
import dev.aperture.config.ProviderConfig;
import dev.aperture.cost.Cost;
import dev.aperture.cost.CostCalculator;
import dev.aperture.cost.CostResult;
import dev.aperture.usage.UsageLog;
import dev.aperture.usage.UsageRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ModelRouterTest {
  /** $1 per million tokens of any kind, so costs are easy to check. */
  private static final CostCalculator FLAT =
      (basis, model, usage) ->
          model.startsWith("unpriced")
              ? CostResult.unpriced("no price for " + model)
              : CostResult.priced(new Cost(usage.totalTokens() * 1000, basis + "/" + model));

  private static ProviderConfig provider(String id, int preference, String... models) {
    return ProviderConfig.builder()
        .id(id)
        .baseUrl("http://localhost:1")
        .apiKey("key-" + id + "-SECRET")
        .addModels(models)
        .compatibility(Set.of(ApiFormat.OPENAI_CHAT))
        .costBasis("flat")
        .preference(preference)
        .build();
  }

  private static ApertureConfig config(ProviderConfig... providers) {
    var b = ApertureConfig.builder();
    for (ProviderConfig p : providers) {
      b.putProvider(p.id(), p);
    }
    return b.build();
  }

  private static ModelRouter router(ApertureConfig config, UsageLog log) {
    return ModelRouter.builder(config)
        .addProviderFactory(FakeProvider.FACTORY)
        .costCalculator(FLAT)
        .addUsageListener(log)
        .build();
  }

  private static ChatRequest ask(String model) {
    return ChatRequest.builder().model(model).addMessages(Message.user("hi")).build();
  }

  @Test
  void highestPreferenceWins() {
    ModelRouter r =
        router(config(provider("a", 1, "m"), provider("b", 5, "m")), UsageLog.withCapacity(10));
    assertEquals("b", r.route("m").providerId());
  }

  @Test
  void aModelsRouteIsWorkedOutOncePerConfiguration() {
    ApertureConfig config = config(provider("route-once", 0, "m", "n"));
    ModelRouter r = router(config, UsageLog.withCapacity(10));
    java.util.function.IntSupplier calls =
        () -> FakeProvider.unifiedApiCalls.get("route-once").get();
    r.chat(ask("m"));
    r.chat(ask("m"));
    Route first = r.route("m");
    assertEquals(1, calls.getAsInt());
    assertSame(first, r.route("m"));
    assertEquals("route-once:n", r.chat(ask("n")).text());
    assertEquals(2, calls.getAsInt());
    // an unknown model is refused every time, and nothing is remembered for it
    assertThrows(RoutingException.class, () -> r.route("unknown"));
    assertThrows(RoutingException.class, () -> r.route("unknown"));
    // a reload makes new providers, which are asked again
    r.reload(config);
    assertNotSame(first, r.route("m"));
    assertEquals(3, calls.getAsInt());
  }

  @Test
  void tiesGoToTheProviderIdThatSortsFirst() {
    ModelRouter r =
        router(
            config(provider("zeta", 0, "m"), provider("alpha", 0, "m")), UsageLog.withCapacity(10));
    assertEquals("alpha", r.route("m").providerId());
  }

  @Test
  void disabledProvidersAreSkippedAndNotListed() {
    ProviderConfig off =
        ProviderConfig.builder().from(provider("a", 9, "m", "only-a")).disabled(true).build();
    ModelRouter r = router(config(off, provider("b", 0, "m")), UsageLog.withCapacity(10));
    assertEquals("b", r.route("m").providerId());
    RoutingException e = assertThrows(RoutingException.class, () -> r.route("only-a"));
    assertEquals(RoutingException.Reason.UNKNOWN_MODEL, e.reason());
    assertTrue(e.getMessage().contains("disabled"), e.getMessage());
    assertTrue(r.models().stream().noneMatch(mi -> mi.providerId().equals("a")));
    RoutingException q = assertThrows(RoutingException.class, () -> r.route("a/m"));
    assertEquals(RoutingException.Reason.PROVIDER_DISABLED, q.reason());
  }

  @Test
  void qualifiedNameSelectsTheProviderAndStripsThePrefix() {
    ModelRouter r =
        router(config(provider("a", 0, "m"), provider("b", 5, "m")), UsageLog.withCapacity(10));
    Route route = r.route("a/m");
    assertEquals("a", route.providerId());
    assertEquals("m", route.upstreamModel());
    assertEquals("a/m", route.requestedModel());
    ChatResponse resp = r.chat(ask("a/m"));
    assertEquals("a:m", resp.text(), "the provider must see the model without its prefix");
    assertEquals("a/m", resp.model());
    assertEquals("a", resp.provider());
  }

  @Test
  void modelIdsContainingSlashesRouteExactly() {
    String arn = "arn:aws:bedrock:us-east-1:123:application-inference-profile/abc";
    ModelRouter r = router(config(provider("a", 0, arn)), UsageLog.withCapacity(10));
    assertEquals(arn, r.route(arn).upstreamModel());
  }

  @Test
  void unknownModelIsATypedErrorNamingTheModelButNoSecret() {
    ModelRouter r = router(config(provider("a", 0, "m")), UsageLog.withCapacity(10));
    RoutingException e = assertThrows(RoutingException.class, () -> r.chat(ask("nope")));
    assertEquals(RoutingException.Reason.UNKNOWN_MODEL, e.reason());
    assertEquals(404, e.httpStatus());
    assertTrue(e.getMessage().contains("'nope'"));
    assertFalse(e.getMessage().contains("SECRET"));
  }

  @Test
  void formatNotEnabledIsRefusedAndNamesTheFormats() {
    ModelRouter r = router(config(provider("a", 0, "m")), UsageLog.withCapacity(10));
    assertEquals(ApiFormat.OPENAI_CHAT, r.route("m", ApiFormat.OPENAI_CHAT).upstreamApi());
    RoutingException e =
        assertThrows(RoutingException.class, () -> r.route("m", ApiFormat.BEDROCK_CONVERSE));
    assertEquals(RoutingException.Reason.FORMAT_NOT_ENABLED, e.reason());
    assertTrue(e.getMessage().contains("bedrock_converse"), e.getMessage());
    assertTrue(e.getMessage().contains("openai_chat"), e.getMessage());
  }

  @Test
  void formatRoutingPrefersAProviderThatEnablesTheFormat() {
    ProviderConfig converse =
        ProviderConfig.builder()
            .from(provider("low", 0, "m"))
            .compatibility(Set.of(ApiFormat.BEDROCK_CONVERSE))
            .build();
    ModelRouter r = router(config(provider("high", 9, "m"), converse), UsageLog.withCapacity(10));
    assertEquals("low", r.route("m", ApiFormat.BEDROCK_CONVERSE).providerId());
    assertEquals("high", r.route("m", ApiFormat.OPENAI_CHAT).providerId());
  }

  @Test
  void providerWithoutImplementationIsAClearError() {
    ProviderConfig gemini =
        ProviderConfig.builder()
            .from(provider("g", 0, "gm"))
            .compatibility(Set.of(ApiFormat.GEMINI_GENERATE_CONTENT))
            .build();
    ModelRouter r = router(config(gemini), UsageLog.withCapacity(10));
    RoutingException e = assertThrows(RoutingException.class, () -> r.route("gm"));
    assertEquals(RoutingException.Reason.NO_IMPLEMENTATION, e.reason());
    assertEquals(501, e.httpStatus());
  }

  @Test
  void chatRecordsUsageCostAndToolNames() {
    UsageLog log = UsageLog.withCapacity(10);
    ModelRouter r = router(config(provider("a", 0, "m")), log);
    ChatResponse resp = r.chat(ask("m"));
    assertEquals(2_000_000_000L, resp.cost().orElseThrow().nanos(), "2M tokens at $1/M = $2");
    assertEquals("flat/m", resp.cost().orElseThrow().basis());
    UsageRecord rec = log.records().get(0);
    assertEquals("a", rec.provider());
    assertEquals(200, rec.status());
    assertEquals(List.of("lookup"), rec.toolCalls());
    assertEquals(resp.cost(), rec.cost());
    assertEquals(ApiFormat.OPENAI_CHAT, rec.apiOut());
    assertTrue(rec.sessionId().startsWith("fp-"), "no client session id: fingerprint");
  }

  @Test
  void sameConversationStartGivesTheSameSessionId() {
    UsageLog log = UsageLog.withCapacity(10);
    ModelRouter r = router(config(provider("a", 0, "m")), log);
    r.chat(ask("m"));
    r.chat(
        ChatRequest.builder()
            .from(ask("m"))
            .addMessages(Message.assistant("x"), Message.user("more"))
            .build());
    r.chat(ChatRequest.builder().from(ask("m")).sessionId("client-session").build());
    List<UsageRecord> recs = log.records();
    assertEquals(recs.get(0).sessionId(), recs.get(1).sessionId());
    assertEquals("client-session", recs.get(2).sessionId());
  }

  @Test
  void modelCostMapPricesAsAnotherModelWithAdjustment() {
    ProviderConfig p =
        ProviderConfig.builder()
            .from(provider("a", 0, "custom-1"))
            .addModelCostMap(
                ModelCostRule.builder().match("custom-*").as("base").adjustment(1.5).build())
            .build();
    ModelRouter r = router(config(p), UsageLog.withCapacity(10));
    Cost c = r.chat(ask("custom-1")).cost().orElseThrow();
    assertEquals(3_000_000_000L, c.nanos());
    assertTrue(c.basis().startsWith("flat/base"), c.basis());
  }

  @Test
  void providerWithoutCostBasisGetsNoCostAndAReason() {
    ProviderConfig p =
        ProviderConfig.builder()
            .from(provider("a", 0, "m"))
            .costBasis(java.util.Optional.empty())
            .build();
    ModelRouter r = router(config(p), UsageLog.withCapacity(10));
    ChatResponse resp = r.chat(ask("m"));
    assertTrue(resp.cost().isEmpty());
    assertTrue(resp.costUnavailableReason().orElseThrow().contains("cost_basis"));
  }

  @Test
  void failedCallIsRecordedWithoutTheKey() {
    UsageLog log = UsageLog.withCapacity(10);
    ModelRouter r = router(config(provider("a", 0, "fail-model")), log);
    assertThrows(IllegalStateException.class, () -> r.chat(ask("fail-model")));
    UsageRecord rec = log.records().get(0);
    assertEquals(500, rec.status());
    assertFalse(rec.error().orElseThrow().contains("SECRET"), rec.error().orElseThrow());
    assertFalse(rec.toString().contains("SECRET"));
  }

  @Test
  void listenerFailureDoesNotFailTheCall() {
    ModelRouter r =
        ModelRouter.builder(config(provider("a", 0, "m")))
            .addProviderFactory(FakeProvider.FACTORY)
            .costCalculator(FLAT)
            .addUsageListener(
                rec -> {
                  throw new IllegalStateException("listener bug");
                })
            .build();
    assertEquals("a:m", r.chat(ask("m")).text());
  }

  @Test
  void streamFinishCarriesCostAndIsRecordedOnce() {
    UsageLog log = UsageLog.withCapacity(10);
    ModelRouter r = router(config(provider("a", 0, "m")), log);
    List<ChatEvent> events = new ArrayList<>();
    try (ChatStream s = r.stream(ask("a/m"))) {
      s.forEach(events::add);
    }
    ChatEvent.Start start = (ChatEvent.Start) events.get(0);
    assertEquals("a/m", start.model());
    assertEquals("a", start.provider());
    ChatEvent.Finish f = (ChatEvent.Finish) events.get(events.size() - 1);
    assertEquals(30_000L, f.cost().nanos());
    assertEquals(1, log.size());
    assertTrue(log.records().get(0).streamed());
  }

  @Test
  void streamEndingWithoutFinishIsAnErrorNotANormalEnd() {
    UsageLog log = UsageLog.withCapacity(10);
    ModelRouter r = router(config(provider("a", 0, "truncate")), log);
    try (ChatStream s = r.stream(ask("truncate"))) {
      StreamException e = assertThrows(StreamException.class, s::collect);
      assertEquals(StreamException.Kind.TRUNCATED, e.kind());
    }
    assertEquals(1, log.size());
    assertTrue(log.records().get(0).error().isPresent());
  }

  @Test
  void closingAStreamEarlyIsRecordedAs499() {
    UsageLog log = UsageLog.withCapacity(10);
    ModelRouter r = router(config(provider("a", 0, "m")), log);
    try (ChatStream s = r.stream(ask("m"))) {
      assertNotNull(s.iterator().next());
    }
    assertEquals(499, log.records().get(0).status());
  }

  @Test
  void reloadWithABrokenProviderKeepsTheOldConfig() {
    ModelRouter r =
        ModelRouter.builder(config(provider("a", 0, "m")))
            .addProviderFactory(
                (c, ctx) -> {
                  if (c.id().equals("broken")) {
                    throw new IllegalArgumentException("bad base url");
                  }
                  return FakeProvider.FACTORY.create(c, ctx);
                })
            .costCalculator(FLAT)
            .build();
    ApertureConfig before = r.config();
    ConfigException e =
        assertThrows(ConfigException.class, () -> r.reload(config(provider("broken", 0, "m"))));
    assertTrue(e.getMessage().contains("providers.broken"), e.getMessage());
    assertTrue(before == r.config());
    assertEquals("a", r.route("m").providerId());
  }

  @Test
  void reloadRacingConcurrentLookupsNeverFails() throws Exception {
    ApertureConfig one = config(provider("one", 0, "m"));
    ApertureConfig two = config(provider("two", 0, "m"));
    ModelRouter r = router(one, UsageLog.withCapacity(10));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(3);
    List<Future<Integer>> readers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      readers.add(
          pool.submit(
              () -> {
                started.countDown();
                int n = 0;
                while (!stop.get()) {
                  String id = r.chat(ask("m")).provider();
                  if (!id.equals("one") && !id.equals("two")) {
                    throw new AssertionError(id);
                  }
                  n++;
                }
                return n;
              }));
    }
    started.await();
    for (int i = 0; i < 2_000; i++) {
      r.reload(i % 2 == 0 ? two : one);
    }
    stop.set(true);
    int calls = 0;
    for (Future<Integer> f : readers) {
      calls += f.get();
    }
    pool.shutdown();
    assertTrue(calls > 0);
  }

  @Test
  void chatAsyncRunsOnTheCallersExecutorAndPropagatesFailures() throws Exception {
    ModelRouter r = router(config(provider("a", 0, "m", "fail-model")), UsageLog.withCapacity(10));
    ExecutorService pool = Executors.newSingleThreadExecutor(t -> new Thread(t, "caller-pool"));
    try {
      assertEquals("a:m", r.chatAsync(ask("m"), pool).get().text());
      java.util.concurrent.ExecutionException e =
          assertThrows(
              java.util.concurrent.ExecutionException.class,
              () -> r.chatAsync(ask("fail-model"), pool).get());
      assertTrue(e.getCause() instanceof IllegalStateException);
      assertEquals(
          "caller-pool",
          FakeProvider.threads.get(FakeProvider.threads.size() - 1),
          "the provider call ran on the caller's executor");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aFailedCallWithReportedUsageIsStillPriced() {
    UsageLog log = UsageLog.withCapacity(10);
    ModelRouter r =
        ModelRouter.builder(config(provider("a", 0, "m")))
            .addProviderFactory(
                (c, ctx) ->
                    new FakeProvider(c) {
                      @Override
                      public dev.aperture.provider.ForwardResponse forward(
                          Route route,
                          dev.aperture.provider.ForwardRequest request,
                          dev.aperture.provider.UsageSink sink) {
                        sink.completed(
                            499,
                            dev.aperture.chat.Usage.of(1_000_000, 0),
                            List.of(),
                            "closed by caller");
                        return null;
                      }
                    })
            .costCalculator(FLAT)
            .addUsageListener(log)
            .build();
    r.forward(
        dev.aperture.provider.ForwardRequest.builder()
            .format(ApiFormat.OPENAI_CHAT)
            .operation("chat/completions")
            .model("m")
            .body(new byte[0])
            .build());
    UsageRecord rec = log.records().get(0);
    assertEquals(499, rec.status());
    assertEquals(1_000_000_000L, rec.cost().orElseThrow().nanos(), "1M billed tokens at $1/M");
  }
}
