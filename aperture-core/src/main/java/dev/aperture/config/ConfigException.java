package dev.aperture.config;

import dev.aperture.ApertureException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration could not be used. Lists every error found (not just the first), each with its
 * JSON path; the message never contains a configured secret.
 */
public class ConfigException extends ApertureException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigIssue> issues;

  public ConfigException(List<ConfigIssue> issues) {
    super(describe(issues));
    this.issues = List.copyOf(issues);
  }

  /** The configuration could not be read at all, because of {@code cause} (an I/O failure). */
  public ConfigException(List<ConfigIssue> issues, Throwable cause) {
    super(describe(issues), cause);
    this.issues = List.copyOf(issues);
  }

  private static String describe(List<ConfigIssue> issues) {
    List<ConfigIssue> errors = issues.stream().filter(ConfigIssue::isError).toList();
    return "invalid configuration ("
        + errors.size()
        + (errors.size() == 1 ? " error" : " errors")
        + "):\n"
        + errors.stream().map(i -> "  " + i).collect(Collectors.joining("\n"));
  }

  /** Every issue found, errors and warnings, in document order. */
  public List<ConfigIssue> issues() {
    return issues;
  }

  /** Only the errors. */
  public List<ConfigIssue> errors() {
    return issues.stream().filter(ConfigIssue::isError).toList();
  }

  @Override
  public int httpStatus() {
    return 500;
  }
}
