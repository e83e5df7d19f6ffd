package dev.aperture.cost;

import dev.aperture.chat.Usage;
import dev.aperture.config.ModelCostRule;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider's {@code model_cost_map}: rules that price models the price table does not know (an
 * application inference profile, a fine-tune, a private name) as a known model, times an
 * adjustment. The first rule whose glob matches wins. Immutable and thread-safe.
 */
public final class ModelCostMap {
  private static final ModelCostMap EMPTY = new ModelCostMap(List.of());

  private final List<ModelCostRule> rules;

  private ModelCostMap(List<ModelCostRule> rules) {
    this.rules = rules;
  }

  /** The map of {@code rules}, in order. */
  public static ModelCostMap of(List<ModelCostRule> rules) {
    return rules.isEmpty() ? EMPTY : new ModelCostMap(List.copyOf(rules));
  }

  /** {@code base}, with {@code rules} applied first; {@code base} itself when there are none. */
  public static CostCalculator withRules(CostCalculator base, List<ModelCostRule> rules) {
    return of(rules).applyTo(base);
  }

  public List<ModelCostRule> rules() {
    return rules;
  }

  /** The first rule whose {@code match} glob matches {@code model}, if any. */
  public Optional<ModelCostRule> ruleFor(String model) {
    for (ModelCostRule rule : rules) {
      if (rule.matches(model)) {
        return Optional.of(rule);
      }
    }
    return Optional.empty();
  }

  /**
   * A calculator that prices a model matching a rule as the rule's {@code as} model under the same
   * basis, multiplied by the rule's adjustment (rounded half up to whole nanodollars); the cost's
   * basis then reads e.g. {@code bedrock-us/claude-sonnet-4-5 (as mapped from my-model x1.2)}.
   * Models no rule matches go to {@code base} unchanged.
   */
  public CostCalculator applyTo(CostCalculator base) {
    Objects.requireNonNull(base, "base");
    if (rules.isEmpty()) {
      return base;
    }
    return (costBasis, model, usage) -> cost(base, costBasis, model, usage);
  }

  private CostResult cost(CostCalculator base, String costBasis, String model, Usage usage) {
    Optional<ModelCostRule> found = model == null ? Optional.empty() : ruleFor(model);
    if (found.isEmpty()) {
      return base.cost(costBasis, model, usage);
    }
    ModelCostRule rule = found.get();
    CostResult mapped = base.cost(costBasis, rule.as(), usage);
    Optional<Cost> cost = mapped.cost();
    if (cost.isEmpty()) {
      return CostResult.unpriced(
          "model_cost_map prices '"
              + model
              + "' as '"
              + rule.as()
              + "', which has no price: "
              + ((CostResult.Unpriced) mapped).reason());
    }
    BigDecimal adjustment = TokenRates.canonical(BigDecimal.valueOf(rule.adjustment()));
    long nanos =
        BigDecimal.valueOf(cost.get().nanos())
            .multiply(adjustment)
            .setScale(0, RoundingMode.HALF_UP)
            .longValueExact();
    return CostResult.priced(
        new Cost(
            nanos,
            cost.get().basis()
                + " (as mapped from "
                + model
                + " x"
                + adjustment.toPlainString()
                + ")"));
  }

  @Override
  public String toString() {
    return "ModelCostMap" + rules;
  }
}
