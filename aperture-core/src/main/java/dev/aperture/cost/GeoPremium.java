package dev.aperture.cost;

import java.math.BigDecimal;
import java.util.List;
import org.immutables.value.Value;

/**
 * A cost basis's regional surcharge: models whose {@link ModelPrice#geoPremium()} is set cost
 * {@link #multiplier()} times their price on every line when the model id starts with one of {@link
 * #prefixes()} (e.g. {@code us.}), or has no geographic prefix and {@link #inRegion()} is true.
 * Other prefixes (Bedrock's {@code global.}) pay the list price.
 */
@Value.Immutable
public abstract class GeoPremium {
  public abstract BigDecimal multiplier();

  /** The id prefixes that pay the premium, each with its trailing dot ({@code us.}). */
  public abstract List<String> prefixes();

  /** Whether an id without a geographic prefix (an in-region call) pays the premium. */
  @Value.Default
  public boolean inRegion() {
    return false;
  }

  /** Whether a call whose id carried {@code geoPrefix} ({@code ""} for none) pays the premium. */
  public boolean appliesTo(String geoPrefix) {
    return geoPrefix.isEmpty() ? inRegion() : prefixes().contains(geoPrefix);
  }

  @Value.Check
  protected GeoPremium normalize() {
    if (multiplier().signum() < 0) {
      throw new IllegalStateException(
          "a multiplier cannot be negative: " + multiplier().toPlainString());
    }
    for (String prefix : prefixes()) {
      if (!prefix.endsWith(".") || prefix.length() < 2) {
        throw new IllegalStateException("a geographic prefix ends with a dot, like us.: " + prefix);
      }
    }
    BigDecimal n = TokenRates.canonical(multiplier());
    return n.equals(multiplier()) ? this : ImmutableGeoPremium.copyOf(this).withMultiplier(n);
  }

  public static ImmutableGeoPremium.Builder builder() {
    return ImmutableGeoPremium.builder();
  }
}
