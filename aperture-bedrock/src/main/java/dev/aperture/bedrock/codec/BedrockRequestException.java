package dev.aperture.bedrock.codec;

import dev.aperture.ApertureException;

/**
 * A chat request cannot be expressed in a Bedrock body, or would certainly be refused by Bedrock:
 * the message says which message or part and why. Raised before any call is made; never retryable;
 * a gateway answers it with HTTP 400.
 */
public class BedrockRequestException extends ApertureException {
  private static final long serialVersionUID = 1L;

  public BedrockRequestException(String message) {
    super(message);
  }

  public BedrockRequestException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
