package dev.aperture.examples.gateway;

import dev.aperture.ApertureException;
import dev.aperture.StreamException;
import dev.aperture.UpstreamException;
import dev.aperture.access.QuotaExceededException;
import dev.aperture.openai.OpenAiRequestException;
import dev.aperture.route.RoutingException;
import java.util.Collection;

/**
 * A failure as the gateway reports it, before it is put in a caller's error format: the HTTP
 * status, a message safe to show the caller, and what some formats carry besides (the provider's
 * own error type, OpenAI's {@code code} and {@code param}, a {@code Retry-After}).
 *
 * @param status the HTTP status to answer with
 * @param message the message for the caller, free of configured credentials
 * @param upstreamType the provider's error type when the provider named one (e.g. {@code
 *     ValidationException}), else null
 * @param openAiCode OpenAI's machine-readable {@code code}, or null
 * @param param the offending request field (OpenAI's {@code param}), or null
 * @param retryAfterSeconds the {@code Retry-After} to send, or 0 for none
 * @param quota whether a quota refused the call (OpenAI {@code insufficient_quota})
 */
record GatewayError(
    int status,
    String message,
    String upstreamType,
    String openAiCode,
    String param,
    long retryAfterSeconds,
    boolean quota) {

  /** A failure the gateway itself detected (bad method, unknown path, unreadable body). */
  static GatewayError of(int status, String message) {
    return new GatewayError(status, message, null, null, null, 0, false);
  }

  /**
   * Describes {@code failure}, with every one of {@code secrets} masked in the message. An upstream
   * error keeps the provider's status, error type and own message; an exception that is not the
   * library's is an internal error whose detail stays in the log.
   */
  static GatewayError of(Throwable failure, Collection<String> secrets) {
    GatewayError e = describe(failure);
    return new GatewayError(
        e.status,
        redact(e.message, secrets),
        e.upstreamType,
        e.openAiCode,
        e.param,
        e.retryAfterSeconds,
        e.quota);
  }

  private static GatewayError describe(Throwable failure) {
    if (!(failure instanceof ApertureException ae)) {
      return of(500, "internal error in the gateway (" + failure.getClass().getSimpleName() + ")");
    }
    String message = String.valueOf(ae.getMessage());
    if (ae instanceof QuotaExceededException q) {
      return new GatewayError(
          429, message, null, "insufficient_quota", null, q.retryAfterSeconds(), true);
    }
    if (ae instanceof OpenAiRequestException r) {
      return new GatewayError(400, message, null, r.code(), r.param().orElse(null), 0, false);
    }
    if (ae instanceof RoutingException r) {
      boolean noModel =
          r.reason() == RoutingException.Reason.UNKNOWN_MODEL
              || r.reason() == RoutingException.Reason.PROVIDER_DISABLED;
      return new GatewayError(
          r.httpStatus(), message, null, noModel ? "model_not_found" : null, "model", 0, false);
    }
    if (ae instanceof UpstreamException u) {
      return new GatewayError(
          u.httpStatus(),
          // the provider's own words when it answered; ours when it could not be reached
          u.status() > 0 ? u.upstreamMessage().filter(m -> !m.isBlank()).orElse(message) : message,
          u.errorType().orElse(null),
          null,
          null,
          0,
          false);
    }
    if (ae instanceof StreamException s) {
      return new GatewayError(
          s.httpStatus(), message, s.errorType().orElse(null), null, null, 0, false);
    }
    return of(ae.httpStatus(), message);
  }

  /**
   * {@code failure} itself when its message holds none of {@code secrets}; otherwise a stand-in
   * with the same HTTP status and retryability and the secrets masked. For failures written by
   * library code that takes an exception (the OpenAI chunk writer's error event).
   */
  static ApertureException masked(ApertureException failure, Collection<String> secrets) {
    String message = String.valueOf(failure.getMessage());
    String safe = redact(message, secrets);
    if (safe.equals(message)) {
      return failure;
    }
    int status = failure.httpStatus();
    boolean retryable = failure.retryable();
    return new ApertureException(safe) {
      private static final long serialVersionUID = 1L;

      @Override
      public int httpStatus() {
        return status;
      }

      @Override
      public boolean retryable() {
        return retryable;
      }
    };
  }

  private static String redact(String text, Collection<String> secrets) {
    String out = text;
    for (String s : secrets) {
      // a key shorter than 4 characters would mangle ordinary words and is no real credential
      if (s != null && s.length() >= 4) {
        out = out.replace(s, "****");
      }
    }
    return out;
  }
}
