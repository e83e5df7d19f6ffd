package dev.aperture.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Prices per cost basis ({@code bedrock-us}, {@code anthropic}, …) and model, as data. Immutable
 * and thread-safe.
 *
 * <p>A table has three parts:
 *
 * <ul>
 *   <li><b>models</b>: each model's key (e.g. {@code claude-haiku-4-5}) and the ids that name it —
 *       Bedrock id stems without geographic prefix and version suffix ({@code
 *       anthropic.claude-haiku-4-5-20251001}) and provider names ({@code
 *       claude-haiku-4-5-20251001}). The key itself is always an id.
 *   <li><b>geographic prefixes</b>: the id prefixes ({@code us.}, {@code global.}, …) a calculator
 *       strips before looking a model up.
 *   <li><b>bases</b>: per cost basis, the {@link ModelPrice} of each model key, an optional {@link
 *       GeoPremium} and an optional batch multiplier. A basis may {@code extend} another: what it
 *       does not set itself it takes from its parent (so {@code bedrock-us} takes {@code bedrock}'s
 *       prices, and an override of {@code bedrock} reaches {@code bedrock-us} too).
 * </ul>
 *
 * <p>The JSON form (the bundled {@code dev/aperture/cost/prices.json} is the example; comments and
 * trailing commas are allowed; every section is optional, so an override file holds only what it
 * changes):
 *
 * <pre>{@code
 * {"format": 1,
 *  "geo_prefixes": ["us.", "eu.", "global."],
 *  "models": {"claude-haiku-4-5": {"bedrock_ids": ["anthropic.claude-haiku-4-5-20251001"],
 *                                  "anthropic_ids": ["claude-haiku-4-5-20251001"]}},
 *  "bases": {
 *    "bedrock": {"batch_multiplier": 0.5,
 *                "geo_premium": {"multiplier": 1.10, "prefixes": ["us.", "eu."], "in_region": true},
 *                "prices": {"claude-haiku-4-5": {"input": 1.00, "output": 5.00,
 *                    "cache_write_5m": 1.25, "cache_write_1h": 2.00, "cache_read": 0.10,
 *                    "geo_premium": true,
 *                    "long_context": {"above_input_tokens": 200000, "input": 2.00, ...}}}},
 *    "bedrock-us": {"extends": "bedrock"}}}
 * }</pre>
 *
 * Prices are USD per million tokens, read as exact decimals; all five rates are required. {@code
 * note}/{@code notes} fields are allowed anywhere for documentation; any other unknown field is an
 * error, so a misspelt rate is caught. Keys, ids and basis names are matched case-insensitively.
 */
public final class PriceTable {
  private static final String BUNDLED_RESOURCE = "prices.json";

  private final List<String> geoPrefixes;
  private final Map<String, List<String>> models;
  private final Map<String, String> keyById;
  private final Map<String, Basis> bases;

  /** One basis as written, not resolved against its parent. Null fields are "not set here". */
  record Basis(
      String parent,
      BigDecimal batchMultiplier,
      GeoPremium geoPremium,
      Map<String, ModelPrice> prices) {}

  private PriceTable(Builder b) {
    List<String> prefixes = new ArrayList<>(b.geoPrefixes);
    // Longest first, so that of two prefixes where one starts the other, the longer one wins.
    prefixes.sort(Comparator.comparingInt(String::length).reversed());
    this.geoPrefixes = List.copyOf(prefixes);
    Map<String, List<String>> m = new LinkedHashMap<>();
    Map<String, String> index = new HashMap<>();
    b.models.forEach((key, ids) -> m.put(key, List.copyOf(ids)));
    // Ids first, keys last: a model's key always names that model.
    m.forEach((key, ids) -> ids.forEach(id -> index.put(id, key)));
    m.keySet().forEach(key -> index.put(key, key));
    this.models = Collections.unmodifiableMap(m);
    this.keyById = Map.copyOf(index);
    Map<String, Basis> bs = new LinkedHashMap<>();
    b.bases.forEach(
        (name, bb) ->
            bs.put(
                name,
                new Basis(
                    bb.parent,
                    bb.batchMultiplier,
                    bb.geoPremium,
                    Collections.unmodifiableMap(new LinkedHashMap<>(bb.prices)))));
    this.bases = Collections.unmodifiableMap(bs);
  }

