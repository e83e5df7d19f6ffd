package dev.aperture.cost;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model id taken apart for pricing: an ARN looked through to the id it names, the geographic
 * prefix ({@code us.}) split off, and the Bedrock version suffix ({@code -v1:0}) dropped.
 *
 * <p>Forms understood: {@code [geo.]provider.model[-date]-vN[:M]}, provider names ({@code
 * claude-haiku-4-5}), {@code arn:…:foundation-model/ID} and {@code arn:…:inference-profile/ID}.
 * Application inference profiles and provisioned models are opaque: their ids do not say which
 * model runs, so they cannot be priced without a {@code model_cost_map} rule.
 */
final class ModelId {
  /** {@code -v1}, {@code -v1:0}, and provisioned-throughput variants such as {@code -v1:0:200k}. */
  private static final Pattern VERSION_SUFFIX = Pattern.compile("-v\\d+(?::[0-9a-z]+)*$");

  private final String geoPrefix;
  private final List<String> candidates;
  private final String unpricedReason;

  private ModelId(String geoPrefix, List<String> candidates, String unpricedReason) {
    this.geoPrefix = geoPrefix;
    this.candidates = candidates;
    this.unpricedReason = unpricedReason;
  }

  /**
   * Takes {@code id} apart, stripping the first of {@code geoPrefixes} (lower case, longest first)
   * that it starts with.
   */
  static ModelId parse(String id, List<String> geoPrefixes) {
    String rest = id.trim().toLowerCase(Locale.ROOT);
    if (rest.isEmpty()) {
      return unpriceable("no model id");
    }
    if (rest.startsWith("arn:")) {
      String[] parts = rest.split(":", 6);
      if (parts.length < 6 || parts[5].indexOf('/') <= 0) {
        return unpriceable("malformed ARN: " + id);
      }
      if (!parts[2].equals("bedrock")) {
        return unpriceable("not an Amazon Bedrock ARN: " + id);
      }
      String type = parts[5].substring(0, parts[5].indexOf('/'));
      String inner = parts[5].substring(type.length() + 1);
      switch (type) {
        case "foundation-model":
        case "inference-profile":
          if (inner.isEmpty()) {
            return unpriceable("malformed ARN: " + id);
          }
          rest = inner;
          break;
        case "application-inference-profile":
          return unpriceable(
              "application inference profile ids do not say which model they run;"
                  + " add a model_cost_map rule for "
                  + id);
        case "provisioned-model":
          return unpriceable(
              "provisioned model ids do not say which model they run (and provisioned throughput"
                  + " is billed by the hour); add a model_cost_map rule for "
                  + id);
        default:
          return unpriceable(
              type
                  + " ARNs do not say which priced model they run; add a model_cost_map rule for "
                  + id);
      }
    }
    String geo = "";
    for (String prefix : geoPrefixes) {
      if (rest.startsWith(prefix) && rest.length() > prefix.length()) {
        geo = prefix;
        rest = rest.substring(prefix.length());
        break;
      }
    }
    String stem = VERSION_SUFFIX.matcher(rest).replaceFirst("");
    return new ModelId(geo, stem.equals(rest) ? List.of(rest) : List.of(rest, stem), null);
  }

  private static ModelId unpriceable(String reason) {
    return new ModelId("", List.of(), reason);
  }

  /** The geographic prefix the id carried, with its dot ({@code us.}), or {@code ""}. */
  String geoPrefix() {
    return geoPrefix;
  }

  /** The names to look up, most specific first: as given (without prefix), then without version. */
  List<String> candidates() {
    return candidates;
  }

  /** Why the id cannot be priced at all, if it cannot. */
  Optional<String> unpricedReason() {
    return Optional.ofNullable(unpricedReason);
  }
}
