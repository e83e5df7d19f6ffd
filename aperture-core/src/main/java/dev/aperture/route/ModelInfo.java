package dev.aperture.route;

import dev.aperture.ApiFormat;
import java.util.Set;

/** A model available through the router, with the provider that serves it. */
public record ModelInfo(
    String model, String providerId, String providerName, Set<ApiFormat> formats) {
  public ModelInfo {
    formats = Set.copyOf(formats);
  }

  /** The qualified name {@code provider/model}, which routes to this provider explicitly. */
  public String qualifiedName() {
    return providerId + "/" + model;
  }
}
