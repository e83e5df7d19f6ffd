package dev.aperture.cost;

import java.math.BigDecimal;
import org.immutables.value.Value;

/**
 * The five per-token rates of one price tier, in USD per million tokens, exact. Each input counter
 * of {@link dev.aperture.chat.Usage} has its own rate; reasoning tokens are part of the output and
 * have none of their own.
 *
 * <p>Rates are never negative. Trailing zeros are dropped, so {@code 1.10} and {@code 1.1} are the
 * same rate.
 */
@Value.Immutable
public abstract class TokenRates {
  /** Input that was neither read from nor written to the prompt cache. */
  public abstract BigDecimal inputUsdPerMillion();

  public abstract BigDecimal outputUsdPerMillion();

  /** Input written to the cache with the 5-minute lifetime. */
  public abstract BigDecimal cacheWrite5mUsdPerMillion();

  /** Input written to the cache with the 1-hour lifetime. */
  public abstract BigDecimal cacheWrite1hUsdPerMillion();

  /** Input read from the cache. */
  public abstract BigDecimal cacheReadUsdPerMillion();

  @Value.Check
  protected TokenRates normalize() {
    BigDecimal[] rates = {
      inputUsdPerMillion(),
      outputUsdPerMillion(),
      cacheWrite5mUsdPerMillion(),
      cacheWrite1hUsdPerMillion(),
      cacheReadUsdPerMillion()
    };
    boolean changed = false;
    for (int i = 0; i < rates.length; i++) {
      if (rates[i].signum() < 0) {
        throw new IllegalStateException("a rate cannot be negative: " + rates[i].toPlainString());
      }
      BigDecimal n = canonical(rates[i]);
      changed |= !n.equals(rates[i]);
      rates[i] = n;
    }
    if (!changed) {
      return this;
    }
    return ImmutableTokenRates.builder()
        .inputUsdPerMillion(rates[0])
        .outputUsdPerMillion(rates[1])
        .cacheWrite5mUsdPerMillion(rates[2])
        .cacheWrite1hUsdPerMillion(rates[3])
        .cacheReadUsdPerMillion(rates[4])
        .build();
  }

  /** {@code d} without trailing zeros, never in exponent form: one spelling per value. */
  static BigDecimal canonical(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }

  public static ImmutableTokenRates.Builder builder() {
    return ImmutableTokenRates.builder();
  }
}
