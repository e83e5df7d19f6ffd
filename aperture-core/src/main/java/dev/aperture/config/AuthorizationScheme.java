package dev.aperture.config;

import java.util.Optional;

/** How a provider's API key is sent upstream (the config's {@code authorization} field). */
public enum AuthorizationScheme {
  /** {@code Authorization: Bearer KEY}. */
  BEARER("bearer", "Authorization"),
  /** {@code x-api-key: KEY}. */
  X_API_KEY("x-api-key", "x-api-key"),
  /** {@code x-goog-api-key: KEY}. */
  X_GOOG_API_KEY("x-goog-api-key", "x-goog-api-key");

  private final String configValue;
  private final String headerName;

  AuthorizationScheme(String configValue, String headerName) {
    this.configValue = configValue;
    this.headerName = headerName;
  }

  /** The value as written in the configuration. */
  public String configValue() {
    return configValue;
  }

  /** The HTTP header that carries the key. */
  public String headerName() {
    return headerName;
  }

  /** The header value for {@code key}: {@code Bearer KEY} or the bare key. */
  public String headerValue(String key) {
    return this == BEARER ? "Bearer " + key : key;
  }

  /** The scheme named {@code value} in the configuration (case-insensitive), if any. */
  public static Optional<AuthorizationScheme> fromConfigValue(String value) {
    for (AuthorizationScheme s : values()) {
      if (s.configValue.equalsIgnoreCase(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
