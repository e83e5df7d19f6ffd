package dev.aperture.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aperture.chat.ImmutableUsage;
import dev.aperture.chat.Usage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bundled price, checked against numbers written out by hand here (from the price lists), not
 * read back from {@code prices.json}: each model × each counter × each Bedrock basis × each
 * geographic prefix, plus the Anthropic basis and the long-context tiers.
 */
class BundledPricesTest {
  private static final DefaultCostCalculator CALCULATOR = DefaultCostCalculator.create();

  /**
   * Model key, Bedrock id as sent (without geo prefix), Anthropic name, counter, list price (USD
   * per million tokens, global. and Anthropic), regional price (geo prefixes other than global.,
   * and in-region: +10% for Claude 4.5 onward, unchanged before).
   */
  private static final String[][] PRICES = {
    {
      "claude-haiku-4-5",
      "anthropic.claude-haiku-4-5-20251001-v1:0",
      "claude-haiku-4-5-20251001",
      "input",
      "1.00",
      "1.10"
    },
    {
      "claude-haiku-4-5",
      "anthropic.claude-haiku-4-5-20251001-v1:0",
      "claude-haiku-4-5-20251001",
      "output",
      "5.00",
      "5.50"
    },
    {
      "claude-haiku-4-5",
      "anthropic.claude-haiku-4-5-20251001-v1:0",
      "claude-haiku-4-5-20251001",
      "cache_write_5m",
      "1.25",
      "1.375"
    },
    {
      "claude-haiku-4-5",
      "anthropic.claude-haiku-4-5-20251001-v1:0",
      "claude-haiku-4-5-20251001",
      "cache_write_1h",
      "2.00",
      "2.20"
    },
    {
      "claude-haiku-4-5",
      "anthropic.claude-haiku-4-5-20251001-v1:0",
      "claude-haiku-4-5-20251001",
      "cache_read",
      "0.10",
      "0.11"
    },
    {
      "claude-sonnet-4-5",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5-20250929",
      "input",
      "3.00",
      "3.30"
    },
    {
      "claude-sonnet-4-5",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5-20250929",
      "output",
      "15.00",
      "16.50"
    },
    {
      "claude-sonnet-4-5",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5-20250929",
      "cache_write_5m",
      "3.75",
      "4.125"
    },
    {
      "claude-sonnet-4-5",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5-20250929",
      "cache_write_1h",
      "6.00",
      "6.60"
    },
    {
      "claude-sonnet-4-5",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5-20250929",
      "cache_read",
      "0.30",
      "0.33"
    },
    {
      "claude-opus-4-5",
      "anthropic.claude-opus-4-5-20251101-v1:0",
      "claude-opus-4-5-20251101",
      "input",
      "5.00",
      "5.50"
    },
    {
      "claude-opus-4-5",
      "anthropic.claude-opus-4-5-20251101-v1:0",
      "claude-opus-4-5-20251101",
      "output",
      "25.00",
      "27.50"
    },
    {
      "claude-opus-4-5",
      "anthropic.claude-opus-4-5-20251101-v1:0",
      "claude-opus-4-5-20251101",
      "cache_write_5m",
      "6.25",
      "6.875"
    },
    {
      "claude-opus-4-5",
      "anthropic.claude-opus-4-5-20251101-v1:0",
      "claude-opus-4-5-20251101",
      "cache_write_1h",
      "10.00",
      "11.00"
    },
    {
      "claude-opus-4-5",
      "anthropic.claude-opus-4-5-20251101-v1:0",
      "claude-opus-4-5-20251101",
      "cache_read",
      "0.50",
      "0.55"
    },
    {"claude-opus-4-6", "anthropic.claude-opus-4-6-v1", "claude-opus-4-6", "input", "5.00", "5.50"},
    {
      "claude-opus-4-6",
      "anthropic.claude-opus-4-6-v1",
      "claude-opus-4-6",
      "output",
      "25.00",
      "27.50"
    },
    {
      "claude-opus-4-6",
      "anthropic.claude-opus-4-6-v1",
      "claude-opus-4-6",
      "cache_write_5m",
      "6.25",
      "6.875"
    },
    {
      "claude-opus-4-6",
      "anthropic.claude-opus-4-6-v1",
      "claude-opus-4-6",
      "cache_write_1h",
      "10.00",
      "11.00"
    },
    {
      "claude-opus-4-6",
      "anthropic.claude-opus-4-6-v1",
      "claude-opus-4-6",
      "cache_read",
      "0.50",
      "0.55"
    },
    {
      "claude-sonnet-4",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "claude-sonnet-4-20250514",
      "input",
      "3.00",
      "3.00"
    },
    {
      "claude-sonnet-4",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "claude-sonnet-4-20250514",
      "output",
      "15.00",
      "15.00"
    },
    {
      "claude-sonnet-4",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "claude-sonnet-4-20250514",
      "cache_write_5m",
      "3.75",
      "3.75"
    },
    {
      "claude-sonnet-4",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "claude-sonnet-4-20250514",
      "cache_write_1h",
      "6.00",
      "6.00"
    },
    {
      "claude-sonnet-4",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "claude-sonnet-4-20250514",
      "cache_read",
      "0.30",
      "0.30"
    },
    {
      "claude-3-7-sonnet",
      "anthropic.claude-3-7-sonnet-20250219-v1:0",
      "claude-3-7-sonnet-20250219",
      "input",
      "3.00",
      "3.00"
    },
    {
      "claude-3-7-sonnet",
      "anthropic.claude-3-7-sonnet-20250219-v1:0",
      "claude-3-7-sonnet-20250219",
      "output",
      "15.00",
      "15.00"
    },
    {
      "claude-3-7-sonnet",
      "anthropic.claude-3-7-sonnet-20250219-v1:0",
      "claude-3-7-sonnet-20250219",
      "cache_write_5m",
      "3.75",
      "3.75"
    },
    {
      "claude-3-7-sonnet",
      "anthropic.claude-3-7-sonnet-20250219-v1:0",
      "claude-3-7-sonnet-20250219",
      "cache_write_1h",
      "6.00",
      "6.00"
    },
    {
      "claude-3-7-sonnet",
      "anthropic.claude-3-7-sonnet-20250219-v1:0",
      "claude-3-7-sonnet-20250219",
      "cache_read",
      "0.30",
      "0.30"
    },
    {
      "claude-3-5-haiku",
      "anthropic.claude-3-5-haiku-20241022-v1:0",
      "claude-3-5-haiku-20241022",
      "input",
      "0.80",
      "0.80"
    },
    {
      "claude-3-5-haiku",
      "anthropic.claude-3-5-haiku-20241022-v1:0",
      "claude-3-5-haiku-20241022",
      "output",
      "4.00",
      "4.00"
    },
    {
      "claude-3-5-haiku",
      "anthropic.claude-3-5-haiku-20241022-v1:0",
      "claude-3-5-haiku-20241022",
      "cache_write_5m",
      "1.00",
      "1.00"
    },
    {
      "claude-3-5-haiku",
      "anthropic.claude-3-5-haiku-20241022-v1:0",
      "claude-3-5-haiku-20241022",
      "cache_write_1h",
      "1.60",
      "1.60"
    },
    {
      "claude-3-5-haiku",
      "anthropic.claude-3-5-haiku-20241022-v1:0",
      "claude-3-5-haiku-20241022",
      "cache_read",
      "0.08",
      "0.08"
    },
  };

