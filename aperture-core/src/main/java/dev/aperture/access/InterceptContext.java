package dev.aperture.access;

import java.util.Objects;

/**
 * What an interceptor knows about a call besides the request itself, as routed before any
 * interceptor ran.
 *
 * @param identity the caller
 * @param providerId the provider the request was routed to, e.g. {@code bedrock-us}
 * @param model the model as the caller named it
 * @param api the format the request arrived in ({@link dev.aperture.ApiFormat#configKey()}, e.g.
 *     {@code openai_chat}); empty for canonical {@code chat()} calls
 * @param sessionId the conversation's session id; empty when unknown
 */
public record InterceptContext(
    Identity identity, String providerId, String model, String api, String sessionId) {
  public InterceptContext {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(providerId, "providerId");
    Objects.requireNonNull(model, "model");
    api = api == null ? "" : api;
    sessionId = sessionId == null ? "" : sessionId;
  }
}
