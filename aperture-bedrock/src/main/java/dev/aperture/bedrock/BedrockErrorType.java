package dev.aperture.bedrock;

/**
 * Bedrock Runtime's modelled errors (from the {@code x-amzn-ErrorType} header), with their HTTP
 * status and whether a retry may succeed.
 */
public enum BedrockErrorType {
  VALIDATION("ValidationException", 400, false),
  SERVICE_QUOTA_EXCEEDED("ServiceQuotaExceededException", 400, false),
  ACCESS_DENIED("AccessDeniedException", 403, false),
  RESOURCE_NOT_FOUND("ResourceNotFoundException", 404, false),
  /** Retrying is the caller's choice: the model may time out again. Not retried by default. */
  MODEL_TIMEOUT("ModelTimeoutException", 408, false),
  MODEL_ERROR("ModelErrorException", 424, false),
  THROTTLING("ThrottlingException", 429, true),
  MODEL_NOT_READY("ModelNotReadyException", 429, true),
  INTERNAL_SERVER("InternalServerException", 500, true),
  SERVICE_UNAVAILABLE("ServiceUnavailableException", 503, true),
  /** A model stream failed mid-way (stream exception frames only). */
  MODEL_STREAM_ERROR("ModelStreamErrorException", 424, false),
  /** Anything else: judged by HTTP status (502, 504 and 5xx retryable). */
  UNKNOWN("", 0, false);

  private final String wireName;
  private final int status;
  private final boolean retryable;

  BedrockErrorType(String wireName, int status, boolean retryable) {
    this.wireName = wireName;
    this.status = status;
    this.retryable = retryable;
  }

  /** The name Bedrock uses, e.g. {@code ThrottlingException}. */
  public String wireName() {
    return wireName;
  }

  /** The HTTP status Bedrock answers with. */
  public int status() {
    return status;
  }

  public boolean retryable() {
    return retryable;
  }

  /**
   * The type named by an {@code x-amzn-ErrorType} header value ({@code Name:http://…}: the part
   * before {@code :}) or by a stream exception type ({@code throttlingException}),
   * case-insensitive.
   */
  public static BedrockErrorType fromWire(String value) {
    if (value == null || value.isEmpty()) {
      return UNKNOWN;
    }
    int colon = value.indexOf(':');
    String name = colon >= 0 ? value.substring(0, colon) : value;
    for (BedrockErrorType t : values()) {
      if (t != UNKNOWN && t.wireName.equalsIgnoreCase(name)) {
        return t;
      }
    }
    return UNKNOWN;
  }
}
