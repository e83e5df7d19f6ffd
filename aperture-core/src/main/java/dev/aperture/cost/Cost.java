package dev.aperture.cost;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The estimated cost of one call in integer nanodollars (USD × 10⁹), never negative, with the price
 * basis used (e.g. {@code bedrock-us/claude-haiku-4-5}).
 */
public record Cost(long nanos, String basis) {
  private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);

  public Cost {
    if (nanos < 0) {
      throw new IllegalArgumentException("a cost cannot be negative: " + nanos);
    }
    Objects.requireNonNull(basis, "basis");
  }

  /** The cost in US dollars, exact, with trailing zeros removed (never in exponent form). */
  public BigDecimal usd() {
    BigDecimal d = BigDecimal.valueOf(nanos).divide(NANOS_PER_USD).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }

  /** Adds another cost with the same basis. */
  public Cost plus(Cost other) {
    return new Cost(Math.addExact(nanos, other.nanos), basis);
  }

  @Override
  public String toString() {
    return "$" + usd().toPlainString() + " (" + basis + ")";
  }
}
