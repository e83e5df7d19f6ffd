package dev.aperture.route;

import dev.aperture.ApiFormat;
import dev.aperture.config.ProviderConfig;
import java.util.Objects;

/**
 * Where a request goes: the provider, the model id to send upstream (the caller's name with any
 * {@code provider/} prefix removed) and the upstream API to speak.
 */
public record Route(
    ProviderConfig provider, String requestedModel, String upstreamModel, ApiFormat upstreamApi) {
  public Route {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(requestedModel, "requestedModel");
    Objects.requireNonNull(upstreamModel, "upstreamModel");
    Objects.requireNonNull(upstreamApi, "upstreamApi");
  }

  /** The provider's id, e.g. {@code bedrock-us}. */
  public String providerId() {
    return provider.id();
  }

  /** This route with another upstream API (a provider picks one for unified calls). */
  public Route withUpstreamApi(ApiFormat api) {
    return new Route(provider, requestedModel, upstreamModel, api);
  }

  @Override
  public String toString() {
    return provider.id() + "/" + upstreamModel + " via " + upstreamApi;
  }
}
