package dev.aperture.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {
  private static final String HAIKU =
      "\"claude-haiku-4-5\": {\"input\": 1.00, \"output\": 5.00, \"cache_write_5m\": 1.25,"
          + " \"cache_write_1h\": 2.00, \"cache_read\": 0.10}";

  @Test
  void theBundledTableDefinesTheBedrockAndAnthropicBases() {
    PriceTable t = PriceTable.bundled();
    assertEquals(
        Set.of("anthropic", "bedrock", "bedrock-us", "bedrock-eu", "bedrock-ap"), t.costBases());
    assertSame(t, PriceTable.bundled());
  }

  @Test
  void theRegionalBedrockBasesListTheSamePricesAsBedrock() {
    PriceTable t = PriceTable.bundled();
    for (String key :
        List.of(
            "claude-haiku-4-5",
            "claude-sonnet-4-5",
            "claude-opus-4-5",
            "claude-opus-4-6",
            "claude-sonnet-4",
            "claude-3-7-sonnet",
            "claude-3-5-haiku")) {
      ModelPrice bedrock = t.price("bedrock", key).orElseThrow();
      for (String basis : List.of("bedrock-us", "bedrock-eu", "bedrock-ap")) {
        assertEquals(bedrock, t.price(basis, key).orElseThrow(), basis + " " + key);
      }
      // Anthropic's list and AWS's global price agree; only the premium flag differs.
      assertEquals(bedrock.rates(), t.price("anthropic", key).orElseThrow().rates(), key);
    }
  }

  @Test
  void bundledOneHourWritesAreTwiceTheInputPrice() {
    // The rule used where AWS lists no 1-hour price; it holds for every listed price too.
    PriceTable t = PriceTable.bundled();
    for (String basis : t.costBases()) {
      for (String key : List.of("claude-haiku-4-5", "claude-sonnet-4", "claude-3-5-haiku")) {
        TokenRates r = t.price(basis, key).orElseThrow().rates();
        assertEquals(
            0,
            r.inputUsdPerMillion()
                .multiply(BigDecimal.valueOf(2))
                .compareTo(r.cacheWrite1hUsdPerMillion()),
            basis + " " + key);
      }
    }
  }

  @Test
  void aTableIsReadFromJsonWithCommentsTrailingCommasAndStringNumbers() {
    PriceTable t =
        PriceTable.parse(
            "// my prices\n{\"bases\": {\"mine\": {\"prices\": {\"m\": {"
                + "\"input\": \"0.1\", \"output\": 0.3, \"cache_write_5m\": 0,"
                + " \"cache_write_1h\": 0, \"cache_read\": 0.01, /* exact */ }}}}}");
    TokenRates r = t.price("mine", "m").orElseThrow().rates();
    assertEquals(new BigDecimal("0.1"), r.inputUsdPerMillion());
    assertEquals(new BigDecimal("0.3"), r.outputUsdPerMillion());
    assertEquals(new BigDecimal("0.01"), r.cacheReadUsdPerMillion());
  }

  @Test
  void ratesAreComparedIgnoringTrailingZeros() {
    TokenRates a = rates("1.10");
    TokenRates b = rates("1.1");
    assertEquals(a, b);
    assertEquals(new BigDecimal("1.1"), a.inputUsdPerMillion());
    assertEquals(new BigDecimal("10"), rates("10.00").inputUsdPerMillion());
  }

  @Test
  void aTableIsReadFromAFileAndFromAStreamItDoesNotClose(@TempDir Path dir) throws Exception {
    String json = "{\"bases\": {\"mine\": {\"prices\": {" + HAIKU + "}}}}";
    Path file = dir.resolve("prices.json");
    Files.writeString(file, json);
    assertTrue(PriceTable.read(file).price("mine", "claude-haiku-4-5").isPresent());

    boolean[] closed = {false};
    InputStream in =
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    assertTrue(PriceTable.read(in).price("mine", "claude-haiku-4-5").isPresent());
    assertFalse(closed[0]);
  }

  @Test
  void aMissingFileIsAPriceTableException(@TempDir Path dir) {
    assertThrows(PriceTableException.class, () -> PriceTable.read(dir.resolve("nope.json")));
  }

  @Test
  void badTablesAreRefusedNamingThePath() {
    assertRefused(
        "{\"bases\": {\"b\": {\"prices\": {\"m\": {\"input\": 1}}}}}", "$.bases.b.prices.m.output");
    assertRefused(
        "{\"bases\": {\"b\": {\"prices\": {\"m\": {\"input\": 1, \"outptu\": 1}}}}}",
        "$.bases.b.prices.m.outptu");
    assertRefused(
        "{\"bases\": {\"b\": {\"prices\": {\"m\": {\"input\": -1, \"output\": 1,"
            + " \"cache_write_5m\": 1, \"cache_write_1h\": 1, \"cache_read\": 1}}}}}",
        "negative");
    assertRefused(
        "{\"bases\": {\"b\": {\"prices\": {\"m\": {\"input\": \"cheap\", \"output\": 1,"
            + " \"cache_write_5m\": 1, \"cache_write_1h\": 1, \"cache_read\": 1}}}}}",
        "$.bases.b.prices.m.input");
    assertRefused("{\"format\": 2}", "format");
    assertRefused("[]", "object");
    assertRefused("{\"bases\": {\"a\": {}, \"a\": {}}}", "a");
    assertRefused(
        "{\"bases\": {\"a\": {\"extends\": \"b\"}, \"b\": {\"extends\": \"a\"}}}", "cycle");
    assertRefused("{\"geo_prefixes\": [\"us\"]}", "dot");
    assertRefused(
        "{\"models\": {\"a\": {\"bedrock_ids\": [\"x\"]}, \"b\": {\"anthropic_ids\": [\"x\"]}}}",
        "x");
    assertRefused("{", "JSON");
  }

  @Test
  void overridesReplaceEntriesAndReachBasesThatExtendTheOverriddenOne() {
    PriceTable over =
        PriceTable.parse(
            "{\"bases\": {\"bedrock\": {\"prices\": {\"claude-haiku-4-5\": {\"input\": 9,"
                + " \"output\": 9, \"cache_write_5m\": 9, \"cache_write_1h\": 9, \"cache_read\":"
                + " 9}}}}}");
    PriceTable t = PriceTable.bundled().withOverrides(over);
    assertEquals(
        new BigDecimal("9"),
        t.price("bedrock-us", "claude-haiku-4-5").orElseThrow().rates().inputUsdPerMillion());
    // replaced whole: the bundled geo_premium flag is not kept
    assertFalse(t.price("bedrock", "claude-haiku-4-5").orElseThrow().geoPremium());
    assertEquals(
        PriceTable.bundled().price("bedrock", "claude-sonnet-4-5"),
        t.price("bedrock", "claude-sonnet-4-5"));
    assertEquals(PriceTable.bundled().costBases(), t.costBases());
  }

  @Test
  void anOverrideOfARegionalBasisLeavesTheOthersAlone() {
    PriceTable t =
        PriceTable.bundled()
            .withOverrides(
                PriceTable.parse(
                    "{\"bases\": {\"bedrock-eu\": {\"prices\": {"
                        + HAIKU.replace("1.00", "7")
                        + "}}}}"));
    assertEquals(new BigDecimal("7"), input(t, "bedrock-eu", "claude-haiku-4-5"));
    assertEquals(new BigDecimal("1"), input(t, "bedrock-us", "claude-haiku-4-5"));
    assertEquals(new BigDecimal("1"), input(t, "bedrock", "claude-haiku-4-5"));
  }

  @Test
  void theBuilderAddsAModelWithItsIdsAndANewBasis() {
    PriceTable t =
        PriceTable.bundled()
            .newBuilder()
            .model("nova-pro", List.of("amazon.nova-pro"))
            .price("bedrock", "nova-pro", ModelPrice.builder().rates(rates("0.80")).build())
            .extend("bedrock-gov", "bedrock")
            .build();
    assertEquals(Optional.of("nova-pro"), t.modelKey("amazon.nova-pro"));
    assertTrue(t.price("bedrock-gov", "nova-pro").isPresent());
    assertTrue(t.price("bedrock-gov", "claude-haiku-4-5").isPresent());
    assertFalse(PriceTable.bundled().costBases().contains("bedrock-gov"));
  }

  @Test
  void anIdGivenToAnotherModelMovesToIt() {
    PriceTable t =
        PriceTable.bundled()
            .withOverrides(
                PriceTable.parse(
                    "{\"models\": {\"my-haiku\": {\"bedrock_ids\":"
                        + " [\"anthropic.claude-haiku-4-5-20251001\"]}}}"));
    assertEquals(Optional.of("my-haiku"), t.modelKey("anthropic.claude-haiku-4-5-20251001"));
    assertEquals(Optional.of("claude-haiku-4-5"), t.modelKey("claude-haiku-4-5-20251001"));
    assertEquals(Optional.of("claude-haiku-4-5"), t.modelKey("claude-haiku-4-5"));
  }

  @Test
  void aParentTheTableLacksEndsTheLookup() {
    PriceTable t = PriceTable.parse("{\"bases\": {\"x\": {\"extends\": \"nowhere\"}}}");
    assertTrue(t.price("x", "claude-haiku-4-5").isEmpty());
  }

  private static BigDecimal input(PriceTable t, String basis, String key) {
    return t.price(basis, key).orElseThrow().rates().inputUsdPerMillion();
  }

  private static TokenRates rates(String usd) {
    BigDecimal d = new BigDecimal(usd);
    return TokenRates.builder()
        .inputUsdPerMillion(d)
        .outputUsdPerMillion(d)
        .cacheWrite5mUsdPerMillion(d)
        .cacheWrite1hUsdPerMillion(d)
        .cacheReadUsdPerMillion(d)
        .build();
  }

  private static void assertRefused(String json, String messagePart) {
    PriceTableException e = assertThrows(PriceTableException.class, () -> PriceTable.parse(json));
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }
}
