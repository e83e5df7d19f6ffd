package dev.aperture.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * A whole gateway configuration document, immutable. Build one with {@link #builder()} or read one
 * with the parser; a router is built from it and {@code reload} swaps in a new one.
 */
@Value.Immutable
public abstract class ApertureConfig {
  /** Providers by id, in document order. */
  public abstract Map<String, ProviderConfig> providers();

  /** {@code grants} followed by {@code temp_grants}, in document order. */
  public abstract List<Grant> grants();

  /** Whether the document had a {@code grants} or {@code temp_grants} section at all. */
  @Value.Default
  public boolean grantsDeclared() {
    return !grants().isEmpty();
  }

  /** Quota buckets by name. */
  public abstract Map<String, QuotaConfig> quotas();

  @Value.Default
  public boolean autoCostBasis() {
    return true;
  }

  /**
   * Top-level sections the library keeps but does not act on ({@code hooks}, {@code exporters},
   * {@code database}, {@code mcp}, unknown keys), as raw JSON text by key.
   */
  public abstract Map<String, String> otherSections();

  /** Warnings found while reading the document (errors make reading fail instead). */
  public abstract List<ConfigIssue> warnings();

  /** The provider with id {@code id}, if configured. */
  public Optional<ProviderConfig> provider(String id) {
    return Optional.ofNullable(providers().get(id));
  }

  public static ImmutableApertureConfig.Builder builder() {
    return ImmutableApertureConfig.builder();
  }
}