  /** The table that ships with the library ({@code dev/aperture/cost/prices.json}). */
  public static PriceTable bundled() {
    return BundledHolder.TABLE;
  }

  private static final class BundledHolder {
    static final PriceTable TABLE = loadBundled();

    private static PriceTable loadBundled() {
      try (InputStream in = PriceTable.class.getResourceAsStream(BUNDLED_RESOURCE)) {
        if (in == null) {
          throw new PriceTableException("the bundled price table is missing: " + BUNDLED_RESOURCE);
        }
        return PriceTableJson.read(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A table from its JSON text. */
  public static PriceTable parse(String json) {
    return PriceTableJson.parse(json);
  }

  /** A table from a JSON stream, read to its end; the caller keeps the stream and closes it. */
  public static PriceTable read(InputStream json) {
    return PriceTableJson.read(json);
  }

  /** A table from a JSON file (UTF-8). */
  public static PriceTable read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return PriceTableJson.read(in);
    } catch (IOException e) {
      throw new PriceTableException("cannot read price table " + file + ": " + e, e);
    }
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this table. */
  public Builder newBuilder() {
    return new Builder().merge(this);
  }

  /**
   * This table with {@code overrides} laid over it: the overrides' price entries replace or extend
   * this table's entry by entry (a replaced entry is replaced whole); their model ids, prefixes,
   * {@code extends}, premiums and batch multipliers replace this table's where set.
   */
  public PriceTable withOverrides(PriceTable overrides) {
    return newBuilder().merge(overrides).build();
  }

  /** The cost bases this table defines, e.g. {@code bedrock-us}. */
  public Set<String> costBases() {
    return bases.keySet();
  }

  /**
   * The price of model {@code modelKey} (a table key, e.g. {@code claude-haiku-4-5}) under {@code
   * costBasis}, looked up through the basis's parents.
   */
  public Optional<ModelPrice> price(String costBasis, String modelKey) {
    String key = lower(modelKey);
    for (Basis b : chain(costBasis)) {
      ModelPrice p = b.prices().get(key);
      if (p != null) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code costBasis} is defined. */
  boolean hasBasis(String costBasis) {
    return bases.containsKey(lower(costBasis));
  }

  /** The model key that {@code id} (without geo prefix) names, if the table knows it. */
  Optional<String> modelKey(String id) {
    return Optional.ofNullable(keyById.get(lower(id)));
  }

  /** The geographic prefixes to strip, longest first. */
  List<String> geoPrefixes() {
    return geoPrefixes;
  }

  Optional<GeoPremium> geoPremium(String costBasis) {
    for (Basis b : chain(costBasis)) {
      if (b.geoPremium() != null) {
        return Optional.of(b.geoPremium());
      }
    }
    return Optional.empty();
  }

  Optional<BigDecimal> batchMultiplier(String costBasis) {
    for (Basis b : chain(costBasis)) {
      if (b.batchMultiplier() != null) {
        return Optional.of(b.batchMultiplier());
      }
    }
    return Optional.empty();
  }

  /** The basis and its ancestors, nearest first. A parent the table lacks ends the chain. */
  private List<Basis> chain(String costBasis) {
    List<Basis> out = new ArrayList<>(2);
    Basis b = bases.get(lower(costBasis));
    while (b != null) {
      out.add(b);
      b = b.parent() == null ? null : bases.get(b.parent());
    }
    return out;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "PriceTable" + bases.keySet() + " (" + models.size() + " models)";
  }

  /**
   * Builds a {@link PriceTable}. Not thread-safe. Later calls win: setting a price, a parent, a
   * premium or a model's ids again replaces what was there.
   */
  public static final class Builder {
    private final Set<String> geoPrefixes = new LinkedHashSet<>();
    private final Map<String, List<String>> models = new LinkedHashMap<>();
    private final Map<String, BasisBuilder> bases = new LinkedHashMap<>();

    private static final class BasisBuilder {
      String parent;
      BigDecimal batchMultiplier;
      GeoPremium geoPremium;
      final Map<String, ModelPrice> prices = new LinkedHashMap<>();
    }

    private Builder() {}

    /** Adds a geographic id prefix to strip before lookup, with its dot: {@code us.}. */
    public Builder geoPrefix(String prefix) {
      String p = lower(Objects.requireNonNull(prefix, "prefix"));
      if (!p.endsWith(".") || p.length() < 2) {
        throw new IllegalArgumentException(
            "a geographic prefix ends with a dot, like us.: " + prefix);
      }
      geoPrefixes.add(p);
      return this;
    }

    /**
     * Sets the ids that name model {@code key} (replacing earlier ones for this key); an id another
     * model had moves to this one.
     */
    public Builder model(String key, Collection<String> ids) {
      String k = nonBlank(key, "model key");
      List<String> list = new ArrayList<>();
      for (String id : ids) {
        String i = nonBlank(id, "model id");
        if (!list.contains(i)) {
          list.add(i);
        }
      }
      models.values().forEach(other -> other.removeAll(list));
      models.put(k, list);
      return this;
    }

    /** Declares {@code costBasis}, with no prices yet if it is new. */
    public Builder basis(String costBasis) {
      basisBuilder(costBasis);
      return this;
    }

    /** Makes {@code costBasis} take what it does not set itself from {@code parentBasis}. */
    public Builder extend(String costBasis, String parentBasis) {
      basisBuilder(costBasis).parent = nonBlank(parentBasis, "parent basis");
      return this;
    }

    /** Sets the multiplier for batch calls under {@code costBasis} (0.5 = half price). */
    public Builder batchMultiplier(String costBasis, BigDecimal multiplier) {
      if (multiplier.signum() < 0) {
        throw new IllegalArgumentException(
            "a multiplier cannot be negative: " + multiplier.toPlainString());
      }
      basisBuilder(costBasis).batchMultiplier = TokenRates.canonical(multiplier);
      return this;
    }

    /** Sets the geographic premium of {@code costBasis}. */
    public Builder geoPremium(String costBasis, GeoPremium premium) {
      basisBuilder(costBasis).geoPremium = Objects.requireNonNull(premium, "premium");
      return this;
    }

    /** Sets the price of {@code modelKey} under {@code costBasis}, replacing any earlier one. */
    public Builder price(String costBasis, String modelKey, ModelPrice price) {
      basisBuilder(costBasis)
          .prices
          .put(nonBlank(modelKey, "model key"), Objects.requireNonNull(price, "price"));
      return this;
    }

    /** Lays {@code overrides} over what this builder holds (see {@link #withOverrides}). */
    public Builder merge(PriceTable overrides) {
      overrides.geoPrefixes.forEach(this::geoPrefix);
      overrides.models.forEach(this::model);
      overrides.bases.forEach(
          (name, b) -> {
            BasisBuilder bb = basisBuilder(name);
            if (b.parent() != null) {
              bb.parent = b.parent();
            }
            if (b.batchMultiplier() != null) {
              bb.batchMultiplier = b.batchMultiplier();
            }
            if (b.geoPremium() != null) {
              bb.geoPremium = b.geoPremium();
            }
            bb.prices.putAll(b.prices());
          });
      return this;
    }

    /**
     * The table.
     *
     * @throws PriceTableException if bases extend each other in a cycle. A parent the table does
     *     not define is allowed (an override file may extend a basis of the table it is laid over)
     *     and ends the lookup there.
     */
    public PriceTable build() {
      for (String start : bases.keySet()) {
        Set<String> seen = new HashSet<>();
        for (String b = start; b != null; b = bases.containsKey(b) ? bases.get(b).parent : null) {
          if (!seen.add(b)) {
            throw new PriceTableException("cost bases extend each other in a cycle: " + seen);
          }
        }
      }
      return new PriceTable(this);
    }

    private BasisBuilder basisBuilder(String costBasis) {
      return bases.computeIfAbsent(nonBlank(costBasis, "cost basis"), k -> new BasisBuilder());
    }

    private static String nonBlank(String s, String what) {
      Objects.requireNonNull(s, what);
      if (s.isBlank()) {
        throw new IllegalArgumentException(what + " cannot be blank");
      }
      return lower(s.trim());
    }
  }
}
