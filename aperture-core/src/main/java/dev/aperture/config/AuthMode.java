package dev.aperture.config;

/** Whose credential goes upstream (the config's {@code auth_mode} field). */
public enum AuthMode {
  /** The provider's configured {@code apikey}; a caller's own credential is removed. */
  SHARED_KEY,
  /** The caller's own credential is forwarded instead of {@code apikey}. */
  PASSTHROUGH
}
