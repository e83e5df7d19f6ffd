package dev.aperture.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DollarAmountsTest {
  @Test
  void amountsBecomeExactNanodollars() {
    assertEquals(OptionalLong.of(10_000_000_000L), DollarAmounts.parseNanos("$10.00"));
    assertEquals(OptionalLong.of(1L), DollarAmounts.parseNanos("$0.000000001"));
    assertEquals(OptionalLong.of(0L), DollarAmounts.parseNanos("$0"));
    // 0.1 has no exact double; the result must still be exact.
    assertEquals(OptionalLong.of(300_000_000L), DollarAmounts.parseNanos("$0.3"));
    assertEquals(
        OptionalLong.of(9_223_372_036_854_775_807L),
        DollarAmounts.parseNanos("$9223372036.854775807"));
  }

  @Test
  void amountsThatAreMalformedOrTooLargeAreRejected() {
    assertTrue(DollarAmounts.parseNanos("$9223372036.854775808").isEmpty());
    assertTrue(DollarAmounts.parseNanos("10").isEmpty());
    assertTrue(DollarAmounts.parseNanos("$.5").isEmpty());
    assertTrue(DollarAmounts.parseNanos("$1.").isEmpty());
    assertTrue(DollarAmounts.parseNanos("$1,000").isEmpty());
  }

  @Test
  void ratesHaveAnAmountAndAPeriod() {
    assertEquals(
        Optional.of(new DollarAmounts.Rate(2_500_000_000L, 3_600_000L)),
        DollarAmounts.parseRate("$2.5/hour"));
    assertEquals(
        Optional.of(new DollarAmounts.Rate(1_000_000_000L, 2_592_000_000L)),
        DollarAmounts.parseRate("$1/month"));
    assertTrue(DollarAmounts.parseRate("$1/year").isEmpty());
    assertTrue(DollarAmounts.parseRate("$1").isEmpty());
  }
}
