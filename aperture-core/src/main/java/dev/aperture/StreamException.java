package dev.aperture;

/**
 * A response stream broke: it ended before its stop event and usage arrived, a frame was malformed
 * or failed its checksum, or the provider sent an exception frame mid-stream. A stream that throws
 * this never reports a normal finish.
 */
public class StreamException extends ApertureException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, so callers can tell a cut connection from corruption. */
  public enum Kind {
    /** The stream ended before it was complete. */
    TRUNCATED,
    /** A frame was malformed: bad checksum, bad length, bad header. */
    BAD_FRAME,
    /** A frame exceeded a size limit. */
    OVERSIZED,
    /** The provider reported an error inside the stream. */
    UPSTREAM_ERROR,
    /** The stream was closed by the caller. */
    CLOSED
  }

  private final Kind kind;
  private final String errorType;
  private final boolean retryable;

  public StreamException(Kind kind, String message) {
    this(kind, null, message, false, null);
  }

  public StreamException(Kind kind, String message, Throwable cause) {
    this(kind, null, message, false, cause);
  }

  public StreamException(
      Kind kind, String errorType, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.errorType = errorType;
    this.retryable = retryable;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * For {@link Kind#UPSTREAM_ERROR}: the provider's exception type, e.g. {@code
   * throttlingException}.
   */
  public java.util.Optional<String> errorType() {
    return java.util.Optional.ofNullable(errorType);
  }

  @Override
  public boolean retryable() {
    return retryable;
  }

  @Override
  public int httpStatus() {
    return 502;
  }
}
