package dev.aperture.cost;

import dev.aperture.chat.Usage;

/**
 * Prices a call's usage. Implementations must be thread-safe, fast, and never throw for an unknown
 * model or basis: they answer {@link CostResult.Unpriced} with a reason instead.
 *
 * <p>The router applies a provider's {@code model_cost_map} before asking: {@code model} is then
 * the mapped model, and the router multiplies by the rule's adjustment. {@link ModelCostMap} is
 * that step as a decorator; {@link DefaultCostCalculator} prices from a {@link PriceTable}.
 */
@FunctionalInterface
public interface CostCalculator {
  /**
   * The cost of {@code usage} for {@code model} (the upstream model id, e.g. {@code
   * us.anthropic.claude-haiku-4-5-20251001-v1:0}) under the price list {@code costBasis} (e.g.
   * {@code bedrock-us}).
   */
  CostResult cost(String costBasis, String model, Usage usage);
}
