package dev.aperture;

import java.util.Optional;

/**
 * A provider answered with an error, or could not be reached. Carries the HTTP status (0 when no
 * response was received), the provider's error type (e.g. {@code ThrottlingException}), the
 * provider's message and request id, and whether a retry may succeed.
 */
public class UpstreamException extends ApertureException {
  private static final long serialVersionUID = 1L;

  private final String provider;
  private final int status;
  private final String errorType;
  private final String upstreamMessage;
  private final String requestId;
  private final boolean retryable;

  public UpstreamException(
      String provider,
      int status,
      String errorType,
      String upstreamMessage,
      String requestId,
      boolean retryable,
      Throwable cause) {
    super(describe(provider, status, errorType, upstreamMessage, requestId), cause);
    this.provider = provider;
    this.status = status;
    this.errorType = errorType;
    this.upstreamMessage = upstreamMessage;
    this.requestId = requestId;
    this.retryable = retryable;
  }

  private static String describe(
      String provider, int status, String errorType, String message, String requestId) {
    StringBuilder sb = new StringBuilder();
    sb.append("provider '").append(provider).append("' ");
    if (status > 0) {
      sb.append("answered HTTP ").append(status);
    } else {
      sb.append("could not be reached");
    }
    if (errorType != null && !errorType.isEmpty()) {
      sb.append(' ').append(errorType);
    }
    if (message != null && !message.isEmpty()) {
      sb.append(": ").append(message);
    }
    if (requestId != null && !requestId.isEmpty()) {
      sb.append(" (request id ").append(requestId).append(')');
    }
    return sb.toString();
  }

  /** The id of the configured provider that failed. */
  public String provider() {
    return provider;
  }

  /** HTTP status of the upstream answer; 0 if there was none (connection failure, timeout). */
  public int status() {
    return status;
  }

  /** The provider's error type, e.g. {@code ThrottlingException}; empty if it named none. */
  public Optional<String> errorType() {
    return Optional.ofNullable(errorType);
  }

  /** The provider's own error message (already free of credentials). */
  public Optional<String> upstreamMessage() {
    return Optional.ofNullable(upstreamMessage);
  }

  /** The provider's request id, for support cases. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  @Override
  public boolean retryable() {
    return retryable;
  }

  @Override
  public int httpStatus() {
    return status > 0 ? status : 502;
  }
}
