package dev.aperture.testing;

import dev.aperture.bedrock.BedrockErrorType;
import java.util.Objects;
import java.util.Optional;

/**
 * An answer that is not a model reply: a Bedrock error ({@code x-amzn-ErrorType} header and {@code
 * {"message": …}} body) or a dropped connection. Immutable; give it to {@link
 * BedrockEmulator#failNext(int, Failure)} or a stub's {@code fail}.
 */
public final class Failure implements Outcome {
  /** The {@code x-amzn-ErrorType} suffix Bedrock appends to the error name. */
  static final String ERROR_TYPE_NAMESPACE =
      ":http://internal.amazon.com/coral/com.amazon.bedrock/";

  private final int status;
  private final String errorType;
  private final String message;
  private final boolean disconnect;

  private Failure(int status, String errorType, String message, boolean disconnect) {
    this.status = status;
    this.errorType = errorType;
    this.message = message;
    this.disconnect = disconnect;
  }

  /** The modelled error {@code type} with its status and Bedrock's usual message for it. */
  public static Failure of(BedrockErrorType type) {
    return of(type, defaultMessage(type));
  }

  /** The modelled error {@code type} with its status and this message. */
  public static Failure of(BedrockErrorType type, String message) {
    Objects.requireNonNull(type, "type");
    if (type == BedrockErrorType.UNKNOWN) {
      throw new IllegalArgumentException("UNKNOWN has no wire name; use Failure.status(…)");
    }
    return new Failure(type.status(), type.wireName(), Objects.requireNonNull(message), false);
  }

  /**
   * {@code ThrottlingException}, HTTP 429: "Too many requests, please wait before trying again."
   */
  public static Failure throttling() {
    return of(BedrockErrorType.THROTTLING);
  }

  /**
   * Any status with any error name and message. {@code errorType} is the name before the {@code :}
   * of {@code x-amzn-ErrorType}, e.g. {@code ThrottlingException}; null sends no such header (as a
   * load balancer's 502 would not).
   */
  public static Failure status(int httpStatus, String errorType, String message) {
    if (httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException("an error status is 4xx or 5xx, not " + httpStatus);
    }
    return new Failure(httpStatus, errorType, Objects.requireNonNull(message), false);
  }

  /**
   * The connection is closed as soon as the request has been read, before any response byte: the
   * client sees an I/O error. (OkHttp retries such failures by itself unless {@code
   * retryOnConnectionFailure(false)}; a retry takes the next answer.)
   */
  public static Failure disconnect() {
    return new Failure(0, null, "", true);
  }

  /** The HTTP status, or 0 for {@link #disconnect()}. */
  public int httpStatus() {
    return status;
  }

  /** The error name sent in {@code x-amzn-ErrorType}, if any. */
  public Optional<String> errorType() {
    return Optional.ofNullable(errorType);
  }

  /** The body's {@code message}; empty for {@link #disconnect()}. */
  public String message() {
    return message;
  }

  /** Whether this failure drops the connection instead of answering. */
  public boolean isDisconnect() {
    return disconnect;
  }

  /** Bedrock's usual wording for each modelled error (from its documentation and traffic). */
  static String defaultMessage(BedrockErrorType type) {
    return switch (type) {
      case VALIDATION -> "Malformed input request, please reformat your input and try again.";
      case SERVICE_QUOTA_EXCEEDED -> "Too many tokens per day, please wait before trying again.";
      case ACCESS_DENIED -> "You don't have access to the model with the specified model ID.";
      case RESOURCE_NOT_FOUND ->
          "Could not resolve the foundation model from the provided model identifier.";
      case MODEL_TIMEOUT ->
          "Model has timed out in processing the request. Try your request again.";
      case MODEL_ERROR ->
          "The system encountered an unexpected error during processing. Try your request again.";
      case THROTTLING -> "Too many requests, please wait before trying again.";
      case MODEL_NOT_READY -> "Model is not ready for inference. Wait and try your request again.";
      case INTERNAL_SERVER ->
          "The server encountered an internal error while processing the request.";
      case SERVICE_UNAVAILABLE -> "Bedrock is unable to process your request.";
      case MODEL_STREAM_ERROR -> "The model stream encountered an error. Try your request again.";
      default -> type.wireName();
    };
  }

  @Override
  public String toString() {
    return disconnect
        ? "Failure{disconnect}"
        : "Failure{" + status + " " + errorType + ": " + message + "}";
  }
}
