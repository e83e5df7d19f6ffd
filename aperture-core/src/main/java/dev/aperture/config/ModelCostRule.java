package dev.aperture.config;

import dev.aperture.internal.Glob;
import org.immutables.value.Value;

/**
 * One {@code model_cost_map} rule: models matching {@link #match()} are priced as the known model
 * {@link #as()}, with the price multiplied by {@link #adjustment()}. In {@code match}, {@code *} is
 * any run of characters except {@code /} and {@code ?} is one character.
 */
@Value.Immutable
public abstract class ModelCostRule {
  public abstract String match();

  public abstract String as();

  @Value.Default
  public double adjustment() {
    return 1.0;
  }

  @Value.Check
  protected void check() {
    if (!(adjustment() >= 0) || Double.isInfinite(adjustment())) {
      throw new IllegalStateException(
          "adjustment must be a finite number >= 0, not " + adjustment());
    }
  }

  /** Whether {@code model} matches this rule's glob. */
  public boolean matches(String model) {
    return Glob.compileSingleSegment(match()).matcher(model).matches();
  }

  public static ImmutableModelCostRule.Builder builder() {
    return ImmutableModelCostRule.builder();
  }
}