  /**
   * Long-context rates (total input above 200,000 tokens): model key, Bedrock id, Anthropic name,
   * what the call used (1,000,000 tokens of the counter; for "output", 1,000,000 output tokens plus
   * 1,000,000 cache-read tokens to cross the threshold), expected USD at list, expected USD
   * regional.
   */
  private static final String[][] LONG_CONTEXT = {
    {
      "claude-sonnet-4-5",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5",
      "input",
      "6.00",
      "6.60"
    },
    {
      "claude-sonnet-4-5",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5",
      "output",
      "23.10",
      "25.41"
    }, // 22.50 + 0.60; 24.75 + 0.66
    {
      "claude-sonnet-4-5",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5",
      "cache_write_5m",
      "7.50",
      "8.25"
    },
    {
      "claude-sonnet-4-5",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5",
      "cache_write_1h",
      "12.00",
      "13.20"
    },
    {
      "claude-sonnet-4-5",
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5",
      "cache_read",
      "0.60",
      "0.66"
    },
    {
      "claude-sonnet-4",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "claude-sonnet-4-0",
      "input",
      "6.00",
      "6.00"
    },
    {
      "claude-sonnet-4",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "claude-sonnet-4-0",
      "output",
      "23.10",
      "23.10"
    },
    {
      "claude-sonnet-4",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "claude-sonnet-4-0",
      "cache_write_5m",
      "7.50",
      "7.50"
    },
    {
      "claude-sonnet-4",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "claude-sonnet-4-0",
      "cache_write_1h",
      "12.00",
      "12.00"
    },
    {
      "claude-sonnet-4",
      "anthropic.claude-sonnet-4-20250514-v1:0",
      "claude-sonnet-4-0",
      "cache_read",
      "0.60",
      "0.60"
    },
    {
      "claude-opus-4-6",
      "anthropic.claude-opus-4-6-v1",
      "claude-opus-4-6",
      "input",
      "10.00",
      "11.00"
    },
    {
      "claude-opus-4-6",
      "anthropic.claude-opus-4-6-v1",
      "claude-opus-4-6",
      "output",
      "38.50",
      "42.35"
    }, // 37.50 + 1.00; 41.25 + 1.10
    {
      "claude-opus-4-6",
      "anthropic.claude-opus-4-6-v1",
      "claude-opus-4-6",
      "cache_write_5m",
      "12.50",
      "13.75"
    },
    {
      "claude-opus-4-6",
      "anthropic.claude-opus-4-6-v1",
      "claude-opus-4-6",
      "cache_write_1h",
      "20.00",
      "22.00"
    },
    {
      "claude-opus-4-6",
      "anthropic.claude-opus-4-6-v1",
      "claude-opus-4-6",
      "cache_read",
      "1.00",
      "1.10"
    },
  };

