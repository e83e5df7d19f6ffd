package dev.aperture.examples.gateway;

/**
 * An answer that had already begun could not be completed (the provider's stream broke off). The
 * gateway then drops the connection instead of ending the answer normally.
 */
final class AnswerBrokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  AnswerBrokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
