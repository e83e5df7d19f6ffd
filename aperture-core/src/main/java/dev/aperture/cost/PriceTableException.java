package dev.aperture.cost;

import dev.aperture.ApertureException;

/** A price table could not be read: bad JSON, a missing or negative rate, a cycle of bases. */
public class PriceTableException extends ApertureException {
  private static final long serialVersionUID = 1L;

  public PriceTableException(String message) {
    super(message);
  }

  public PriceTableException(String message, Throwable cause) {
    super(message, cause);
  }
}
