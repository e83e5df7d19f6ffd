package dev.aperture.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApiFormat;
import dev.aperture.access.AccessDeniedException;
import dev.aperture.access.Identity;
import dev.aperture.access.InterceptDecision;
import dev.aperture.access.QuotaExceededException;
import dev.aperture.access.RequestBlockedException;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.Grant;
import dev.aperture.config.ProviderConfig;
import dev.aperture.config.QuotaConfig;
import dev.aperture.cost.Cost;
import dev.aperture.cost.CostResult;
import dev.aperture.usage.UsageLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router's admission: grants, quotas and interceptors, before any upstream call. */
class ModelRouterAccessTest {
  private static final Identity ALICE = Identity.of("alice@example.com");
  private static final Identity BOB = Identity.of("bob@example.com");

  private static ProviderConfig provider(String id, String... models) {
    return ProviderConfig.builder()
        .id(id)
        .baseUrl("http://localhost:1")
        .apiKey("key-" + id)
        .addModels(models)
        .compatibility(Set.of(ApiFormat.OPENAI_CHAT))
        .costBasis("flat")
        .build();
  }

  private static dev.aperture.config.ImmutableApertureConfig.Builder base() {
    return ApertureConfig.builder()
        .putProvider("bedrock-us", provider("bedrock-us", "sonnet", "opus"))
        .putProvider("other", provider("other", "x"));
  }

  private static ChatRequest ask(Identity who, String model) {
    return ChatRequest.builder().model(model).identity(who).addMessages(Message.user("hi")).build();
  }

  private static ModelRouterBuilder router(ApertureConfig config) {
    return ModelRouter.builder(config)
        .addProviderFactory(FakeProvider.FACTORY)
        .costCalculator((b, m, u) -> CostResult.priced(new Cost(u.totalTokens() * 1000, b)))
        .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
  }

  @BeforeEach
  void clear() {
    FakeProvider.seen.clear();
  }

  @Test
  void grantedUserPassesAndOthersAreRefusedWithoutAnUpstreamCall() {
    ApertureConfig config =
        base()
            .addGrant(
                Grant.builder()
                    .addSrc("alice@example.com")
                    .role("user")
                    .addModels("bedrock-us/**")
                    .build())
            .build();
    ModelRouter r = router(config).build();
    assertEquals("bedrock-us:sonnet", r.chat(ask(ALICE, "sonnet")).text());
    AccessDeniedException notGranted =
        assertThrows(AccessDeniedException.class, () -> r.chat(ask(ALICE, "x")));
    assertEquals(AccessDeniedException.Reason.MODEL_NOT_GRANTED, notGranted.reason());
    AccessDeniedException stranger =
        assertThrows(AccessDeniedException.class, () -> r.chat(ask(BOB, "sonnet")));
    assertEquals(403, stranger.httpStatus());
    assertEquals(1, FakeProvider.seen.size(), "refused calls never reach the provider");
  }

  @Test
  void grantWithoutRoleIsRefusedEvenWhenTheModelMatches() {
    ApertureConfig config =
        base().addGrant(Grant.builder().addSrc("*").addModels("**").build()).build();
    ModelRouter r = router(config).build();
    AccessDeniedException e =
        assertThrows(AccessDeniedException.class, () -> r.stream(ask(ALICE, "sonnet")));
    assertEquals(AccessDeniedException.Reason.NO_ROLE, e.reason());
    assertEquals("access denied: no role granted", e.getMessage());
    assertTrue(FakeProvider.seen.isEmpty());
  }

  @Test
  void modelListingShowsOnlyGrantedModels() {
    ApertureConfig config =
        base()
            .addGrant(
                Grant.builder()
                    .addSrc("alice@example.com")
                    .role("user")
                    .addModels("*/sonnet")
                    .build())
            .build();
    ModelRouter r = router(config).build();
    assertEquals(
        java.util.List.of("bedrock-us/sonnet"),
        r.models(ALICE).stream().map(ModelInfo::qualifiedName).toList());
    assertTrue(r.models(BOB).isEmpty());
    assertEquals(3, r.models().size());
  }

