package dev.aperture.examples.gateway;

import dev.aperture.ApertureException;

/**
 * The gateway could not tell who is calling and will not serve an unnamed remote caller. HTTP 403.
 */
final class CallerRefusedException extends ApertureException {
  private static final long serialVersionUID = 1L;

  CallerRefusedException(String message) {
    super(message);
  }

  @Override
  public int httpStatus() {
    return 403;
  }
}
