package dev.aperture.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.config.Grant;
import dev.aperture.config.ImmutableGrant;
import java.util.Map;
import java.util.Set;

/**
 * Reads one entry of {@code grants} or {@code temp_grants}:
 *
 * <pre>{@code
 * {"src": ["group:ai-users"],
 *  "app": {"tailscale.com/cap/aperture": [{"role": "user"}, {"models": "bedrock-us/**"},
 *                                         {"quotas": [{"bucket": "daily-<user>"}]}]}}
 * }</pre>
 *
 * Each capability entry may hold any of {@code role}, {@code models} and {@code quotas}; a grant
 * collects them all, {@code admin} winning over {@code user}. Model patterns and bucket names are
 * checked against the declared providers and quotas.
 */
final class GrantReader {
  /** The capability key under {@code app} that holds Aperture's grants. */
  static final String CAPABILITY = "tailscale.com/cap/aperture";

  private static final Set<String> FIELDS = Set.of("src", "app");
  private static final Set<String> ENTRY_FIELDS = Set.of("role", "models", "quotas");
  private static final Set<String> BUCKET_FIELDS = Set.of("bucket");

  private final Issues issues;
  private final Fields fields;
  private final Set<String> providerIds;
  private final Set<String> quotaNames;

  GrantReader(Issues issues, Set<String> providerIds, Set<String> quotaNames) {
    this.issues = issues;
    this.fields = new Fields(issues);
    this.providerIds = providerIds;
    this.quotaNames = quotaNames;
  }

  /** The grant at {@code path}, or null when it has errors (all reported). */
  Grant read(JsonNode node, String path) {
    if (!node.isObject()) {
      fields.typeError(path, "a grant", "an object {src, app}", node);
      return null;
    }
    int errorsBefore = issues.errorCount();
    ImmutableGrant.Builder b = Grant.builder();
    readSrc(node, path, b);
    ObjectNode app = fields.object(node, "app", ConfigPath.key(path, "app"));
    Role role = Role.NONE;
    if (app == null) {
      if (Fields.get(node, "app") == null) {
        issues.warning(
            ConfigPath.key(path, "app"),
            "this grant has no app section, so it gives nothing (expected \"app\": {\""
                + CAPABILITY
                + "\": [...]})");
      }
    } else {
      String appAt = ConfigPath.key(path, "app");
      for (Map.Entry<String, JsonNode> cap : app.properties()) {
        String capAt = ConfigPath.key(appAt, cap.getKey());
        if (!cap.getKey().equals(CAPABILITY)) {
          issues.warning(
              capAt,
              "capability \""
                  + cap.getKey()
                  + "\" is ignored; Aperture reads \""
                  + CAPABILITY
                  + "\"");
        } else if (!cap.getValue().isArray()) {
          fields.typeError(capAt, "the capability", "an array of grant entries", cap.getValue());
        } else {
          ArrayNode entries = (ArrayNode) cap.getValue();
          for (int i = 0; i < entries.size(); i++) {
            role = role.max(readEntry(entries.get(i), ConfigPath.index(capAt, i), b));
          }
        }
      }
    }
    if (role != Role.NONE) {
      b.role(role.configValue);
    }
    fields.warnUnknown((ObjectNode) node, FIELDS, path, "grant");
    return issues.errorCount() > errorsBefore ? null : b.build();
  }

  private void readSrc(JsonNode grant, String path, ImmutableGrant.Builder b) {
    String at = ConfigPath.key(path, "src");
    ArrayNode src =
        fields.requiredArray(
            grant,
            "src",
            at,
            "src is required: who the grant applies to (logins, group:NAME, tag:NAME or \"*\")");
    if (src == null) {
      return;
    }
    for (int i = 0; i < src.size(); i++) {
      JsonNode s = src.get(i);
      if (!s.isTextual() || s.textValue().isEmpty()) {
        fields.typeError(ConfigPath.index(at, i), "a src entry", "a non-empty string", s);
      } else {
        b.addSrc(s.textValue());
      }
    }
  }

