package dev.aperture.cost;

import java.util.Optional;
import org.immutables.value.Value;

/**
 * One model's price under one cost basis: its standard {@link #rates()}, an optional {@link
 * #longContext()} tier, and whether the basis's geographic premium ({@link GeoPremium}) applies to
 * it.
 */
@Value.Immutable
public abstract class ModelPrice {
  public abstract TokenRates rates();

  public abstract Optional<LongContextTier> longContext();

  /**
   * Whether regional calls of this model pay the basis's {@link GeoPremium} (Claude 4.5 onward on
   * Bedrock). False by default.
   */
  @Value.Default
  public boolean geoPremium() {
    return false;
  }

  /** The rates for a call with {@code totalInputTokens} input tokens (cache included). */
  public TokenRates ratesFor(long totalInputTokens) {
    Optional<LongContextTier> tier = longContext();
    if (tier.isPresent() && totalInputTokens > tier.get().aboveInputTokens()) {
      return tier.get().rates();
    }
    return rates();
  }

  public static ImmutableModelPrice.Builder builder() {
    return ImmutableModelPrice.builder();
  }
}
