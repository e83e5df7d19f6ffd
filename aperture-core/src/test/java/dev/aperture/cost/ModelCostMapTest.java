package dev.aperture.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.chat.Usage;
import dev.aperture.config.ModelCostRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCostMapTest {
  private static final String HAIKU_45_US = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
  private static final String SONNET_45_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
  private static final String APP_PROFILE =
      "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6";

  private final DefaultCostCalculator base = DefaultCostCalculator.create();

  @Test
  void theFirstMatchingRuleWins() {
    ModelCostMap map =
        ModelCostMap.of(
            List.of(rule("my-*", SONNET_45_US, 1.0), rule("my-model", HAIKU_45_US, 1.0)));
    assertEquals(SONNET_45_US, map.ruleFor("my-model").orElseThrow().as());
    assertTrue(map.ruleFor("other").isEmpty());
  }

  @Test
  void aStarDoesNotMatchAcrossASlash() {
    ModelCostMap map = ModelCostMap.of(List.of(rule("arn:aws:bedrock:*", HAIKU_45_US, 1.0)));
    assertTrue(map.ruleFor(APP_PROFILE).isEmpty());
    ModelCostMap map2 =
        ModelCostMap.of(
            List.of(rule("arn:aws:bedrock:*:*:application-inference-profile/*", HAIKU_45_US, 1.0)));
    assertTrue(map2.ruleFor(APP_PROFILE).isPresent());
  }

  @Test
  void aMappedModelIsPricedAsItsTargetTimesTheAdjustment() {
    CostCalculator c = ModelCostMap.withRules(base, List.of(rule("my-model", SONNET_45_US, 1.2)));
    Cost cost = c.cost("bedrock-us", "my-model", Usage.of(1000, 100)).cost().orElseThrow();
    // (1000 × 3.00 + 100 × 15.00) × 1.1 = 4950 micro-USD; × 1.2 = 5940
    assertEquals(5_940_000, cost.nanos());
    assertEquals("bedrock-us/claude-sonnet-4-5 (as mapped from my-model x1.2)", cost.basis());
  }

  @Test
  void anApplicationInferenceProfileGetsAPriceThroughARule() {
    CostCalculator c =
        ModelCostMap.withRules(
            base,
            List.of(rule("arn:aws:bedrock:*:*:application-inference-profile/*", HAIKU_45_US, 1)));
    Cost cost = c.cost("bedrock-us", APP_PROFILE, Usage.of(21, 7)).cost().orElseThrow();
    assertEquals(61_600, cost.nanos());
    assertEquals(
        "bedrock-us/claude-haiku-4-5 (as mapped from " + APP_PROFILE + " x1)", cost.basis());
  }

  @Test
  void theAdjustedCostIsRoundedHalfUp() {
    CostCalculator c =
        ModelCostMap.withRules(
            base, List.of(rule("m", "global.anthropic.claude-haiku-4-5-20251001-v1:0", 0.0025)));
    // 1 input token = 1000 nanos; × 0.0025 = 2.5 → 3
    assertEquals(3, c.cost("bedrock", "m", Usage.of(1, 0)).cost().orElseThrow().nanos());
  }

  @Test
  void aZeroAdjustmentMakesTheModelFree() {
    CostCalculator c = ModelCostMap.withRules(base, List.of(rule("m", HAIKU_45_US, 0)));
    assertEquals(0, c.cost("bedrock", "m", Usage.of(21, 7)).cost().orElseThrow().nanos());
  }

  @Test
  void modelsNoRuleMatchesArePricedByTheBaseUnchanged() {
    CostCalculator c = ModelCostMap.withRules(base, List.of(rule("my-*", SONNET_45_US, 2)));
    Cost cost = c.cost("bedrock-us", HAIKU_45_US, Usage.of(21, 7)).cost().orElseThrow();
    assertEquals(61_600, cost.nanos());
    assertEquals("bedrock-us/claude-haiku-4-5", cost.basis());
  }

  @Test
  void aRuleToAnUnknownModelIsUnpricedNamingBoth() {
    CostCalculator c = ModelCostMap.withRules(base, List.of(rule("my-*", "no-such-model", 1)));
    CostResult r = c.cost("bedrock", "my-model", Usage.of(1, 1));
    String reason = assertInstanceOf(CostResult.Unpriced.class, r).reason();
    assertTrue(reason.contains("my-model") && reason.contains("no-such-model"), reason);
  }

  @Test
  void noRulesLeaveTheBaseCalculatorAsItIs() {
    assertSame(base, ModelCostMap.withRules(base, List.of()));
  }

  private static ModelCostRule rule(String match, String as, double adjustment) {
    return ModelCostRule.builder().match(match).as(as).adjustment(adjustment).build();
  }
}
