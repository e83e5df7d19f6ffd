package dev.aperture.access;

import dev.aperture.config.QuotaConfig;
import java.util.Objects;

/**
 * One quota bucket a call is charged to: its resolved name ({@code daily-alice@example.com} for the
 * template {@code daily-<user>}) and the settings of the quota it comes from ({@code
 * config().name()} is the template as written). The settings travel with every ledger operation, so
 * a ledger needs no separate configuration step to create a bucket.
 */
public record ResolvedBucket(String name, QuotaConfig config) {
  /** The placeholder a bucket name may contain, replaced by the caller's principal. */
  public static final String USER_PLACEHOLDER = "<user>";

  public ResolvedBucket {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(config, "config");
  }

  /** The bucket {@code config} resolves to for {@code identity}: {@code <user>} is replaced. */
  public static ResolvedBucket resolve(QuotaConfig config, Identity identity) {
    return new ResolvedBucket(
        config.name().replace(USER_PLACEHOLDER, identity.principal()), config);
  }
}
