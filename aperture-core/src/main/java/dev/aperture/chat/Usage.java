package dev.aperture.chat;

import org.immutables.value.Value;

/**
 * Token counts of one call, each counter separate. {@link #inputTokens()} is the input that was
 * neither read from nor written to the prompt cache; the total input is the sum of the three.
 */
@Value.Immutable(prehash = true)
// The project's style (see ValueStyle), and: every default here is a constant, so the generated
// constructor need not guard their order with an initialisation object per instance.
@Value.Style(
    jdkOnly = true,
    depluralize = true,
    visibility = Value.Style.ImplementationVisibility.PUBLIC,
    defaults = @Value.Immutable(copy = true),
    clearBuilder = true,
    unsafeDefaultAndDerived = true)
public abstract class Usage {
  /** A call that used no tokens. */
  public static final Usage ZERO = builder().build();

  /** Input tokens not read from or written to the cache. */
  @Value.Default
  public long inputTokens() {
    return 0;
  }

  @Value.Default
  public long cacheReadTokens() {
    return 0;
  }

  /** Input tokens written to the cache with the 5-minute lifetime. */
  @Value.Default
  public long cacheWrite5mTokens() {
    return 0;
  }

  /** Input tokens written to the cache with the 1-hour lifetime. */
  @Value.Default
  public long cacheWrite1hTokens() {
    return 0;
  }

  @Value.Default
  public long outputTokens() {
    return 0;
  }

  /** Output tokens spent on reasoning, when the provider reports them (included in output). */
  @Value.Default
  public long reasoningTokens() {
    return 0;
  }

  /** All cache-write tokens, both lifetimes. */
  public long cacheWriteTokens() {
    return cacheWrite5mTokens() + cacheWrite1hTokens();
  }

  /** Every input token: non-cached + cache read + cache write. */
  public long totalInputTokens() {
    return inputTokens() + cacheReadTokens() + cacheWriteTokens();
  }

  public long totalTokens() {
    return totalInputTokens() + outputTokens();
  }

  @Value.Check
  protected void check() {
    if (inputTokens() < 0
        || cacheReadTokens() < 0
        || cacheWrite5mTokens() < 0
        || cacheWrite1hTokens() < 0
        || outputTokens() < 0
        || reasoningTokens() < 0) {
      throw new IllegalStateException("token counts cannot be negative: " + this);
    }
  }

  public static Usage of(long inputTokens, long outputTokens) {
    return builder().inputTokens(inputTokens).outputTokens(outputTokens).build();
  }

  public static ImmutableUsage.Builder builder() {
    return ImmutableUsage.builder();
  }
}
