package dev.aperture.cost;

import java.util.Objects;
import java.util.Optional;

/** A cost calculation's answer: a price, or the reason there is none. Never a guess. */
public sealed interface CostResult permits CostResult.Priced, CostResult.Unpriced {

  /** The cost, when the model had a price. */
  Optional<Cost> cost();

  static CostResult priced(Cost cost) {
    return new Priced(cost);
  }

  static CostResult unpriced(String reason) {
    return new Unpriced(reason);
  }

  /** The model had a price. */
  record Priced(Cost value) implements CostResult {
    public Priced {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Optional<Cost> cost() {
      return Optional.of(value);
    }
  }

  /** No price could be found: {@code reason} says why (unknown model, no cost basis, …). */
  record Unpriced(String reason) implements CostResult {
    public Unpriced {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public Optional<Cost> cost() {
      return Optional.empty();
    }
  }
}
