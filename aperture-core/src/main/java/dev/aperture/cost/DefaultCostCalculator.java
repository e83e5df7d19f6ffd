package dev.aperture.cost;

import dev.aperture.chat.Usage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prices usage from a {@link PriceTable} (by default the {@linkplain PriceTable#bundled() bundled}
 * one). Immutable and thread-safe.
 *
 * <p>The model id is read as Bedrock writes it: an inference-profile or foundation-model ARN is
 * looked through to the id inside; a geographic prefix ({@code us.}, {@code global.}, …) is split
 * off; the version suffix ({@code -v1:0}) is dropped; what remains is looked up by Bedrock id stem,
 * provider name or table key. Application-inference-profile and provisioned-model ARNs do not say
 * which model they run and are {@linkplain CostResult.Unpriced unpriced} (map them with a {@code
 * model_cost_map} rule, see {@link ModelCostMap}).
 *
 * <p>The cost is {@code input × input rate + cache read × read rate + 5m writes × 5m rate + 1h
 * writes × 1h rate + output × output rate}; reasoning tokens are part of the output and are not
 * added again. A model's long-context tier replaces all five rates when the total input (cache
 * included) is above its threshold. When the model's price carries the geographic premium and the
 * basis has one, ids with a premium prefix (or none, for in-region calls) pay its multiplier:
 * {@code bedrock-us}, {@code bedrock-eu} and {@code bedrock-ap} list the same prices as {@code
 * bedrock}, and it is the id's prefix, not the basis, that decides the premium. The result is
 * computed exactly and rounded once, half up, to whole nanodollars; it is never negative.
 *
 * <p>The {@link Cost#basis()} reads {@code <cost basis>/<model key>}, e.g. {@code
 * bedrock-us/claude-haiku-4-5}, with {@code " (batch)"} appended for {@linkplain #batch() batch}
 * prices.
 */
public final class DefaultCostCalculator implements CostCalculator {
  /** USD per million tokens × tokens = micro-USD; × 1000 = nanodollars. */
  private static final BigDecimal NANOS_PER_MICRO_USD = BigDecimal.valueOf(1000);

  private static final int MAX_CACHED = 1024;

  private final PriceTable table;
  private final boolean batch;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Resolved>> cache =
      new ConcurrentHashMap<>();

  private DefaultCostCalculator(PriceTable table, boolean batch) {
    this.table = Objects.requireNonNull(table, "table");
    this.batch = batch;
  }

  /** A calculator over the bundled price table. */
  public static DefaultCostCalculator create() {
    return create(PriceTable.bundled());
  }

  /** A calculator over {@code table}. */
  public static DefaultCostCalculator create(PriceTable table) {
    return new DefaultCostCalculator(table, false);
  }

  /** The table this calculator prices from. */
  public PriceTable priceTable() {
    return table;
  }

  /**
   * A calculator for batch calls: the same prices times the basis's batch multiplier (0.5 in the
   * bundled table). A basis without one answers unpriced.
   */
  public DefaultCostCalculator batch() {
    return batch ? this : new DefaultCostCalculator(table, true);
  }

  @Override
  public CostResult cost(String costBasis, String model, Usage usage) {
    Objects.requireNonNull(usage, "usage");
    Resolved p = resolve(costBasis, model);
    if (p.unpriced != null) {
      return CostResult.unpriced(p.unpriced);
    }
    TokenRates r = p.price.ratesFor(usage.totalInputTokens());
    long[] pico = r == p.price.rates() ? p.picoRates : p.longContextPicoRates;
    if (pico != null) {
      long nanos = exactNanos(usage, pico);
      if (nanos >= 0) {
        return CostResult.priced(new Cost(nanos, p.basis));
      }
    }
    BigDecimal microUsd =
        line(usage.inputTokens(), r.inputUsdPerMillion())
            .add(line(usage.cacheReadTokens(), r.cacheReadUsdPerMillion()))
            .add(line(usage.cacheWrite5mTokens(), r.cacheWrite5mUsdPerMillion()))
            .add(line(usage.cacheWrite1hTokens(), r.cacheWrite1hUsdPerMillion()))
            .add(line(usage.outputTokens(), r.outputUsdPerMillion()));
    BigDecimal nanos =
        microUsd
            .multiply(NANOS_PER_MICRO_USD)
            .multiply(p.multiplier)
            .setScale(0, RoundingMode.HALF_UP);
    long costNanos;
    try {
      costNanos = nanos.longValueExact();
    } catch (ArithmeticException e) {
      return CostResult.unpriced("the cost does not fit in a long count of nanodollars: " + nanos);
    }
    return CostResult.priced(new Cost(costNanos, p.basis));
  }

  /**
   * What a (cost basis, model) pair prices as: the table is immutable, so the answer is computed
   * once per pair and kept (up to {@link #MAX_CACHED} pairs per basis; past that, computed each
   * time, so a caller inventing model names cannot grow the cache without bound).
   */
  private Resolved resolve(String costBasis, String model) {
    if (costBasis == null || model == null) {
      return resolveUncached(costBasis, model);
    }
    ConcurrentHashMap<String, Resolved> byModel = cache.get(costBasis);
    if (byModel == null) {
      if (cache.size() >= MAX_CACHED) {
        return resolveUncached(costBasis, model);
      }
      byModel = cache.computeIfAbsent(costBasis, b -> new ConcurrentHashMap<>());
    }
    Resolved found = byModel.get(model);
    if (found == null) {
      found = resolveUncached(costBasis, model);
      if (byModel.size() < MAX_CACHED) {
        byModel.putIfAbsent(model, found);
      }
    }
    return found;
  }

  private Resolved resolveUncached(String costBasis, String model) {
    if (costBasis == null || costBasis.isBlank()) {
      return Resolved.unpriced("no cost basis: the provider's calls are not priced");
    }
    String basis = costBasis.trim().toLowerCase(Locale.ROOT);
    if (!table.hasBasis(basis)) {
      return Resolved.unpriced(
          "unknown cost basis '" + costBasis + "' (the price table has " + table.costBases() + ")");
    }
    if (model == null || model.isBlank()) {
      return Resolved.unpriced("no model id");
    }
    ModelId id = ModelId.parse(model, table.geoPrefixes());
    Optional<String> unpriceable = id.unpricedReason();
    if (unpriceable.isPresent()) {
      return Resolved.unpriced(unpriceable.get());
    }
    String key = null;
    for (String candidate : id.candidates()) {
      key = table.modelKey(candidate).orElse(null);
      if (key != null) {
        break;
      }
    }
    if (key == null) {
      return Resolved.unpriced(
          "unknown model '"
              + model
              + "': the price table does not list it; add it or map it with a model_cost_map rule");
    }
    Optional<ModelPrice> found = table.price(basis, key);
    if (found.isEmpty()) {
      return Resolved.unpriced(
          "cost basis '" + basis + "' has no price for model '" + model + "' (" + key + ")");
    }
    ModelPrice price = found.get();

    BigDecimal multiplier = BigDecimal.ONE;
    if (price.geoPremium()) {
      Optional<GeoPremium> premium = table.geoPremium(basis);
      if (premium.isPresent() && premium.get().appliesTo(id.geoPrefix())) {
        multiplier = multiplier.multiply(premium.get().multiplier());
      }
    }
    if (batch) {
      Optional<BigDecimal> half = table.batchMultiplier(basis);
      if (half.isEmpty()) {
        return Resolved.unpriced("cost basis '" + basis + "' has no batch price");
      }
      multiplier = multiplier.multiply(half.get());
    }
    return new Resolved(
        null,
        price,
        multiplier,
        basis + "/" + key + (batch ? " (batch)" : ""),
        picoRates(price.rates(), multiplier),
        picoRates(price.longContext().map(LongContextTier::rates).orElse(null), multiplier));
  }

  /** A priced pair (price, multiplier, the cost's basis label) or the reason it is unpriced. */
  private static final class Resolved {
    final String unpriced;
    final ModelPrice price;
    final BigDecimal multiplier;
    final String basis;
    final long[] picoRates; // null: not whole picodollars, use BigDecimal
    final long[] longContextPicoRates;

    Resolved(
        String unpriced,
        ModelPrice price,
        BigDecimal multiplier,
        String basis,
        long[] picoRates,
        long[] longContextPicoRates) {
      this.unpriced = unpriced;
      this.price = price;
      this.multiplier = multiplier;
      this.basis = basis;
      this.picoRates = picoRates;
      this.longContextPicoRates = longContextPicoRates;
    }

    static Resolved unpriced(String reason) {
      return new Resolved(reason, null, null, null, null, null);
    }
  }

  /**
   * The cost in whole nanodollars (half up) from integer picodollar-per-token rates, as the
   * BigDecimal computation gives it; -1 when a count is negative or the sum overflows (the caller
   * then takes the BigDecimal path).
   */
  private static long exactNanos(Usage u, long[] pico) {
    long input = u.inputTokens();
    long read = u.cacheReadTokens();
    long write5m = u.cacheWrite5mTokens();
    long write1h = u.cacheWrite1hTokens();
    long output = u.outputTokens();
    if ((input | read | write5m | write1h | output) < 0) {
      return -1;
    }
    long total;
    try {
      total =
          Math.addExact(
              Math.addExact(
                  Math.addExact(
                      Math.multiplyExact(input, pico[0]), Math.multiplyExact(read, pico[1])),
                  Math.addExact(
                      Math.multiplyExact(write5m, pico[2]), Math.multiplyExact(write1h, pico[3]))),
              Math.multiplyExact(output, pico[4]));
    } catch (ArithmeticException e) {
      return -1;
    }
    return total / 1000 + (total % 1000 >= 500 ? 1 : 0);
  }

  /**
   * The five rates in picodollars per token (input, cache read, 5m write, 1h write, output) with
   * {@code multiplier} folded in, when all are whole numbers; else null (BigDecimal path).
   */
  private static long[] picoRates(TokenRates r, BigDecimal multiplier) {
    if (r == null) {
      return null;
    }
    BigDecimal[] usdPerMillion = {
      r.inputUsdPerMillion(),
      r.cacheReadUsdPerMillion(),
      r.cacheWrite5mUsdPerMillion(),
      r.cacheWrite1hUsdPerMillion(),
      r.outputUsdPerMillion()
    };
    long[] out = new long[5];
    for (int i = 0; i < 5; i++) {
      // USD per million tokens × 10^6 = picodollars per token
      BigDecimal v = usdPerMillion[i].multiply(multiplier).movePointRight(6);
      if (v.signum() < 0 || v.stripTrailingZeros().scale() > 0) {
        return null;
      }
      try {
        out[i] = v.longValueExact();
      } catch (ArithmeticException e) {
        return null;
      }
    }
    return out;
  }

  private static BigDecimal line(long tokens, BigDecimal usdPerMillion) {
    return BigDecimal.valueOf(tokens).multiply(usdPerMillion);
  }

  @Override
  public String toString() {
    return "DefaultCostCalculator{" + table + (batch ? ", batch" : "") + "}";
  }
}