  /** Reads one capability entry into {@code b}; answers the role it grants. */
  private Role readEntry(JsonNode entry, String path, ImmutableGrant.Builder b) {
    if (!entry.isObject()) {
      fields.typeError(path, "a grant entry", "an object with role, models or quotas", entry);
      return Role.NONE;
    }
    Role role = Role.NONE;
    String roleAt = ConfigPath.key(path, "role");
    String roleName = fields.string(entry, "role", roleAt);
    if (roleName != null) {
      role = Role.of(roleName);
      if (role == Role.NONE) {
        issues.error(roleAt, "role must be \"user\" or \"admin\"");
      }
    }
    readModels(entry, ConfigPath.key(path, "models"), b);
    readQuotas(entry, ConfigPath.key(path, "quotas"), b);
    fields.warnUnknown((ObjectNode) entry, ENTRY_FIELDS, path, "grant entry");
    return role;
  }

  /** {@code models} is one glob; an array of globs is accepted as the same thing, several times. */
  private void readModels(JsonNode entry, String at, ImmutableGrant.Builder b) {
    JsonNode models = Fields.get(entry, "models");
    if (models == null) {
      return;
    }
    if (models.isTextual()) {
      readPattern(models.textValue(), at, b);
    } else if (models.isArray()) {
      for (int i = 0; i < models.size(); i++) {
        JsonNode m = models.get(i);
        if (m.isTextual()) {
          readPattern(m.textValue(), ConfigPath.index(at, i), b);
        } else {
          fields.typeError(ConfigPath.index(at, i), "a models pattern", "a string", m);
        }
      }
    } else {
      fields.typeError(at, "models", "a glob string such as \"bedrock-us/**\"", models);
    }
  }

  private void readPattern(String pattern, String at, ImmutableGrant.Builder b) {
    if (pattern.isEmpty()) {
      issues.error(at, "a models pattern must not be empty (\"**\" opens every model)");
      return;
    }
    int slash = pattern.indexOf('/');
    if (slash >= 0) {
      String provider = pattern.substring(0, slash);
      boolean literal = provider.indexOf('*') < 0 && provider.indexOf('?') < 0;
      if (literal && !providerIds.contains(provider)) {
        issues.error(
            at,
            "models pattern \""
                + pattern
                + "\" names provider \""
                + provider
                + "\", which is not declared in providers (declared: "
                + String.join(", ", providerIds)
                + ")");
        return;
      }
    }
    b.addModel(pattern);
  }

  private void readQuotas(JsonNode entry, String at, ImmutableGrant.Builder b) {
    ArrayNode quotas = fields.array(entry, "quotas", at);
    if (quotas == null) {
      return;
    }
    for (int i = 0; i < quotas.size(); i++) {
      JsonNode q = quotas.get(i);
      String qAt = ConfigPath.index(at, i);
      if (!q.isObject()) {
        fields.typeError(qAt, "a quota reference", "an object {\"bucket\": NAME}", q);
        continue;
      }
      String bucketAt = ConfigPath.key(qAt, "bucket");
      String bucket =
          fields.requiredString(
              q, "bucket", bucketAt, "bucket is required: the name of a quota declared in quotas");
      if (bucket != null && !quotaNames.contains(bucket)) {
        issues.error(
            bucketAt,
            "quota bucket \""
                + bucket
                + "\" is not declared in quotas (names must match exactly, <user> included)");
      } else if (bucket != null) {
        b.addQuotaBucket(bucket);
      }
      fields.warnUnknown((ObjectNode) q, BUCKET_FIELDS, qAt, "quota reference");
    }
  }

  /** Roles in increasing power; a grant keeps the most powerful it names. */
  private enum Role {
    NONE(null),
    USER("user"),
    ADMIN("admin");

    final String configValue;

    Role(String configValue) {
      this.configValue = configValue;
    }

    static Role of(String name) {
      if (name.equals("user")) {
        return USER;
      }
      if (name.equals("admin")) {
        return ADMIN;
      }
      return NONE;
    }

    Role max(Role other) {
      return other.ordinal() > ordinal() ? other : this;
    }
  }
}
