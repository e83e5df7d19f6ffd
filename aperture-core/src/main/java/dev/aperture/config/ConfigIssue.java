package dev.aperture.config;

/**
 * A problem found in a configuration: where it is (a JSON path such as {@code
 * providers.bedrock-us.cost_basis}), how bad, and a sentence saying what is wrong.
 */
public record ConfigIssue(Severity severity, String path, String message) {
  /** Errors stop a configuration from being used; warnings do not. */
  public enum Severity {
    ERROR,
    WARNING
  }

  public static ConfigIssue error(String path, String message) {
    return new ConfigIssue(Severity.ERROR, path, message);
  }

  public static ConfigIssue warning(String path, String message) {
    return new ConfigIssue(Severity.WARNING, path, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    return severity.name().toLowerCase(java.util.Locale.ROOT)
        + ": "
        + (path.isEmpty() ? "(document)" : path)
        + ": "
        + message;
  }
}
