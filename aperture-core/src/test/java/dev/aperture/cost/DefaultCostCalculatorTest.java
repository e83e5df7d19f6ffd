package dev.aperture.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.chat.Usage;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class DefaultCostCalculatorTest {
  private static final String HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0";
  private static final String SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
  private static final Usage HAIKU_CALL = Usage.of(21, 7);

  private final DefaultCostCalculator calculator = DefaultCostCalculator.create();

  @Test
  void usGeoProfileOfHaiku45CostsTheListPricePlusTenPercent() {
    Cost cost = priced("bedrock-us", "us." + HAIKU_45, HAIKU_CALL);
    // (21 × 1.00 + 7 × 5.00) / 1e6 × 1.1
    assertEquals(61_600, cost.nanos());
    assertEquals(new BigDecimal("0.0000616"), cost.usd());
    assertEquals("bedrock-us/claude-haiku-4-5", cost.basis());
  }

  @Test
  void globalProfileCostsTheListPrice() {
    assertEquals(56_000, priced("bedrock-us", "global." + HAIKU_45, HAIKU_CALL).nanos());
  }

  @Test
  void inRegionCallOfA45ModelPaysThePremium() {
    assertEquals(61_600, priced("bedrock", HAIKU_45, HAIKU_CALL).nanos());
  }

  @Test
  void sonnet4OnAUsProfileHasNoPremium() {
    Usage usage = Usage.of(1000, 1000);
    // 1000 × 3.00 + 1000 × 15.00 = 18,000 micro-USD
    assertEquals(
        18_000_000,
        priced("bedrock-us", "us.anthropic.claude-sonnet-4-20250514-v1:0", usage).nanos());
    assertEquals(
        18_000_000,
        priced("bedrock-us", "global.anthropic.claude-sonnet-4-20250514-v1:0", usage).nanos());
  }

  @Test
  void theBasisDoesNotDecideThePremiumTheIdsPrefixDoes() {
    assertEquals(61_600, priced("bedrock-eu", "us." + HAIKU_45, HAIKU_CALL).nanos());
    assertEquals(61_600, priced("bedrock-us", "eu." + HAIKU_45, HAIKU_CALL).nanos());
    assertEquals(56_000, priced("bedrock-ap", "global." + HAIKU_45, HAIKU_CALL).nanos());
  }

  @Test
  void eachCacheCounterIsPricedAtItsOwnRate() {
    Usage usage =
        Usage.builder()
            .inputTokens(1000)
            .cacheReadTokens(2000)
            .cacheWrite5mTokens(3000)
            .cacheWrite1hTokens(4000)
            .outputTokens(500)
            .reasoningTokens(400)
            .build();
    // 1000 × 3.00 + 2000 × 0.30 + 3000 × 3.75 + 4000 × 6.00 + 500 × 15.00
    //   = 3000 + 600 + 11,250 + 24,000 + 7500 = 46,350 micro-USD; reasoning is inside output.
    assertEquals(46_350_000, priced("bedrock", "global." + SONNET_45, usage).nanos());
  }

  @Test
  void cacheReadsAreNotPricedAsInputNorCacheWritesAsOutput() {
    String id = "global." + SONNET_45;
    assertEquals(
        300_000, priced("bedrock", id, Usage.builder().cacheReadTokens(1000).build()).nanos());
    assertEquals(
        3_750_000, priced("bedrock", id, Usage.builder().cacheWrite5mTokens(1000).build()).nanos());
    assertEquals(3_000_000, priced("bedrock", id, Usage.of(1000, 0)).nanos());
  }

  @Test
  void oneHourWritesCostMoreThanFiveMinuteWrites() {
    String id = "global." + HAIKU_45;
    assertEquals(
        1_250_000, priced("bedrock", id, Usage.builder().cacheWrite5mTokens(1000).build()).nanos());
    assertEquals(
        2_000_000, priced("bedrock", id, Usage.builder().cacheWrite1hTokens(1000).build()).nanos());
  }

  @Test
  void sonnet45AboveTwoHundredThousandInputTokensUsesTheLongContextRates() {
    // 200,001 × 6.00 + 1000 × 22.50 = 1,200,006 + 22,500 micro-USD
    assertEquals(
        1_222_506_000L, priced("bedrock", "global." + SONNET_45, Usage.of(200_001, 1000)).nanos());
    // × 1.1 on a geo profile
    assertEquals(
        1_344_756_600L, priced("bedrock-us", "us." + SONNET_45, Usage.of(200_001, 1000)).nanos());
  }

  @Test
  void exactlyTwoHundredThousandInputTokensIsStillTheStandardTier() {
    // 200,000 × 3.00 + 1000 × 15.00 = 615,000 micro-USD
    assertEquals(
        615_000_000L, priced("bedrock", "global." + SONNET_45, Usage.of(200_000, 1000)).nanos());
  }

  @Test
  void cacheTokensCountTowardsTheLongContextThreshold() {
    Usage usage = Usage.builder().inputTokens(100_000).cacheReadTokens(100_001).build();
    // 100,000 × 6.00 + 100,001 × 0.60 = 600,000 + 60,000.6 micro-USD
    assertEquals(660_000_600L, priced("bedrock", "global." + SONNET_45, usage).nanos());
  }

  @Test
  void modelsWithoutALongContextTierKeepTheirRatesAboveTwoHundredThousand() {
    // Haiku 4.5: 300,000 × 1.00 = 300,000 micro-USD
    assertEquals(
        300_000_000L, priced("bedrock", "global." + HAIKU_45, Usage.of(300_000, 0)).nanos());
  }

  @Test
  void inferenceProfileArnIsPricedByTheIdInsideWithItsPremium() {
    Cost cost =
        priced(
            "bedrock-us",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us." + HAIKU_45,
            HAIKU_CALL);
    assertEquals(61_600, cost.nanos());
    assertEquals("bedrock-us/claude-haiku-4-5", cost.basis());
    assertEquals(
        56_000,
        priced(
                "bedrock-us",
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/global." + HAIKU_45,
                HAIKU_CALL)
            .nanos());
  }

  @Test
  void foundationModelArnIsAnInRegionCall() {
    assertEquals(
        61_600,
        priced("bedrock", "arn:aws:bedrock:us-east-1::foundation-model/" + HAIKU_45, HAIKU_CALL)
            .nanos());
  }

  @Test
  void applicationInferenceProfileArnIsUnpricedWithAReason() {
    String reason =
        unpriced(
            "bedrock-us",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6",
            HAIKU_CALL);
    assertTrue(
        reason.startsWith(
            "application inference profile ids do not say which model they run;"
                + " add a model_cost_map rule"),
        reason);
    assertTrue(reason.contains("a1b2c3d4e5f6"), reason);
  }

  @Test
  void provisionedModelArnIsUnpriced() {
    String reason =
        unpriced(
            "bedrock",
            "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123",
            HAIKU_CALL);
    assertTrue(reason.contains("model_cost_map"), reason);
  }

  @Test
  void unknownModelIsUnpricedNamingIt() {
    String reason = unpriced("bedrock", "us.meta.llama3-3-70b-instruct-v1:0", HAIKU_CALL);
    assertTrue(reason.contains("us.meta.llama3-3-70b-instruct-v1:0"), reason);
  }

  @Test
  void unknownBasisIsUnpricedNamingIt() {
    String reason = unpriced("azure-eu", "us." + HAIKU_45, HAIKU_CALL);
    assertTrue(reason.contains("azure-eu"), reason);
  }

  @Test
  void missingBasisOrModelIsUnpriced() {
    unpriced("", "us." + HAIKU_45, HAIKU_CALL);
    unpriced(null, "us." + HAIKU_45, HAIKU_CALL);
    unpriced("  ", "us." + HAIKU_45, HAIKU_CALL);
    unpriced("bedrock", "", HAIKU_CALL);
    unpriced("bedrock", null, HAIKU_CALL);
  }

  @Test
  void everyIdFormOfAModelFindsItsPrice() {
    for (String id :
        new String[] {
          "us.anthropic.claude-opus-4-6-v1",
          "anthropic.claude-opus-4-6-v1:0",
          "anthropic.claude-opus-4-6",
          "claude-opus-4-6",
          "US.Anthropic.Claude-Opus-4-6-V1",
        }) {
      Cost cost = priced("bedrock", id, Usage.of(1, 0));
      assertEquals("bedrock/claude-opus-4-6", cost.basis(), id);
      assertEquals(5_500, cost.nanos(), id); // 5.00 × 1.1 per million
    }
    assertEquals(
        "anthropic/claude-haiku-4-5",
        priced("anthropic", "claude-haiku-4-5-20251001", HAIKU_CALL).basis());
    assertEquals(
        "anthropic/claude-3-5-haiku",
        priced("anthropic", "claude-3-5-haiku-latest", HAIKU_CALL).basis());
  }

  @Test
  void basisIsMatchedIgnoringCase() {
    assertEquals(
        "bedrock-us/claude-haiku-4-5", priced("Bedrock-US", "us." + HAIKU_45, HAIKU_CALL).basis());
  }

  @Test
  void theAnthropicBasisHasNoGeographicPremium() {
    assertEquals(56_000, priced("anthropic", "us." + HAIKU_45, HAIKU_CALL).nanos());
  }

  @Test
  void zeroUsageCostsZero() {
    Cost cost = priced("bedrock-us", "us." + HAIKU_45, Usage.ZERO);
    assertEquals(0, cost.nanos());
    assertEquals(BigDecimal.ZERO, cost.usd());
  }

  @Test
  void batchCallsCostHalf() {
    Cost cost = priced(calculator.batch(), "bedrock-us", "us." + HAIKU_45, HAIKU_CALL);
    assertEquals(30_800, cost.nanos());
    assertEquals("bedrock-us/claude-haiku-4-5 (batch)", cost.basis());
  }

  @Test
  void theCostIsRoundedHalfUpOnceForTheWholeCall() {
    DefaultCostCalculator batch = calculator.batch();
    // 1 token × 1.25 × 1.1 × 0.5 = 687.5 nanos
    assertEquals(
        688,
        priced(batch, "bedrock", "us." + HAIKU_45, Usage.builder().cacheWrite5mTokens(1).build())
            .nanos());
    // 3 tokens = 2062.5 nanos: rounding per token would give 2064
    assertEquals(
        2063,
        priced(batch, "bedrock", "us." + HAIKU_45, Usage.builder().cacheWrite5mTokens(3).build())
            .nanos());
  }

  @Test
  void aBasisWithoutBatchPricesAnswersUnpricedForBatch() {
    PriceTable table =
        PriceTable.parse(
            "{\"bases\": {\"mine\": {\"prices\": {\"m\": {\"input\": 1, \"output\": 1,"
                + " \"cache_write_5m\": 1, \"cache_write_1h\": 1, \"cache_read\": 1}}}}}");
    CostResult r = DefaultCostCalculator.create(table).batch().cost("mine", "m", HAIKU_CALL);
    assertInstanceOf(CostResult.Unpriced.class, r);
  }

  @Test
  void aUserTableOverridesABundledPrice() {
    PriceTable table =
        PriceTable.bundled()
            .withOverrides(
                PriceTable.parse(
                    "{\"bases\": {\"bedrock\": {\"prices\": {\"claude-haiku-4-5\": {\"input\":"
                        + " 2.00, \"output\": 5.00, \"cache_write_5m\": 2.50, \"cache_write_1h\":"
                        + " 4.00, \"cache_read\": 0.20, \"geo_premium\": true}}}}}"));
    DefaultCostCalculator custom = DefaultCostCalculator.create(table);
    // (21 × 2.00 + 7 × 5.00) × 1.1 = 84.7 micro-USD, through bedrock-us's "extends"
    assertEquals(84_700, priced(custom, "bedrock-us", "us." + HAIKU_45, HAIKU_CALL).nanos());
    // other prices stay
    assertEquals(
        3_000_000, priced(custom, "bedrock", "global." + SONNET_45, Usage.of(1000, 0)).nanos());
    // the bundled table is unchanged
    assertEquals(61_600, priced("bedrock-us", "us." + HAIKU_45, HAIKU_CALL).nanos());
  }

  @Test
  void costsNeverGoNegativeAndOverflowIsUnpriced() {
    for (String basis : PriceTable.bundled().costBases()) {
      for (String id : new String[] {"us." + HAIKU_45, "global." + SONNET_45, "claude-3-5-haiku"}) {
        for (long n : new long[] {0, 1, 7, 199_999, 200_001, 1_000_000_007L}) {
          Usage usage =
              Usage.builder()
                  .inputTokens(n)
                  .cacheReadTokens(n / 2)
                  .cacheWrite5mTokens(n / 3)
                  .cacheWrite1hTokens(n / 5)
                  .outputTokens(n)
                  .build();
          assertTrue(priced(basis, id, usage).nanos() >= 0);
        }
      }
    }
    CostResult huge =
        calculator.cost("bedrock", "us." + SONNET_45, Usage.of(Long.MAX_VALUE / 2, 0));
    assertInstanceOf(CostResult.Unpriced.class, huge);
  }

  @Test
  void usageIsRequired() {
    assertThrows(NullPointerException.class, () -> calculator.cost("bedrock", HAIKU_45, null));
  }

  @Test
  void countsTooLargeForTheIntegerPathAreStillPricedExactly() {
    // 10^15 output tokens × 5 USD per million (Haiku 4.5 output) overflow picodollars in a long;
    // the exact BigDecimal path prices them: 5 × 10^9 USD = 5 × 10^18 nanodollars
    Usage huge = Usage.of(0, 1_000_000_000_000_000L);
    assertEquals(5_000_000_000_000_000_000L, priced("bedrock", "global." + HAIKU_45, huge).nanos());
  }

  @Test
  void theIntegerPathRoundsHalfUpLikeTheExactOne() {
    // 1 input token of Haiku 4.5 at 1 USD per million = 1,000 nanodollars; with the US premium
    // (× 1.1) 1,100; a cache read (0.1 USD/M) is 100; 1h writes (2 USD/M) 2,000
    assertEquals(1_000, priced("bedrock", "global." + HAIKU_45, Usage.of(1, 0)).nanos());
    assertEquals(1_100, priced("bedrock-us", "us." + HAIKU_45, Usage.of(1, 0)).nanos());
    assertEquals(
        110,
        priced("bedrock-us", "us." + HAIKU_45, Usage.builder().cacheReadTokens(1).build()).nanos());
  }

  @Test
  void fractionalNanodollarsRoundHalfUpOnBothPaths() {
    // input 0.0015 USD/M = 1.5 nanodollars a token (whole picodollars: the integer path);
    // cache reads at 0.0000015 USD/M are 0.0015 nanodollars, below a picodollar (BigDecimal path)
    PriceTable table =
        PriceTable.bundled()
            .withOverrides(
                PriceTable.parse(
                    "{\"bases\": {\"bedrock\": {\"prices\": {\"claude-haiku-4-5\": {\"input\":"
                        + " 0.0015, \"output\": 0, \"cache_write_5m\": 0, \"cache_write_1h\": 0,"
                        + " \"cache_read\": 0.0000015}}}}}"));
    DefaultCostCalculator c = DefaultCostCalculator.create(table);
    String id = "global." + HAIKU_45;
    assertEquals(2, priced(c, "bedrock", id, Usage.of(1, 0)).nanos()); // 1.5 → 2
    assertEquals(3, priced(c, "bedrock", id, Usage.of(2, 0)).nanos()); // 3.0
    assertEquals(5, priced(c, "bedrock", id, Usage.of(3, 0)).nanos()); // 4.5 → 5
    Usage reads333 = Usage.builder().cacheReadTokens(333).build();
    Usage reads334 = Usage.builder().cacheReadTokens(334).build();
    assertEquals(0, priced(c, "bedrock", id, reads333).nanos()); // 0.4995 → 0
    assertEquals(1, priced(c, "bedrock", id, reads334).nanos()); // 0.501 → 1
  }

  private Cost priced(String basis, String model, Usage usage) {
    return priced(calculator, basis, model, usage);
  }

  private static Cost priced(CostCalculator c, String basis, String model, Usage usage) {
    CostResult r = c.cost(basis, model, usage);
    return r.cost().orElseThrow(() -> new AssertionError(basis + " " + model + ": " + r));
  }

  private String unpriced(String basis, String model, Usage usage) {
    CostResult r = calculator.cost(basis, model, usage);
    return assertInstanceOf(CostResult.Unpriced.class, r, () -> String.valueOf(r)).reason();
  }
}
