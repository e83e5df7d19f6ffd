package dev.aperture.cost;

import org.immutables.value.Value;

/**
 * A model's long-context tier: when a call's total input ({@link
 * dev.aperture.chat.Usage#totalInputTokens()}, cache reads and writes included) is above {@link
 * #aboveInputTokens()}, every counter of the call is priced at {@link #rates()}.
 */
@Value.Immutable
public abstract class LongContextTier {
  /** The threshold: a call with exactly this many input tokens is still priced normally. */
  public abstract long aboveInputTokens();

  public abstract TokenRates rates();

  @Value.Check
  protected void check() {
    if (aboveInputTokens() < 0) {
      throw new IllegalStateException("aboveInputTokens cannot be negative: " + aboveInputTokens());
    }
  }

  public static ImmutableLongContextTier.Builder builder() {
    return ImmutableLongContextTier.builder();
  }
}
