package dev.aperture.access;

import dev.aperture.config.ApertureConfig;
import dev.aperture.config.Grant;
import dev.aperture.config.QuotaConfig;
import dev.aperture.internal.Glob;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration's grants, compiled: who may call which {@code provider/model}, with which role,
 * charged to which quota buckets. Immutable and thread-safe; build a new one on every config
 * reload.
 *
 * <p>Rules (the gateway's):
 *
 * <ul>
 *   <li>Deny by default; grants only add. A caller's effective access is the union of every grant
 *       whose {@code src} matches it.
 *   <li>A {@code src} entry matches: {@code *} everyone, anonymous callers included; {@code
 *       group:NAME} a caller in group NAME (groups may be held with or without the prefix); {@code
 *       tag:NAME} a caller carrying that tag; a comma-separated list of tags ({@code tag:a,tag:b},
 *       any order) a tagged caller whose identity string is exactly that set; anything else a
 *       caller whose login is exactly that text.
 *   <li>A call needs a role ({@code admin} wins over {@code user}) <em>and</em> a {@code models}
 *       glob matching {@code provider/model}; {@code *} matches within a {@code /}-separated
 *       segment, {@code **} across segments. No role is denied even if a glob matches.
 *   <li>A configuration without any {@code grants} (or {@code temp_grants}) section is open: every
 *       caller is a user of every model and no quota applies. {@link #from} logs a warning when it
 *       builds such a policy.
 * </ul>
 */
public final class AccessPolicy {
  private static final Logger log = LoggerFactory.getLogger(AccessPolicy.class);

  private final boolean open;
  private final List<CompiledGrant> grants;

  private AccessPolicy(boolean open, List<CompiledGrant> grants) {
    this.open = open;
    this.grants = List.copyOf(grants);
  }

  /**
   * Compiles the grants of {@code config}. Quota buckets a grant names but {@code quotas} does not
   * declare are ignored with a warning, and so are unknown role names.
   */
  public static AccessPolicy from(ApertureConfig config) {
    if (!config.grantsDeclared()) {
      log.warn(
          "The configuration declares no grants: access is open, every caller may use every model"
              + " and no quota applies. Add a \"grants\" section to restrict access.");
      return new AccessPolicy(true, List.of());
    }
    Map<String, QuotaConfig> quotas = config.quotas();
    List<CompiledGrant> compiled = new ArrayList<>();
    for (int i = 0; i < config.grants().size(); i++) {
      compiled.add(CompiledGrant.compile(i, config.grants().get(i), quotas));
    }
    return new AccessPolicy(false, compiled);
  }

  /** Whether this policy lets everyone use everything because no grants were declared. */
  public boolean isOpen() {
    return open;
  }

  /** Decides whether {@code identity} may call {@code model} on provider {@code providerId}. */
  public AccessDecision check(Identity identity, String providerId, String model) {
    if (open) {
      return AccessDecision.allowed(providerId, model, AccessRole.USER, List.of());
    }
    String target = providerId + "/" + model;
    Caller caller = new Caller(identity);
    AccessRole role = AccessRole.NONE;
    boolean modelGranted = false;
    for (CompiledGrant g : grants) {
      if (g.appliesTo(caller)) {
        role = role.atLeast(g.role);
        modelGranted = modelGranted || g.opens(target);
      }
    }
    if (role == AccessRole.NONE) {
      return AccessDecision.denied(providerId, model, role, AccessDeniedException.Reason.NO_ROLE);
    }
    if (!modelGranted) {
      return AccessDecision.denied(
          providerId, model, role, AccessDeniedException.Reason.MODEL_NOT_GRANTED);
    }
    return AccessDecision.allowed(providerId, model, role, buckets(caller, identity));
  }

  /** Whether {@code identity} may call {@code model} on {@code providerId}; for model listings. */
  public boolean canUse(Identity identity, String providerId, String model) {
    return check(identity, providerId, model).allowed();
  }

  /** The caller's effective role. Under an open policy everyone is a {@link AccessRole#USER}. */
  public AccessRole role(Identity identity) {
    if (open) {
      return AccessRole.USER;
    }
    Caller caller = new Caller(identity);
    AccessRole role = AccessRole.NONE;
    for (CompiledGrant g : grants) {
      if (g.appliesTo(caller)) {
        role = role.atLeast(g.role);
      }
    }
    return role;
  }

  /** Whether a grant matching {@code identity} makes it an admin. */
  public boolean isAdmin(Identity identity) {
    return role(identity) == AccessRole.ADMIN;
  }

  /**
   * The quota buckets every call by {@code identity} is charged to, from all matching grants,
   * sorted by resolved name and without duplicates. {@code <user>} is replaced by {@link
   * Identity#principal()}, so all anonymous callers share one bucket.
   */
  public List<ResolvedBucket> quotaBuckets(Identity identity) {
    return open ? List.of() : buckets(new Caller(identity), identity);
  }

  private List<ResolvedBucket> buckets(Caller caller, Identity identity) {
    TreeMap<String, ResolvedBucket> byName = new TreeMap<>();
    for (CompiledGrant g : grants) {
      if (!g.quotas.isEmpty() && g.appliesTo(caller)) {
        for (QuotaConfig q : g.quotas) {
          ResolvedBucket b = ResolvedBucket.resolve(q, identity);
          byName.putIfAbsent(b.name(), b);
        }
      }
    }
    return List.copyOf(byName.values());
  }

  @Override
  public String toString() {
    return open ? "AccessPolicy{open}" : "AccessPolicy{" + grants.size() + " grants}";
  }

  /** A caller's identity in the forms grants compare against, computed once per check. */
  private static final class Caller {
    final String login;
    final Set<String> groups;
    final Set<String> tags; // each with the tag: prefix
    final String tagSet; // sorted tags joined by commas, empty when untagged

    Caller(Identity identity) {
      this.login = identity.login();
      this.groups = identity.groups();
      TreeSet<String> t = new TreeSet<>();
      for (String tag : identity.tags()) {
        t.add(withTagPrefix(tag));
      }
      this.tags = t;
      this.tagSet = String.join(",", t);
    }
  }

  private static String withTagPrefix(String tag) {
    return tag.startsWith("tag:") ? tag : "tag:" + tag;
  }

  /** One grant with its {@code src} sorted by kind and its globs compiled. */
  private static final class CompiledGrant {
    boolean everyone;
    final Set<String> logins = new HashSet<>();
    final Set<String> groups = new HashSet<>();
    final Set<String> tags = new HashSet<>();
    final Set<String> tagSets = new HashSet<>();
    AccessRole role = AccessRole.NONE;
    final List<Pattern> models = new ArrayList<>();
    final List<QuotaConfig> quotas = new ArrayList<>();

    static CompiledGrant compile(int index, Grant grant, Map<String, QuotaConfig> declared) {
      CompiledGrant g = new CompiledGrant();
      for (String raw : grant.src()) {
        String src = raw.trim();
        if (src.isEmpty()) {
          continue;
        } else if (src.equals("*")) {
          g.everyone = true;
        } else if (src.startsWith("group:")) {
          g.groups.add(src.substring("group:".length()));
        } else if (src.indexOf(',') >= 0) {
          g.tagSets.add(normalizedTagSet(src));
        } else if (src.startsWith("tag:")) {
          g.tags.add(src);
        } else {
          g.logins.add(src);
        }
      }
      Optional<String> roleName = grant.role();
      if (roleName.isPresent()) {
        Optional<AccessRole> role = AccessRole.fromConfigValue(roleName.get());
        if (role.isPresent()) {
          g.role = role.get();
        } else {
          log.warn("grants[{}]: unknown role \"{}\" ignored", index, roleName.get());
        }
      }
      for (String glob : grant.models()) {
        g.models.add(Glob.compileSegmented(glob));
      }
      for (String bucket : grant.quotaBuckets()) {
        QuotaConfig q = declared.get(bucket);
        if (q == null) {
          log.warn(
              "grants[{}]: quota bucket \"{}\" is not declared in quotas; ignored", index, bucket);
        } else {
          g.quotas.add(q);
        }
      }
      return g;
    }

    private static String normalizedTagSet(String src) {
      TreeSet<String> parts = new TreeSet<>();
      for (String part : src.split(",")) {
        if (!part.isBlank()) {
          parts.add(withTagPrefix(part.trim()));
        }
      }
      return String.join(",", parts);
    }

    boolean appliesTo(Caller c) {
      if (everyone) {
        return true;
      }
      if (!c.login.isEmpty() && logins.contains(c.login)) {
        return true;
      }
      for (String group : c.groups) {
        String name = group.startsWith("group:") ? group.substring("group:".length()) : group;
        if (groups.contains(name)) {
          return true;
        }
      }
      for (String tag : c.tags) {
        if (tags.contains(tag)) {
          return true;
        }
      }
      return !c.tagSet.isEmpty() && tagSets.contains(c.tagSet);
    }

    boolean opens(String target) {
      for (Pattern p : models) {
        if (p.matcher(target).matches()) {
          return true;
        }
      }
      return false;
    }
  }
}
