package dev.aperture.config;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * One entry of {@code grants} (or the older {@code temp_grants}): the callers it applies to and
 * what it gives them. Grants only add access; nothing is allowed by default.
 */
@Value.Immutable
public abstract class Grant {
  /** Who the grant applies to: a login, {@code group:NAME}, {@code tag:NAME} or {@code *}. */
  public abstract List<String> src();

  /** The role granted ({@code user} or {@code admin}), if this grant gives one. */
  public abstract Optional<String> role();

  /** Globs over {@code provider/model} this grant opens. */
  public abstract List<String> models();

  /** Quota bucket names this grant charges, possibly containing {@code <user>}. */
  public abstract List<String> quotaBuckets();

  public static ImmutableGrant.Builder builder() {
    return ImmutableGrant.builder();
  }
}
