package dev.aperture.cost;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON form of a {@link PriceTable} (described there). Strict: unknown fields, duplicate
 * keys, missing or negative rates and numbers that are not exact decimals are errors naming their
 * JSON path.
 */
final class PriceTableJson {
  private static final int FORMAT = 1;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
          // Prices must stay exact: 0.1 read as a double is not 0.1.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private static final Set<String> NOTES = Set.of("note", "notes");
  private static final Set<String> RATES =
      Set.of("input", "output", "cache_write_5m", "cache_write_1h", "cache_read");

  private PriceTableJson() {}

  static PriceTable parse(String json) {
    try {
      return toTable(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new PriceTableException("price table is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  static PriceTable read(InputStream json) {
    try {
      return toTable(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new PriceTableException("price table is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new PriceTableException("cannot read price table: " + e, e);
    }
  }

  private static PriceTable toTable(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new PriceTableException("a price table is a JSON object");
    }
    allowOnly(root, "$", Set.of("format", "geo_prefixes", "models", "bases"));
    JsonNode format = root.get("format");
    if (format != null && !(format.isInt() && format.intValue() == FORMAT)) {
      throw new PriceTableException(
          "$.format: only format " + FORMAT + " is understood, not " + format);
    }
    PriceTable.Builder b = PriceTable.builder();
    for (String prefix : strings(root.get("geo_prefixes"), "$.geo_prefixes")) {
      try {
        b.geoPrefix(prefix);
      } catch (IllegalArgumentException e) {
        throw new PriceTableException("$.geo_prefixes: " + e.getMessage(), e);
      }
    }
    readModels(root.get("models"), b);
    JsonNode bases = root.get("bases");
    if (bases != null) {
      for (Map.Entry<String, JsonNode> e : fields(bases, "$.bases")) {
        readBasis(e.getKey(), e.getValue(), "$.bases." + e.getKey(), b);
      }
    }
    return b.build();
  }

  private static void readModels(JsonNode models, PriceTable.Builder b) {
    if (models == null) {
      return;
    }
    Map<String, String> owner = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : fields(models, "$.models")) {
      String path = "$.models." + e.getKey();
      JsonNode m = object(e.getValue(), path);
      allowOnly(m, path, Set.of("name", "bedrock_ids", "anthropic_ids"));
      List<String> ids = new ArrayList<>();
      for (String field : List.of("bedrock_ids", "anthropic_ids")) {
        ids.addAll(strings(m.get(field), path + "." + field));
      }
      for (String id : ids) {
        String previous = owner.putIfAbsent(id.toLowerCase(Locale.ROOT), e.getKey());
        if (previous != null) {
          throw new PriceTableException(path + ": id " + id + " already names model " + previous);
        }
      }
      b.model(e.getKey(), ids);
    }
  }

  private static void readBasis(String name, JsonNode node, String path, PriceTable.Builder b) {
    JsonNode basis = object(node, path);
    allowOnly(basis, path, Set.of("extends", "batch_multiplier", "geo_premium", "prices"));
    b.basis(name);
    JsonNode parent = basis.get("extends");
    if (parent != null) {
      if (!parent.isTextual() || parent.asText().isBlank()) {
        throw new PriceTableException(path + ".extends: expected the name of a basis");
      }
      b.extend(name, parent.asText());
    }
    JsonNode batch = basis.get("batch_multiplier");
    if (batch != null) {
      b.batchMultiplier(name, decimal(batch, path + ".batch_multiplier"));
    }
    JsonNode geo = basis.get("geo_premium");
    if (geo != null) {
      String gp = path + ".geo_premium";
      object(geo, gp);
      allowOnly(geo, gp, Set.of("multiplier", "prefixes", "in_region"));
      JsonNode inRegion = geo.get("in_region");
      try {
        b.geoPremium(
            name,
            GeoPremium.builder()
                .multiplier(decimal(required(geo, "multiplier", gp), gp + ".multiplier"))
                .prefixes(strings(geo.get("prefixes"), gp + ".prefixes"))
                .inRegion(inRegion != null && bool(inRegion, gp + ".in_region"))
                .build());
      } catch (IllegalStateException e) {
        throw new PriceTableException(gp + ": " + e.getMessage(), e);
      }
    }
    JsonNode prices = basis.get("prices");
    if (prices != null) {
      for (Map.Entry<String, JsonNode> e : fields(prices, path + ".prices")) {
        b.price(name, e.getKey(), price(e.getValue(), path + ".prices." + e.getKey()));
      }
    }
  }

  private static ModelPrice price(JsonNode node, String path) {
    JsonNode p = object(node, path);
    Set<String> allowed = new HashSet<>(RATES);
    allowed.add("geo_premium");
    allowed.add("long_context");
    allowOnly(p, path, allowed);
    ImmutableModelPrice.Builder b = ModelPrice.builder().rates(rates(p, path));
    JsonNode geo = p.get("geo_premium");
    if (geo != null) {
      b.geoPremium(bool(geo, path + ".geo_premium"));
    }
    JsonNode lc = p.get("long_context");
    if (lc != null) {
      String lp = path + ".long_context";
      object(lc, lp);
      Set<String> lcAllowed = new HashSet<>(RATES);
      lcAllowed.add("above_input_tokens");
      allowOnly(lc, lp, lcAllowed);
      JsonNode above = required(lc, "above_input_tokens", lp);
      if (!above.canConvertToLong() || !above.isIntegralNumber() || above.longValue() < 0) {
        throw new PriceTableException(lp + ".above_input_tokens: expected a whole number >= 0");
      }
      b.longContext(
          LongContextTier.builder()
              .aboveInputTokens(above.longValue())
              .rates(rates(lc, lp))
              .build());
    }
    return b.build();
  }

  private static TokenRates rates(JsonNode p, String path) {
    return TokenRates.builder()
        .inputUsdPerMillion(rate(p, "input", path))
        .outputUsdPerMillion(rate(p, "output", path))
        .cacheWrite5mUsdPerMillion(rate(p, "cache_write_5m", path))
        .cacheWrite1hUsdPerMillion(rate(p, "cache_write_1h", path))
        .cacheReadUsdPerMillion(rate(p, "cache_read", path))
        .build();
  }

  private static BigDecimal rate(JsonNode p, String field, String path) {
    BigDecimal d = decimal(required(p, field, path), path + "." + field);
    if (d.signum() < 0) {
      throw new PriceTableException(path + "." + field + ": a price cannot be negative");
    }
    return d;
  }

  private static BigDecimal decimal(JsonNode n, String path) {
    if (n.isNumber()) {
      return n.decimalValue();
    }
    if (n.isTextual()) {
      try {
        return new BigDecimal(n.asText().trim());
      } catch (NumberFormatException e) {
        throw new PriceTableException(path + ": not a decimal number: " + n.asText(), e);
      }
    }
    throw new PriceTableException(path + ": expected a number, got " + n.getNodeType());
  }

  private static boolean bool(JsonNode n, String path) {
    if (!n.isBoolean()) {
      throw new PriceTableException(path + ": expected true or false");
    }
    return n.booleanValue();
  }

  private static JsonNode required(JsonNode obj, String field, String path) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      throw new PriceTableException(path + "." + field + ": required");
    }
    return n;
  }

  private static JsonNode object(JsonNode n, String path) {
    if (n == null || !n.isObject()) {
      throw new PriceTableException(path + ": expected an object");
    }
    return n;
  }

  private static List<Map.Entry<String, JsonNode>> fields(JsonNode n, String path) {
    return new ArrayList<>(object(n, path).properties());
  }

  private static List<String> strings(JsonNode n, String path) {
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new PriceTableException(path + ": expected a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isTextual() || e.asText().isBlank()) {
        throw new PriceTableException(path + ": expected a list of non-empty strings");
      }
      out.add(e.asText());
    }
    return out;
  }

  private static void allowOnly(JsonNode obj, String path, Set<String> allowed) {
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f) && !NOTES.contains(f)) {
        throw new PriceTableException(path + "." + f + ": unknown field");
      }
    }
  }
}
