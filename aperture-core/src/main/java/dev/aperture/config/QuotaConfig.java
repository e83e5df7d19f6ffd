package dev.aperture.config;

import org.immutables.value.Value;

/**
 * One entry of {@code quotas}: a token bucket of dollars that holds at most {@link
 * #capacityNanos()} and refills by {@link #refillNanos()} every {@link #periodMillis()}.
 */
@Value.Immutable
public abstract class QuotaConfig {
  /** The bucket's name as written, possibly containing {@code <user>}. */
  public abstract String name();

  /** Capacity in nanodollars (USD × 10⁹). */
  public abstract long capacityNanos();

  /** Nanodollars added per {@link #periodMillis()}. */
  public abstract long refillNanos();

  /** The refill period: one minute, hour, day, week or month (30 days), in milliseconds. */
  public abstract long periodMillis();

  /** What happens when the bucket is empty; only {@code reject} is defined. */
  @Value.Default
  public String onExceed() {
    return "reject";
  }

  public static ImmutableQuotaConfig.Builder builder() {
    return ImmutableQuotaConfig.builder();
  }
}
