package dev.aperture;

/**
 * Root of every exception the library throws. Unchecked: JSON and I/O failures are wrapped, never
 * leaked as checked exceptions.
 *
 * <p>Messages never contain a provider credential: code that builds a message from upstream text
 * passes it through {@link dev.aperture.internal.Secrets#redact} first.
 */
public class ApertureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ApertureException(String message) {
    super(message);
  }

  public ApertureException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether the same call may succeed if repeated later. False unless a subclass knows better. */
  public boolean retryable() {
    return false;
  }

  /** The HTTP status a gateway should answer with for this failure. */
  public int httpStatus() {
    return 500;
  }
}