  @Test
  void noGrantsSectionMeansOpenAccess() {
    ModelRouter r = router(base().build()).build();
    assertEquals("other:x", r.chat(ask(BOB, "x")).text());
    assertEquals(3, r.models(BOB).size());
  }

  @Test
  void tinyQuotaAdmitsCallsWhilePositiveThenRefusesWithRetryAfter() {
    ApertureConfig config =
        base()
            .putQuota(
                "daily-<user>",
                QuotaConfig.builder()
                    .name("daily-<user>")
                    .capacityNanos(3_000_000_000L)
                    .refillNanos(3_000_000_000L)
                    .periodMillis(Duration.ofDays(1).toMillis())
                    .build())
            .addGrant(
                Grant.builder()
                    .addSrc("*")
                    .role("user")
                    .addModels("**")
                    .addQuotaBuckets("daily-<user>")
                    .build())
            .build();
    UsageLog log = UsageLog.withCapacity(10);
    ModelRouter r = router(config).addUsageListener(log).build();
    r.chat(ask(ALICE, "sonnet")); // costs $2 of $3
    r.chat(ask(ALICE, "sonnet")); // balance $1 > 0: admitted, goes to -$1
    QuotaExceededException e =
        assertThrows(QuotaExceededException.class, () -> r.chat(ask(ALICE, "sonnet")));
    assertEquals(429, e.httpStatus());
    assertTrue(e.retryAfter().compareTo(Duration.ofSeconds(1)) >= 0);
    assertEquals(2, FakeProvider.seen.size());
    assertEquals("bedrock-us:sonnet", r.chat(ask(BOB, "sonnet")).text(), "buckets are per user");
  }

  @Test
  void interceptorCanBlockOrRedirectARequest() {
    ModelRouter r =
        router(base().build())
            .addInterceptor(
                (ctx, req) -> {
                  if (req.model().equals("opus")) {
                    return InterceptDecision.block(451, "opus is not for you");
                  }
                  if (req.model().equals("sonnet")) {
                    return InterceptDecision.modify(
                        ChatRequest.builder().from(req).model("other/x").build());
                  }
                  return InterceptDecision.allow();
                })
            .build();
    RequestBlockedException blocked =
        assertThrows(RequestBlockedException.class, () -> r.chat(ask(ALICE, "opus")));
    assertEquals(451, blocked.httpStatus());
    assertTrue(FakeProvider.seen.isEmpty());
    assertEquals("other:x", r.chat(ask(ALICE, "sonnet")).text(), "a modified model is re-routed");
  }

  @Test
  void interceptorsAlsoGuardNativePassthrough() {
    ModelRouter r =
        router(base().build())
            .addInterceptor(
                (ctx, req) ->
                    ctx.api().equals("openai_chat")
                        ? InterceptDecision.block(403, "no passthrough for " + req.model())
                        : InterceptDecision.allow())
            .build();
    RequestBlockedException blocked =
        assertThrows(
            RequestBlockedException.class,
            () ->
                r.forward(
                    dev.aperture.provider.ForwardRequest.builder()
                        .format(ApiFormat.OPENAI_CHAT)
                        .operation("chat/completions")
                        .model("sonnet")
                        .body(new byte[0])
                        .identity(ALICE)
                        .build()));
    assertEquals("no passthrough for sonnet", blocked.getMessage());
  }

  @Test
  void aFailingCostCalculatorStillLeavesAUsageRecord() {
    UsageLog log = UsageLog.withCapacity(10);
    ModelRouter r =
        ModelRouter.builder(base().build())
            .addProviderFactory(FakeProvider.FACTORY)
            .costCalculator(
                (b, m, u) -> {
                  throw new IllegalStateException("price table bug");
                })
            .addUsageListener(log)
            .build();
    assertEquals("bedrock-us:sonnet", r.chat(ask(ALICE, "sonnet")).text());
    assertTrue(
        log.records().get(0).costUnavailableReason().orElseThrow().contains("price table bug"));
  }
}
