package dev.aperture.bedrock;

import dev.aperture.UpstreamException;

/**
 * Bedrock answered with an error. {@link #type()} is the modelled error (or {@code UNKNOWN});
 * status, message, request id and retryability come from {@link UpstreamException}.
 */
public class BedrockException extends UpstreamException {
  private static final long serialVersionUID = 1L;

  private final BedrockErrorType type;

  public BedrockException(
      String provider,
      int status,
      BedrockErrorType type,
      String rawErrorType,
      String message,
      String requestId,
      boolean retryable,
      Throwable cause) {
    super(provider, status, rawErrorType, message, requestId, retryable, cause);
    this.type = type;
  }

  public BedrockErrorType type() {
    return type;
  }
}
