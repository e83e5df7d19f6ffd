package dev.aperture.testing;

/**
 * An error answer decided by the emulator's own rules: status, the error name for {@code
 * x-amzn-ErrorType} (null for none) and the message. {@code capitalKey} writes the message under
 * {@code Message}, as Bedrock's authentication layer does, instead of {@code message}.
 */
record Refusal(int status, String errorType, String message, boolean capitalKey)
    implements Outcome {
  static Refusal validation(String message) {
    return new Refusal(400, "ValidationException", message, false);
  }

  static Refusal fromFailure(Failure failure) {
    return new Refusal(
        failure.httpStatus(), failure.errorType().orElse(null), failure.message(), false);
  }
}
