package dev.aperture.config;

import java.io.InputStream;
import java.nio.file.Path;
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
   * {@code database}, {@code mcp}, unknown keys), as raw JSON text by key. Left out of {@link
   * #toString()}: these sections may hold credentials.
   */
  @Value.Redacted
  public abstract Map<String, String> otherSections();

  /** Warnings found while reading the document (errors make reading fail instead). */
  public abstract List<ConfigIssue> warnings();

  /** The provider with id {@code id}, if configured. */
  public Optional<ProviderConfig> provider(String id) {
    return Optional.ofNullable(providers().get(id));
  }

  /**
   * Reads a configuration document, resolving {@code ${NAME}} macros from the environment.
   *
   * @throws ConfigException listing every error in the document
   */
  public static ApertureConfig parse(String json) {
    return parser().parse(json);
  }

  /**
   * Reads a UTF-8 configuration file, resolving {@code ${NAME}} macros from the environment.
   *
   * @throws ConfigException if the file cannot be read or has errors (all listed)
   */
  public static ApertureConfig parse(Path file) {
    return parser().parse(file);
  }

  /**
   * Reads a UTF-8 configuration document from {@code in} (not closed), resolving {@code ${NAME}}
   * macros from the environment.
   *
   * @throws ConfigException if the stream fails or the document has errors (all listed)
   */
  public static ApertureConfig parse(InputStream in) {
    return parser().parse(in);
  }

  /** A parser whose macro lookup and other choices can be set; see {@link ConfigParser}. */
  public static ConfigParser parser() {
    return ConfigParser.DEFAULT;
  }

  public static ImmutableApertureConfig.Builder builder() {
    return ImmutableApertureConfig.builder();
  }
}
