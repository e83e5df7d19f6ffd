package dev.aperture.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.config.ApertureConfig;
import dev.aperture.config.Grant;
import dev.aperture.config.QuotaConfig;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AccessPolicyTest {
  private static final String ARN_SONNET =
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4";
  private static final Identity ALICE = Identity.of("alice@example.com");
  private static final Identity BOB = Identity.of("bob@example.com");

  private static Grant grant(String src, String role, String... models) {
    return Grant.builder().addSrc(src).role(Optional.ofNullable(role)).addModels(models).build();
  }

  private static AccessPolicy policy(Grant... grants) {
    return AccessPolicy.from(ApertureConfig.builder().addGrants(grants).build());
  }

  private static QuotaConfig quota(String name) {
    return QuotaConfig.builder()
        .name(name)
        .capacityNanos(10_000_000_000L)
        .refillNanos(10_000_000_000L)
        .periodMillis(86_400_000L)
        .build();
  }

  static Stream<Arguments> globs() {
    return Stream.of(
        // glob, provider, model, expected
        Arguments.of("**", "bedrock-us", "us.anthropic.claude-sonnet-4", true),
        Arguments.of("**", "bedrock-us", ARN_SONNET, true),
        Arguments.of("bedrock-us/**", "bedrock-us", ARN_SONNET, true),
        Arguments.of("bedrock-us/**", "bedrock-us", "m", true),
        Arguments.of("bedrock-us/**", "bedrock-eu", "m", false),
        Arguments.of("bedrock-us/**", "bedrock-us-2", "m", false),
        Arguments.of("bedrock-us/*", "bedrock-us", "us.anthropic.claude-sonnet-4", true),
        Arguments.of("bedrock-us/*", "bedrock-us", ARN_SONNET, false),
        Arguments.of("*", "bedrock-us", "m", false),
        Arguments.of("*/*", "bedrock-us", "m", true),
        Arguments.of(
            "*/us.anthropic.claude-sonnet*", "bedrock-us", "us.anthropic.claude-sonnet-4", true),
        Arguments.of(
            "*/us.anthropic.claude-sonnet*",
            "bedrock-eu",
            "us.anthropic.claude-sonnet-4-v1:0",
            true),
        Arguments.of("*/us.anthropic.claude-sonnet*", "bedrock-us", ARN_SONNET, false),
        Arguments.of(
            "*/us.anthropic.claude-sonnet*", "bedrock-us", "us.anthropic.claude-haiku-4", false),
        Arguments.of("*/*/us.anthropic.claude-sonnet*", "bedrock-us", ARN_SONNET, true),
        Arguments.of("bedrock-us/**/us.anthropic.claude-sonnet*", "bedrock-us", ARN_SONNET, true),
        Arguments.of("bedrock-us/claude-?-haiku", "bedrock-us", "claude-3-haiku", true),
        Arguments.of("bedrock-us/claude-?-haiku", "bedrock-us", "claude-35-haiku", false),
        Arguments.of("bedrock-us/claude", "bedrock-us", "claude-sonnet", false),
        Arguments.of("bedrock-us/claude.sonnet", "bedrock-us", "claudeXsonnet", false));
  }

  @ParameterizedTest(name = "{0} against {1}/{2} -> {3}")
  @MethodSource("globs")
  void modelGlobsMatchProviderSlashModel(String glob, String provider, String model, boolean ok) {
    AccessPolicy p = policy(grant("*", "user", glob));
    assertEquals(ok, p.canUse(ALICE, provider, model));
    if (!ok) {
      assertEquals(
          Optional.of(AccessDeniedException.Reason.MODEL_NOT_GRANTED),
          p.check(ALICE, provider, model).denial());
    }
  }

  static Stream<Arguments> sources() {
    Identity inGroup = new Identity("bob", Set.of("ai-users"), Set.of());
    Identity inPrefixedGroup = new Identity("bob", Set.of("group:ai-users"), Set.of());
    Identity unprefixedTag = new Identity("", Set.of(), Set.of("ci"));
    return Stream.of(
        // src, caller, expected
        Arguments.of("*", Identity.ANONYMOUS, true),
        Arguments.of("*", ALICE, true),
        Arguments.of("*", Identity.tagged("ci"), true),
        Arguments.of("alice@example.com", ALICE, true),
        Arguments.of("alice@example.com", Identity.of("Alice@example.com"), false),
        Arguments.of("alice@example.com", BOB, false),
        Arguments.of("alice@example.com", Identity.ANONYMOUS, false),
        Arguments.of("group:ai-users", inGroup, true),
        Arguments.of("group:ai-users", inPrefixedGroup, true),
        Arguments.of("group:ai-users", new Identity("bob", Set.of("other"), Set.of()), false),
        Arguments.of("group:ai-users", Identity.of("group:ai-users"), false),
        Arguments.of("ai-users", inGroup, false),
        Arguments.of("tag:ci", Identity.tagged("ci"), true),
        Arguments.of("tag:ci", Identity.tagged("ci", "prod"), true),
        Arguments.of("tag:ci", unprefixedTag, true),
        Arguments.of("tag:ci", Identity.tagged("prod"), false),
        Arguments.of("tag:ci", Identity.ANONYMOUS, false),
        Arguments.of("tag:a,tag:b", Identity.tagged("b", "a"), true),
        Arguments.of("tag:b,tag:a", Identity.tagged("a", "b"), true),
        Arguments.of("tag:a,tag:b", Identity.tagged("a"), false),
        Arguments.of("tag:a,tag:b", Identity.tagged("a", "b", "c"), false),
        Arguments.of("", Identity.ANONYMOUS, false));
  }

  @ParameterizedTest(name = "src \"{0}\" for {1} -> {2}")
  @MethodSource("sources")
  void srcEntriesMatchCallers(String src, Identity caller, boolean ok) {
    AccessPolicy p = policy(grant(src, "user", "**"));
    assertEquals(ok, p.canUse(caller, "bedrock-us", "m"));
    if (!ok) {
      assertEquals(
          Optional.of(AccessDeniedException.Reason.NO_ROLE),
          p.check(caller, "bedrock-us", "m").denial());
    }
  }

  @Test
  void aMatchingModelWithoutRoleIsDeniedWithNoRole() {
    AccessPolicy p = policy(grant("*", null, "**"));
    AccessDeniedException e =
        assertThrows(
            AccessDeniedException.class, () -> p.check(ALICE, "bedrock-us", "m").orThrow());
    assertEquals(AccessDeniedException.Reason.NO_ROLE, e.reason());
    assertEquals("access denied: no role granted", e.getMessage());
    assertEquals(403, e.httpStatus());
  }

  @Test
  void aRoleWithoutMatchingModelIsDeniedNamingOnlyTheRequestedModel() {
    AccessPolicy p =
        policy(grant("*", "user", "bedrock-eu/**"), grant("bob@example.com", "user", "**"));
    AccessDeniedException e =
        assertThrows(
            AccessDeniedException.class, () -> p.check(ALICE, "bedrock-us", "m").orThrow());
    assertEquals(AccessDeniedException.Reason.MODEL_NOT_GRANTED, e.reason());
    assertEquals("access denied: model not granted: bedrock-us/m", e.getMessage());
    assertEquals("bedrock-us/m", e.target());
  }

  @Test
  void roleAndModelsAddUpAcrossGrants() {
    AccessPolicy p =
        policy(
            grant("group:ai-users", "user"),
            grant("bob", null, "bedrock-us/**"),
            grant("*", null, "bedrock-eu/claude"));
    Identity bob = new Identity("bob", Set.of("ai-users"), Set.of());
    assertTrue(p.canUse(bob, "bedrock-us", "anything"));
    assertTrue(p.canUse(bob, "bedrock-eu", "claude"));
    assertFalse(p.canUse(bob, "bedrock-eu", "other"));
    // the role alone opens nothing, and models without a role open nothing
    assertFalse(p.canUse(new Identity("carol", Set.of("ai-users"), Set.of()), "bedrock-us", "m"));
    assertFalse(p.canUse(Identity.of("bob"), "bedrock-us", "m"));
  }

  @Test
  void adminWinsOverUser() {
    AccessPolicy p = policy(grant("*", "user", "**"), grant("alice@example.com", "admin"));
    assertEquals(AccessRole.ADMIN, p.check(ALICE, "bedrock-us", "m").role());
    assertTrue(p.isAdmin(ALICE));
    assertEquals(AccessRole.USER, p.role(BOB));
    assertFalse(p.isAdmin(BOB));
  }

  @Test
  void adminStillNeedsAModelPattern() {
    AccessPolicy p = policy(grant("alice@example.com", "admin"));
    assertEquals(
        Optional.of(AccessDeniedException.Reason.MODEL_NOT_GRANTED),
        p.check(ALICE, "bedrock-us", "m").denial());
  }

  @Test
  void roleNamesAreCaseInsensitiveAndUnknownOnesGiveNothing() {
    assertTrue(policy(grant("*", "Admin", "**")).isAdmin(ALICE));
    assertEquals(
        Optional.of(AccessDeniedException.Reason.NO_ROLE),
        policy(grant("*", "superuser", "**")).check(ALICE, "p", "m").denial());
  }

  @Test
  void declaredButEmptyGrantsDenyEveryone() {
    AccessPolicy p = AccessPolicy.from(ApertureConfig.builder().grantsDeclared(true).build());
    assertFalse(p.isOpen());
    assertFalse(p.canUse(ALICE, "bedrock-us", "m"));
  }

  @Test
  void noGrantsDeclaredMeansOpenAccessWithoutQuotas() {
    AccessPolicy p =
        AccessPolicy.from(
            ApertureConfig.builder().putQuota("daily-<user>", quota("daily-<user>")).build());
    assertTrue(p.isOpen());
    AccessDecision d = p.check(Identity.ANONYMOUS, "bedrock-us", ARN_SONNET);
    assertTrue(d.allowed());
    assertEquals(AccessRole.USER, d.role());
    assertEquals(List.of(), d.quotaBuckets());
    assertSame(d, d.orThrow());
    assertFalse(p.isAdmin(ALICE));
    assertEquals(List.of(), p.quotaBuckets(ALICE));
  }

  @Test
  void userTemplatesResolveToTheCallersPrincipalAndKeepTheTemplate() {
    QuotaConfig daily = quota("daily-<user>");
    QuotaConfig team = quota("team");
    AccessPolicy p =
        AccessPolicy.from(
            ApertureConfig.builder()
                .addGrant(
                    Grant.builder()
                        .addSrc("*")
                        .role("user")
                        .addModel("**")
                        .addQuotaBuckets("daily-<user>", "team", "undeclared")
                        .build())
                .addGrant(Grant.builder().addSrc("tag:ci").addQuotaBucket("team").build())
                .addGrant(
                    Grant.builder().addSrc("bob@example.com").addQuotaBucket("bob-only").build())
                .putQuota("daily-<user>", daily)
                .putQuota("team", team)
                .putQuota("bob-only", quota("bob-only"))
                .build());

    assertEquals(
        List.of(
            new ResolvedBucket("daily-alice@example.com", daily), new ResolvedBucket("team", team)),
        p.quotaBuckets(ALICE));
    assertEquals(
        List.of(new ResolvedBucket("daily-tag:a,tag:ci", daily), new ResolvedBucket("team", team)),
        p.quotaBuckets(Identity.tagged("ci", "a")));
    AccessDecision d = p.check(ALICE, "bedrock-us", "m");
    assertEquals(p.quotaBuckets(ALICE), d.quotaBuckets());
    assertEquals("daily-<user>", d.quotaBuckets().get(0).config().name());
  }

  @Test
  void aDeniedDecisionChargesNoBucket() {
    AccessPolicy p =
        AccessPolicy.from(
            ApertureConfig.builder()
                .addGrant(Grant.builder().addSrc("*").addQuotaBucket("team").build())
                .putQuota("team", quota("team"))
                .build());
    AccessDecision d = p.check(ALICE, "bedrock-us", "m");
    assertFalse(d.allowed());
    assertEquals(List.of(), d.quotaBuckets());
    assertEquals(1, p.quotaBuckets(ALICE).size());
  }
}
