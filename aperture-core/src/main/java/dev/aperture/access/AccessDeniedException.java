package dev.aperture.access;

import dev.aperture.ApertureException;
import java.util.Objects;

/**
 * The caller's grants do not allow the call. HTTP 403. The message names only what the caller asked
 * for, never another caller's grants or a configured secret.
 */
public class AccessDeniedException extends ApertureException {
  private static final long serialVersionUID = 1L;

  /** Why access was denied. */
  public enum Reason {
    /** No grant matching the caller gives a role. */
    NO_ROLE,
    /** The caller has a role, but no matching grant opens this {@code provider/model}. */
    MODEL_NOT_GRANTED
  }

  private final Reason reason;
  private final String target;

  /**
   * @param target the {@code provider/model} the caller asked for
   */
  public AccessDeniedException(Reason reason, String target) {
    super(message(reason, target));
    this.reason = reason;
    this.target = target;
  }

  private static String message(Reason reason, String target) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(target, "target");
    return reason == Reason.NO_ROLE
        ? "access denied: no role granted"
        : "access denied: model not granted: " + target;
  }

  public Reason reason() {
    return reason;
  }

  /** The {@code provider/model} the caller asked for. */
  public String target() {
    return target;
  }

  @Override
  public int httpStatus() {
    return 403;
  }
}
