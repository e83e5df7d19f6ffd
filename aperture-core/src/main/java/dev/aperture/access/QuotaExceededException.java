package dev.aperture.access;

import dev.aperture.ApertureException;
import java.time.Duration;
import java.util.Objects;

/**
 * A quota bucket the call is charged to is not positive. HTTP 429; gateways send {@link
 * #retryAfter()} as {@code Retry-After} in the caller's native error shape.
 */
public class QuotaExceededException extends ApertureException {
  private static final long serialVersionUID = 1L;

  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  private final String bucket;
  private final Duration retryAfter;

  /**
   * @param bucket the resolved name of the refused bucket that takes longest to refill
   * @param retryAfter how long until that bucket is positive again; raised to one second if shorter
   */
  public QuotaExceededException(String bucket, Duration retryAfter) {
    super(
        "quota exceeded: bucket "
            + bucket
            + " is exhausted; retry after "
            + ceilSeconds(atLeastOneSecond(retryAfter))
            + "s");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.retryAfter = atLeastOneSecond(retryAfter);
  }

  private static Duration atLeastOneSecond(Duration d) {
    Objects.requireNonNull(d, "retryAfter");
    return d.compareTo(ONE_SECOND) < 0 ? ONE_SECOND : d;
  }

  private static long ceilSeconds(Duration d) {
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }

  /** The resolved name of the refused bucket that takes longest to become positive. */
  public String bucket() {
    return bucket;
  }

  /** Time until every refused bucket is positive again; at least one second. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** {@link #retryAfter()} rounded up to whole seconds, as {@code Retry-After} wants it. */
  public long retryAfterSeconds() {
    return ceilSeconds(retryAfter);
  }

  @Override
  public boolean retryable() {
    return true;
  }

  @Override
  public int httpStatus() {
    return 429;
  }
}
