package dev.aperture.bedrock;

import dev.aperture.ApertureException;

/**
 * A string is not a Bedrock model id or ARN. The caller sent it, so a gateway answers 400; the
 * message quotes the id (cut to 200 characters) and says what is wrong with it.
 */
public final class InvalidModelIdException extends ApertureException {
  private static final long serialVersionUID = 1L;
  private static final int QUOTED_CHARS = 200;

  private final String modelId;

  public InvalidModelIdException(String modelId, String reason) {
    super("invalid Bedrock model id " + quote(modelId) + ": " + reason);
    this.modelId = modelId;
  }

  /** The rejected string as given; null if the caller passed null. */
  public String modelId() {
    return modelId;
  }

  @Override
  public int httpStatus() {
    return 400;
  }

  private static String quote(String id) {
    if (id == null) {
      return "null";
    }
    return id.length() <= QUOTED_CHARS
        ? "'" + id + "'"
        : "'" + id.substring(0, QUOTED_CHARS) + "…' (" + id.length() + " chars)";
  }
}
