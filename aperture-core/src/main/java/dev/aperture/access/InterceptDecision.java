package dev.aperture.access;

import dev.aperture.chat.ChatRequest;
import java.util.Objects;

/** What a {@link RequestInterceptor} decides about a request: allow, block or modify it. */
public sealed interface InterceptDecision
    permits InterceptDecision.Allow, InterceptDecision.Block, InterceptDecision.Modify {

  /** Let the request through unchanged. */
  static InterceptDecision allow() {
    return Allow.INSTANCE;
  }

  /** Refuse the request with HTTP 403 and {@code message}, which the caller sees. */
  static InterceptDecision block(String message) {
    return new Block(403, message);
  }

  /** Refuse the request with {@code status} (4xx or 5xx) and {@code message}. */
  static InterceptDecision block(int status, String message) {
    return new Block(status, message);
  }

  /** Continue with {@code request} instead of the one received. */
  static InterceptDecision modify(ChatRequest request) {
    return new Modify(request);
  }

  /** The request proceeds unchanged. */
  record Allow() implements InterceptDecision {
    static final Allow INSTANCE = new Allow();
  }

  /**
   * The request is refused and never reaches the provider.
   *
   * @param status the HTTP status the caller receives, 400 to 599
   * @param message the reason the caller sees; must not contain secrets
   */
  record Block(int status, String message) implements InterceptDecision {
    public Block {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("block status must be 4xx or 5xx, not " + status);
      }
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The request is replaced; later interceptors and the provider see {@code request}.
   *
   * @param request the replacement; the caller's identity must stay the same
   */
  record Modify(ChatRequest request) implements InterceptDecision {
    public Modify {
      Objects.requireNonNull(request, "request");
    }
  }
}
