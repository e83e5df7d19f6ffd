package dev.aperture.access;

import dev.aperture.ApertureException;

/**
 * A {@link RequestInterceptor} blocked the request. Carries the HTTP status the interceptor chose
 * (403 unless it said otherwise) and its message, which is meant for the caller.
 */
public class RequestBlockedException extends ApertureException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public RequestBlockedException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** A block with HTTP 403. */
  public RequestBlockedException(String message) {
    this(403, message);
  }

  /** A 503 (an unavailable fail-closed webhook) or a 429 may succeed later. */
  @Override
  public boolean retryable() {
    return status == 503 || status == 429;
  }

  @Override
  public int httpStatus() {
    return status;
  }
}
