package dev.aperture.provider;

import dev.aperture.config.ProviderConfig;

/**
 * Makes providers. Factories are asked in registration order; the first that answers non-null wins,
 * so a factory answers null for a configuration that is not its own (e.g. whose compatibility flags
 * it does not speak).
 */
@FunctionalInterface
public interface ProviderFactory {
  /** A provider for {@code config}, or null when this factory does not handle it. */
  Provider create(ProviderConfig config, ProviderContext context);
}