  private static final List<String> BEDROCK_BASES =
      List.of("bedrock", "bedrock-us", "bedrock-eu", "bedrock-ap");
  private static final List<String> REGIONAL_PREFIXES =
      List.of("us.", "eu.", "apac.", "jp.", "au.", "ca.", "us-gov.", "");

  /** 100,000 tokens of one counter: below every long-context threshold, a tenth of the price. */
  private static final long TOKENS = 100_000;

  static Stream<Arguments> bedrockPrices() {
    List<Arguments> out = new ArrayList<>();
    for (String[] row : PRICES) {
      for (String basis : BEDROCK_BASES) {
        out.add(Arguments.of(basis, "global." + row[1], row[3], row[4], row[0]));
        for (String prefix : REGIONAL_PREFIXES) {
          out.add(Arguments.of(basis, prefix + row[1], row[3], row[5], row[0]));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} = ${3}/M")
  @MethodSource("bedrockPrices")
  void everyBedrockPriceHasItsListedValue(
      String basis, String model, String counter, String usdPerMillion, String key) {
    Cost cost = priced(basis, model, usage(counter, TOKENS));
    assertEquals(
        0, new BigDecimal(usdPerMillion).movePointLeft(1).compareTo(cost.usd()), cost::toString);
    assertEquals(basis + "/" + key, cost.basis());
  }

  static Stream<Arguments> anthropicPrices() {
    List<Arguments> out = new ArrayList<>();
    for (String[] row : PRICES) {
      out.add(Arguments.of(row[2], row[3], row[4], row[0]));
      out.add(Arguments.of(row[0], row[3], row[4], row[0]));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "anthropic {0} {1} = ${2}/M")
  @MethodSource("anthropicPrices")
  void everyAnthropicPriceHasItsListValue(
      String model, String counter, String usdPerMillion, String key) {
    Cost cost = priced("anthropic", model, usage(counter, TOKENS));
    assertEquals(
        0, new BigDecimal(usdPerMillion).movePointLeft(1).compareTo(cost.usd()), cost::toString);
    assertEquals("anthropic/" + key, cost.basis());
  }

  static Stream<Arguments> longContextPrices() {
    List<Arguments> out = new ArrayList<>();
    for (String[] row : LONG_CONTEXT) {
      out.add(Arguments.of("anthropic", row[2], row[3], row[4]));
      for (String basis : BEDROCK_BASES) {
        out.add(Arguments.of(basis, "global." + row[1], row[3], row[4]));
        for (String prefix : REGIONAL_PREFIXES) {
          out.add(Arguments.of(basis, prefix + row[1], row[3], row[5]));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "long context {0} {1} {2} = ${3}")
  @MethodSource("longContextPrices")
  void everyLongContextPriceHasItsListedValue(
      String basis, String model, String counter, String usd) {
    Usage usage =
        counter.equals("output")
            ? Usage.builder().outputTokens(1_000_000).cacheReadTokens(1_000_000).build()
            : usage(counter, 1_000_000);
    Cost cost = priced(basis, model, usage);
    assertEquals(0, new BigDecimal(usd).compareTo(cost.usd()), cost::toString);
  }

  private static Cost priced(String basis, String model, Usage usage) {
    CostResult r = CALCULATOR.cost(basis, model, usage);
    return r.cost().orElseThrow(() -> new AssertionError(basis + " " + model + ": " + r));
  }

  private static Usage usage(String counter, long tokens) {
    BiFunction<ImmutableUsage.Builder, Long, ImmutableUsage.Builder> set;
    switch (counter) {
      case "input":
        set = ImmutableUsage.Builder::inputTokens;
        break;
      case "output":
        set = ImmutableUsage.Builder::outputTokens;
        break;
      case "cache_write_5m":
        set = ImmutableUsage.Builder::cacheWrite5mTokens;
        break;
      case "cache_write_1h":
        set = ImmutableUsage.Builder::cacheWrite1hTokens;
        break;
      case "cache_read":
        set = ImmutableUsage.Builder::cacheReadTokens;
        break;
      default:
        throw new IllegalArgumentException(counter);
    }
    return set.apply(Usage.builder(), tokens).build();
  }
}
