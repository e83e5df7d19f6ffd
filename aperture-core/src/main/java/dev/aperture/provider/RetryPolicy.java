package dev.aperture.provider;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.immutables.value.Value;

/**
 * How a provider retries a failed call: at most {@link #maxRetries()} more attempts, waiting a
 * capped exponential backoff with full jitter between them. Only retryable failures are retried,
 * and never once any byte of a stream has reached the caller.
 */
@Value.Immutable
public abstract class RetryPolicy {
  /** Two retries, 200 ms initial backoff, doubling, capped at 5 s, full jitter. */
  public static final RetryPolicy DEFAULT = builder().build();

  /** No retries. */
  public static final RetryPolicy NONE = builder().maxRetries(0).build();

  @Value.Default
  public int maxRetries() {
    return 2;
  }

  @Value.Default
  public Duration initialBackoff() {
    return Duration.ofMillis(200);
  }

  @Value.Default
  public Duration maxBackoff() {
    return Duration.ofSeconds(5);
  }

  /** Whether to wait a random time between zero and the backoff (full jitter). */
  @Value.Default
  public boolean jitter() {
    return true;
  }

  @Value.Check
  protected void check() {
    if (maxRetries() < 0) {
      throw new IllegalStateException("maxRetries must be >= 0, not " + maxRetries());
    }
    if (initialBackoff().isNegative() || maxBackoff().isNegative()) {
      throw new IllegalStateException("backoff durations must not be negative");
    }
  }

  /**
   * The wait before retry number {@code retry} (1 for the first retry), in milliseconds: initial ×
   * 2^(retry−1), capped, then jittered.
   */
  public long backoffMillis(int retry) {
    long base = initialBackoff().toMillis();
    long cap = maxBackoff().toMillis();
    long exp = retry <= 1 ? base : base << Math.min(retry - 1, 30);
    long capped = exp < 0 ? cap : Math.min(exp, cap);
    if (!jitter() || capped == 0) {
      return capped;
    }
    return ThreadLocalRandom.current().nextLong(capped + 1);
  }

  public static ImmutableRetryPolicy.Builder builder() {
    return ImmutableRetryPolicy.builder();
  }
}
