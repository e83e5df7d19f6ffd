package dev.aperture.route.internal;

import dev.aperture.ApiFormat;
import dev.aperture.access.AccessPolicy;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ConfigException;
import dev.aperture.config.ConfigIssue;
import dev.aperture.config.ProviderConfig;
import dev.aperture.provider.Provider;
import dev.aperture.provider.ProviderContext;
import dev.aperture.provider.ProviderFactory;
import dev.aperture.route.ModelInfo;
import dev.aperture.route.Route;
import dev.aperture.route.RoutingException;
import dev.aperture.route.RoutingException.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One configuration compiled into an immutable routing index: model → enabled providers ordered by
 * preference (highest first, ties by provider id), plus the provider instances. Never changes after
 * construction, so readers need no lock.
 */
final class Snapshot {
  private static final Comparator<ProviderConfig> PREFERENCE_ORDER =
      Comparator.comparingInt(ProviderConfig::preference)
          .reversed()
          .thenComparing(ProviderConfig::id);

  final ApertureConfig config;
  final AccessPolicy access;
  private final Map<String, Provider> providers;
  private final Map<String, List<ProviderConfig>> byModel;
  private final List<ModelInfo> models;

  /**
   * {@link #route(String)}'s answers by requested model: this snapshot's providers and models do
   * not change, so neither does the route. Bounded so that odd model names cannot grow it.
   */
  private final Map<String, Route> routes = new java.util.concurrent.ConcurrentHashMap<>();

  private static final int MAX_CACHED_ROUTES = 1024;
  final List<String> secrets;

  Snapshot(ApertureConfig config, List<ProviderFactory> factories, ProviderContext context) {
    this.config = config;
    this.access = AccessPolicy.from(config);
    Map<String, Provider> made = new HashMap<>();
    Map<String, List<ProviderConfig>> index = new HashMap<>();
    List<ModelInfo> listing = new ArrayList<>();
    List<ConfigIssue> errors = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (ProviderConfig p : config.providers().values()) {
      if (!p.apiKey().isEmpty()) {
        keys.add(p.apiKey());
      }
      if (p.disabled()) {
        continue;
      }
      Provider provider = null;
      for (ProviderFactory f : factories) {
        try {
          provider = f.create(p, context);
        } catch (RuntimeException e) {
          errors.add(
              ConfigIssue.error(
                  "providers." + p.id(), "provider cannot be set up: " + e.getMessage()));
          break;
        }
        if (provider != null) {
          made.put(p.id(), provider);
          break;
        }
      }
      for (String m : p.models()) {
        index.computeIfAbsent(m, k -> new ArrayList<>()).add(p);
        listing.add(new ModelInfo(m, p.id(), p.name(), p.compatibility()));
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    Map<String, List<ProviderConfig>> ordered = new LinkedHashMap<>();
    index.forEach(
        (m, list) -> {
          list.sort(PREFERENCE_ORDER);
          ordered.put(m, List.copyOf(list));
        });
    this.providers = Map.copyOf(made);
    this.byModel = ordered;
    this.models = List.copyOf(listing);
    this.secrets = List.copyOf(keys);
  }

  List<ModelInfo> models() {
    return models;
  }

  Provider provider(String id) {
    Provider p = providers.get(id);
    if (p == null) {
      ProviderConfig c = config.providers().get(id);
      throw new RoutingException(
          Reason.NO_IMPLEMENTATION,
          "",
          "provider '"
              + id
              + "' has no implementation for its formats "
              + (c == null ? "[]" : c.compatibility())
              + ": register a ProviderFactory that handles it");
    }
    return p;
  }

  Route route(String model) {
    Route known = routes.get(model);
    if (known != null) {
      return known;
    }
    Route route = findRoute(model);
    if (routes.size() < MAX_CACHED_ROUTES) {
      routes.putIfAbsent(model, route);
    }
    return route;
  }

  private Route findRoute(String model) {
    Candidates c = candidates(model);
    RoutingException last = null;
    for (ProviderConfig p : c.providers) {
      Provider provider = providers.get(p.id());
      if (provider == null) {
        last =
            new RoutingException(
                Reason.NO_IMPLEMENTATION,
                model,
                "provider '"
                    + p.id()
                    + "' serves model '"
                    + model
                    + "' but no provider implementation handles its formats "
                    + p.compatibility());
        continue;
      }
      try {
        ApiFormat api = provider.unifiedApi(c.upstreamModel);
        return new Route(p, model, c.upstreamModel, api);
      } catch (RoutingException e) {
        last = e;
      }
    }
    throw last;
  }

  Route route(String model, ApiFormat format) {
    Candidates c = candidates(model);
    for (ProviderConfig p : c.providers) {
      if (p.supports(format)) {
        return new Route(p, model, c.upstreamModel, format);
      }
    }
    String served =
        c.providers.stream()
            .map(p -> "'" + p.id() + "' (enables " + p.compatibility() + ")")
            .collect(Collectors.joining(", "));
    throw new RoutingException(
        Reason.FORMAT_NOT_ENABLED,
        model,
        "model '" + model + "' is served by " + served + ", none of which enables " + format);
  }

  /**
   * Resolves a native request: the first candidate (by preference) that enables {@code format};
   * failing that, the first whose provider can translate it ({@link Provider#translatedApi}).
   */
  Route routeForward(String model, ApiFormat format) {
    Candidates c = candidates(model);
    for (ProviderConfig p : c.providers) {
      if (p.supports(format)) {
        return new Route(p, model, c.upstreamModel, format);
      }
    }
    for (ProviderConfig p : c.providers) {
      Provider provider = providers.get(p.id());
      ApiFormat api = provider == null ? null : provider.translatedApi(format, c.upstreamModel);
      if (api != null) {
        return new Route(p, model, c.upstreamModel, api);
      }
    }
    return route(model, format); // throws FORMAT_NOT_ENABLED with the full explanation
  }

  private Candidates candidates(String model) {
    int slash = model.indexOf('/');
    if (slash > 0) {
      ProviderConfig named = config.providers().get(model.substring(0, slash));
      String rest = model.substring(slash + 1);
      if (named != null && named.serves(rest)) {
        if (named.disabled()) {
          throw new RoutingException(
              Reason.PROVIDER_DISABLED, model, "provider '" + named.id() + "' is disabled");
        }
        return new Candidates(List.of(named), rest);
      }
    }
    List<ProviderConfig> list = byModel.get(model);
    if (list != null) {
      return new Candidates(list, model);
    }
    boolean servedByDisabled =
        config.providers().values().stream().anyMatch(p -> p.disabled() && p.serves(model));
    throw new RoutingException(
        Reason.UNKNOWN_MODEL,
        model,
        servedByDisabled
            ? "model '" + model + "' is served only by disabled providers"
            : "unknown model '" + model + "': no configured provider serves it");
  }

  private record Candidates(List<ProviderConfig> providers, String upstreamModel) {}
}
