package dev.aperture.config;

import dev.aperture.ApiFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.immutables.value.Value;

/**
 * One entry of the configuration's {@code providers} map. The API key is redacted from {@link
 * #toString()}; nothing else in the library prints it either.
 */
@Value.Immutable
public abstract class ProviderConfig {
  /** The provider's id: its key in the {@code providers} map, e.g. {@code bedrock-us}. */
  public abstract String id();

  /** API root; the provider appends the upstream path. */
  public abstract String baseUrl();

  /** The credential sent upstream; empty when none is configured. Never printed. */
  @Value.Redacted
  @Value.Default
  public String apiKey() {
    return "";
  }

  @Value.Default
  public AuthorizationScheme authorization() {
    return AuthorizationScheme.BEARER;
  }

  /** Exact model ids this provider serves, in configuration order. */
  public abstract List<String> models();

  /** The API formats this provider speaks ({@code compatibility} flags set to true). */
  public abstract Set<ApiFormat> compatibility();

  /**
   * The price list for this provider's costs, e.g. {@code bedrock-us}; explicit or inferred from
   * the compatibility flags. Empty means costs are not computed.
   */
  public abstract Optional<String> costBasis();

  /** Whether {@link #costBasis()} was written in the configuration rather than inferred. */
  @Value.Default
  public boolean costBasisExplicit() {
    return costBasis().isPresent();
  }

  @Value.Default
  public int preference() {
    return 0;
  }

  @Value.Default
  public boolean disabled() {
    return false;
  }

  /** Headers added to every upstream request, as (name, value) pairs in configuration order. */
  public abstract List<Header> addHeaders();

  public abstract List<ModelCostRule> modelCostMap();

  @Value.Default
  public String name() {
    return "";
  }

  @Value.Default
  public String description() {
    return "";
  }

  @Value.Default
  public AuthMode authMode() {
    return AuthMode.SHARED_KEY;
  }

  /** Whether this provider speaks {@code format}. */
  public boolean supports(ApiFormat format) {
    return compatibility().contains(format);
  }

  /** Whether {@code model} is one of this provider's models. */
  public boolean serves(String model) {
    return models().contains(model);
  }

  public static ImmutableProviderConfig.Builder builder() {
    return ImmutableProviderConfig.builder();
  }

  /**
   * An HTTP header added upstream. Its value is left out of {@link #toString()}: it may be a key.
   */
  @Value.Immutable
  public abstract static class Header {
    @Value.Parameter
    public abstract String name();

    @Value.Redacted
    @Value.Parameter
    public abstract String value();

    public static Header of(String name, String value) {
      return ImmutableHeader.of(name, value);
    }
  }
}
