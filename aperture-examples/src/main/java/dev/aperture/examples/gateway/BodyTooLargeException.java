package dev.aperture.examples.gateway;

import dev.aperture.ApertureException;

/** A request body exceeded the gateway's limit. HTTP 413. */
final class BodyTooLargeException extends ApertureException {
  private static final long serialVersionUID = 1L;

  BodyTooLargeException(int limitBytes) {
    super("the request body is larger than " + limitBytes + " bytes");
  }

  @Override
  public int httpStatus() {
    return 413;
  }
}
