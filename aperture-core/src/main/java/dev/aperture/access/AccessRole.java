package dev.aperture.access;

import java.util.Locale;
import java.util.Optional;

/** The role a caller holds through its grants. Declared from weakest to strongest. */
public enum AccessRole {
  /** No matching grant gives a role: every call is denied. */
  NONE,
  /** May call the granted models. */
  USER,
  /** May call the granted models and administer the gateway. */
  ADMIN;

  /** The role named {@code value} in a grant ({@code user} or {@code admin}, any case), if any. */
  public static Optional<AccessRole> fromConfigValue(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "user":
        return Optional.of(USER);
      case "admin":
        return Optional.of(ADMIN);
      default:
        return Optional.empty();
    }
  }

  /** The stronger of this role and {@code other}. */
  AccessRole atLeast(AccessRole other) {
    return other.compareTo(this) > 0 ? other : this;
  }
}
