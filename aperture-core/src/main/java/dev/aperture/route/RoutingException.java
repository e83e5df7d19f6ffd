package dev.aperture.route;

import dev.aperture.ApertureException;

/**
 * A request could not be routed to a provider: unknown model, format not enabled, provider disabled
 * or without an implementation. Never names a configured secret.
 */
public class RoutingException extends ApertureException {
  private static final long serialVersionUID = 1L;

  /** Why routing failed; gateways map these to their native error codes. */
  public enum Reason {
    UNKNOWN_MODEL,
    FORMAT_NOT_ENABLED,
    PROVIDER_DISABLED,
    NO_IMPLEMENTATION,
    /** The request itself does not say what to route: no model, or a body that is not JSON. */
    INVALID_REQUEST
  }

  private final Reason reason;
  private final String model;

  public RoutingException(Reason reason, String model, String message) {
    super(message);
    this.reason = reason;
    this.model = model;
  }

  public Reason reason() {
    return reason;
  }

  /** The model as the caller named it. */
  public String model() {
    return model;
  }

  @Override
  public int httpStatus() {
    if (reason == Reason.INVALID_REQUEST) {
      return 400;
    }
    return reason == Reason.NO_IMPLEMENTATION ? 501 : 404;
  }
}
