package dev.aperture.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ConfigIssue;
import dev.aperture.config.Grant;
import dev.aperture.config.ImmutableApertureConfig;
import dev.aperture.config.ProviderConfig;
import dev.aperture.config.QuotaConfig;
import dev.aperture.internal.Secrets;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a configuration document into an {@link ApertureConfig}, finding every problem rather than
 * stopping at the first. Never throws for bad input: the result carries the issues, and a config
 * only when there is no error.
 *
 * <p>No message contains an API key or a value a macro produced: every message is passed through
 * {@link Secrets#redact} with those values, on top of messages being written not to quote values.
 * Paths are not redacted: they are built from keys, which macros never touch.
 *
 * <p>Immutable and thread-safe; the lookup must be too if the reader is shared.
 */
public final class ConfigReader {
  private static final Set<String> KEPT_SECTIONS = Set.of("hooks", "exporters", "database", "mcp");

  private final Function<String, String> macroLookup;

  /**
   * @param macroLookup the value of {@code ${NAME}} for a name, or null when it is not defined
   */
  public ConfigReader(Function<String, String> macroLookup) {
    this.macroLookup = Objects.requireNonNull(macroLookup, "macroLookup");
  }

  /** What reading found: a config when there were no errors, and every issue. */
  public record Result(ApertureConfig config, List<ConfigIssue> issues) {
    /** Whether any issue is an error (then {@link #config()} is null). */
    public boolean hasErrors() {
      return issues.stream().anyMatch(ConfigIssue::isError);
    }
  }

  /** Reads a document held as UTF-8 bytes (a leading byte order mark is allowed). */
  public Result read(byte[] utf8) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8))
              .toString();
    } catch (CharacterCodingException e) {
      return new Result(
          null, List.of(ConfigIssue.error(ConfigPath.ROOT, "the document is not valid UTF-8")));
    }
    return read(text);
  }

  /** Reads a document. */
  public Result read(String text) {
    Objects.requireNonNull(text, "text");
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    JsonDocument document = new JsonDocument();
    Issues issues = new Issues(document.positions());
    JsonNode root = document.read(text, issues);
    if (root == null) {
      return new Result(null, issues.inDocumentOrder());
    }
    Macros macros = new Macros(macroLookup, issues);
    macros.expandAll(root, ConfigPath.ROOT);

    Set<String> secrets = new LinkedHashSet<>(macros.resolvedValues());
    ImmutableApertureConfig.Builder config = ApertureConfig.builder();
    if (!root.isObject()) {
      issues.error(
          ConfigPath.ROOT,
          "the document must be a JSON object with a providers section, not "
              + Fields.typeName(root));
    } else {
      readTopLevel((ObjectNode) root, issues, config, secrets);
    }

    List<ConfigIssue> found = new ArrayList<>();
    for (ConfigIssue i : issues.inDocumentOrder()) {
      found.add(new ConfigIssue(i.severity(), i.path(), Secrets.redact(i.message(), secrets)));
    }
    if (issues.errorCount() > 0) {
      return new Result(null, found);
    }
    config.warnings(found);
    return new Result(config.build(), found);
  }

  private static void readTopLevel(
      ObjectNode root, Issues issues, ImmutableApertureConfig.Builder config, Set<String> secrets) {
    Fields fields = new Fields(issues);

    Boolean auto = fields.bool(root, "auto_cost_basis", "auto_cost_basis");
    boolean autoCostBasis = auto == null || auto;
    config.autoCostBasis(autoCostBasis);

    ObjectNode providers =
        fields.requiredObject(
            root,
            "providers",
            "providers",
            "providers is required: a map from provider id to {baseurl, apikey, models, ...}");
    Set<String> providerIds = new LinkedHashSet<>();
    if (providers != null && providers.isEmpty()) {
      issues.error("providers", "providers must declare at least one provider");
    } else if (providers != null) {
      ProviderReader reader = new ProviderReader(issues, autoCostBasis, secrets);
      for (Map.Entry<String, JsonNode> e : providers.properties()) {
        providerIds.add(e.getKey());
        ProviderConfig p =
            reader.read(e.getKey(), e.getValue(), ConfigPath.key("providers", e.getKey()));
        if (p != null) {
          config.putProvider(e.getKey(), p);
        }
      }
    }

    ObjectNode quotas = fields.object(root, "quotas", "quotas");
    Set<String> quotaNames = new LinkedHashSet<>();
    if (quotas != null) {
      QuotaReader reader = new QuotaReader(issues);
      for (Map.Entry<String, JsonNode> e : quotas.properties()) {
        quotaNames.add(e.getKey());
        QuotaConfig q = reader.read(e.getKey(), e.getValue(), ConfigPath.key("quotas", e.getKey()));
        if (q != null) {
          config.putQuota(e.getKey(), q);
        }
      }
    }

    GrantReader grants = new GrantReader(issues, providerIds, quotaNames);
    Set<String> referencedBuckets = new LinkedHashSet<>();
    boolean grantsDeclared = false;
    for (String section : List.of("grants", "temp_grants")) {
      grantsDeclared |= Fields.get(root, section) != null;
      ArrayNode list = fields.array(root, section, section);
      if (list == null) {
        continue;
      }
      for (int i = 0; i < list.size(); i++) {
        Grant g = grants.read(list.get(i), ConfigPath.index(section, i));
        if (g != null) {
          config.addGrant(g);
          referencedBuckets.addAll(g.quotaBuckets());
        }
      }
    }
    config.grantsDeclared(grantsDeclared);
    for (String name : quotaNames) {
      if (!referencedBuckets.contains(name) && issues.errorCount() == 0) {
        issues.warning(
            ConfigPath.key("quotas", name),
            "quota \"" + name + "\" is not referenced by any grant, so it limits nothing");
      }
    }

    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String key = e.getKey();
      if (isKnownSection(key)) {
        continue;
      }
      config.putOtherSection(key, e.getValue().toString());
      String at = ConfigPath.key(ConfigPath.ROOT, key);
      if (key.equals("hooks")) {
        issues.warning(
            at,
            "section \"hooks\" is kept but not acted on by ModelRouter itself: add the webhooks"
                + " WebhookInterceptor.fromConfig builds from it as interceptors (the example"
                + " gateway does)");
      } else if (KEPT_SECTIONS.contains(key)) {
        issues.warning(
            at,
            "section \"" + key + "\" is kept but not acted on: this library does not implement it");
      } else {
        issues.warning(at, "unknown section \"" + key + "\" is ignored");
      }
    }
  }

  private static boolean isKnownSection(String key) {
    return key.equals("providers")
        || key.equals("grants")
        || key.equals("temp_grants")
        || key.equals("quotas")
        || key.equals("auto_cost_basis");
  }
}
