package dev.aperture.provider;

import dev.aperture.ApiFormat;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.config.ProviderConfig;
import dev.aperture.route.Route;

/**
 * One configured provider, able to serve canonical chat calls (and, optionally, native
 * passthrough). Implementations are immutable and thread-safe; a configuration reload makes new
 * instances, while calls in flight finish on the old ones.
 *
 * <p>The router has already stripped any {@code provider/} prefix: {@code request.model()} is the
 * upstream model id. Providers fill in usage; the router computes cost and usage records.
 */
public interface Provider {
  /** The configuration this provider was made from. */
  ProviderConfig config();

  /**
   * The upstream API this provider uses for a unified call to {@code upstreamModel}. Throws {@link
   * dev.aperture.route.RoutingException} when no enabled API can serve it. The router remembers the
   * answer for each model for as long as it uses this instance (which is immutable).
   */
  ApiFormat unifiedApi(String upstreamModel);

  /** Sends a canonical request and waits for the whole answer. */
  ChatResponse chat(Route route, ChatRequest request);

  /**
   * Sends a canonical request and returns its answer as events, decoded lazily in the caller's
   * thread. Closing the source cancels the call.
   */
  EventSource stream(Route route, ChatRequest request);

  /**
   * The upstream API this provider would use for a native request arriving in {@code inbound} when
   * it does not enable {@code inbound} itself, i.e. one it can translate (Bedrock: Anthropic
   * Messages to InvokeModel for Claude); null when it cannot.
   */
  default ApiFormat translatedApi(ApiFormat inbound, String upstreamModel) {
    return null;
  }

  /**
   * Forwards a native request: the caller's credentials are removed and the provider's injected,
   * the body passed on (rewritten only when {@code route.upstreamApi()} differs from the request's
   * format), and the answer streamed back unchanged while usage is read on the side and reported to
   * {@code sink} exactly once.
   */
  default ForwardResponse forward(Route route, ForwardRequest request, UsageSink sink) {
    throw new UnsupportedOperationException(
        "provider '" + config().id() + "' does not support native passthrough");
  }
}
