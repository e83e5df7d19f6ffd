package dev.aperture.bedrock.codec;

import dev.aperture.ApertureException;

/**
 * Bedrock answered with a success status but a body that is not the answer it should be (not JSON,
 * no {@code output}, no {@code content}). Not retryable by default; a gateway answers it with HTTP
 * 502.
 */
public class BedrockResponseException extends ApertureException {
  private static final long serialVersionUID = 1L;

  public BedrockResponseException(String message) {
    super(message);
  }

  public BedrockResponseException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 502;
  }
}
