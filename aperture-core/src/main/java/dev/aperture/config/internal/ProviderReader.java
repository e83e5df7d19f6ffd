package dev.aperture.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.ApiFormat;
import dev.aperture.config.AuthMode;
import dev.aperture.config.AuthorizationScheme;
import dev.aperture.config.ImmutableModelCostRule;
import dev.aperture.config.ImmutableProviderConfig;
import dev.aperture.config.ModelCostRule;
import dev.aperture.config.ProviderConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads one entry of {@code providers}. Collects the API keys it sees so that the caller can keep
 * them out of every message.
 */
final class ProviderReader {
  static final Set<String> FIELDS =
      Set.of(
          "baseurl",
          "apikey",
          "authorization",
          "models",
          "compatibility",
          "cost_basis",
          "preference",
          "disabled",
          "add_headers",
          "model_cost_map",
          "name",
          "description",
          "auth_mode");

  private static final Set<String> COST_RULE_FIELDS = Set.of("match", "as", "adjustment");

  /** The price lists the gateway knows. */
  static final List<String> COST_BASES =
      List.of(
          "anthropic",
          "openai",
          "google",
          "vertex",
          "bedrock",
          "bedrock-us",
          "bedrock-eu",
          "bedrock-ap",
          "azure",
          "azure-eu",
          "openrouter",
          "vercel");

  private static final Set<ApiFormat> BEDROCK_FORMATS =
      EnumSet.of(ApiFormat.BEDROCK_MODEL_INVOKE, ApiFormat.BEDROCK_CONVERSE);

  private static final String FLAG_NAMES =
      Arrays.stream(ApiFormat.values()).map(ApiFormat::configKey).collect(Collectors.joining(", "));

  private static final String SCHEME_NAMES =
      Arrays.stream(AuthorizationScheme.values())
          .map(AuthorizationScheme::configValue)
          .collect(Collectors.joining(", "));

  private final Issues issues;
  private final Fields fields;
  private final boolean autoCostBasis;
  private final Set<String> apiKeys;

  /**
   * @param apiKeys receives every non-empty {@code apikey} read, to be kept out of messages
   */
  ProviderReader(Issues issues, boolean autoCostBasis, Set<String> apiKeys) {
    this.issues = issues;
    this.fields = new Fields(issues);
    this.autoCostBasis = autoCostBasis;
    this.apiKeys = apiKeys;
  }

  /** The provider {@code id} at {@code path}, or null when it has errors (all reported). */
  ProviderConfig read(String id, JsonNode node, String path) {
    if (!node.isObject()) {
      fields.typeError(path, "a provider", "an object", node);
      return null;
    }
    int errorsBefore = issues.errorCount();
    ObjectNode p = (ObjectNode) node;
    ImmutableProviderConfig.Builder b = ProviderConfig.builder().id(id);
    if (id.isEmpty() || id.contains("/")) {
      issues.error(
          path,
          "a provider id must be non-empty and must not contain '/', because requests name a"
              + " provider's model as provider/model");
    }
    readBaseUrl(p, path, b);
    AuthMode authMode = readAuthMode(p, path);
    b.authMode(authMode);
    readApiKey(p, path, authMode, b);
    readAuthorization(p, path, b);
    readModels(p, path, b);
    Set<ApiFormat> formats = readCompatibility(p, path);
    b.compatibility(formats);
    readCostBasis(p, path, formats, b);
    Integer preference = fields.integer(p, "preference", ConfigPath.key(path, "preference"));
    if (preference != null) {
      b.preference(preference);
    }
    Boolean disabled = fields.bool(p, "disabled", ConfigPath.key(path, "disabled"));
    if (disabled != null) {
      b.disabled(disabled);
    }
    readHeaders(p, path, b);
    readModelCostMap(p, path, b);
    String name = fields.string(p, "name", ConfigPath.key(path, "name"));
    if (name != null) {
      b.name(name);
    }
    String description = fields.string(p, "description", ConfigPath.key(path, "description"));
    if (description != null) {
      b.description(description);
    }
    fields.warnUnknown(p, FIELDS, path, "provider");
    return issues.errorCount() > errorsBefore ? null : b.build();
  }

  private void readBaseUrl(ObjectNode p, String path, ImmutableProviderConfig.Builder b) {
    String at = ConfigPath.key(path, "baseurl");
    String url =
        fields.requiredString(
            p,
            "baseurl",
            at,
            "baseurl is required: the provider's API root, such as"
                + " https://bedrock-runtime.us-east-1.amazonaws.com");
    if (url == null) {
      return;
    }
    if (url.isBlank()) {
      issues.error(at, "baseurl must not be empty");
    } else if (!isHttpUrl(url)) {
      // The value is not quoted: a URL may carry credentials (user:password@host).
      issues.error(at, "baseurl must be an absolute http:// or https:// URL with a host name");
    } else {
      b.baseUrl(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      return scheme != null
          && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private AuthMode readAuthMode(ObjectNode p, String path) {
    String at = ConfigPath.key(path, "auth_mode");
    String mode = fields.string(p, "auth_mode", at);
    if (mode == null) {
      return AuthMode.SHARED_KEY;
    }
    if (mode.equalsIgnoreCase("passthrough")) {
      return AuthMode.PASSTHROUGH;
    }
    issues.error(
        at,
        "auth_mode must be \"passthrough\" (forward the caller's own credential) or be left out"
            + " (send this provider's apikey)");
    return AuthMode.SHARED_KEY;
  }

  private void readApiKey(
      ObjectNode p, String path, AuthMode authMode, ImmutableProviderConfig.Builder b) {
    String at = ConfigPath.key(path, "apikey");
    String key = fields.string(p, "apikey", at);
    if (key != null && !key.isEmpty()) {
      if (!issues.isSilenced(at)) {
        // Silenced: the macro did not resolve; the text is only "${NAME}", which messages name.
        apiKeys.add(key);
      }
      if (!isHeaderValue(key)) {
        // Never quote it: an HTTP client would, in its own error, if we let it through.
        issues.error(
            at,
            "the apikey holds a character an HTTP header cannot carry (only visible ASCII is"
                + " allowed); check for a stray space, line break or non-ASCII character");
      }
      b.apiKey(key);
    } else if (authMode != AuthMode.PASSTHROUGH
        && (key != null || Fields.get(p, "apikey") == null)) {
      issues.warning(
          at,
          "no apikey: requests to this provider will be sent without a credential"
              + " (set apikey, or auth_mode \"passthrough\" to forward the caller's own)");
    }
  }

  private void readAuthorization(ObjectNode p, String path, ImmutableProviderConfig.Builder b) {
    String at = ConfigPath.key(path, "authorization");
    String value = fields.string(p, "authorization", at);
    if (value == null) {
      return;
    }
    // The value is not quoted: a common mistake is to write the key itself here.
    AuthorizationScheme.fromConfigValue(value)
        .ifPresentOrElse(
            b::authorization,
            () -> issues.error(at, "authorization must be one of: " + SCHEME_NAMES));
  }

  private void readModels(ObjectNode p, String path, ImmutableProviderConfig.Builder b) {
    String at = ConfigPath.key(path, "models");
    ArrayNode models =
        fields.requiredArray(
            p, "models", at, "models is required: the exact model ids this provider serves");
    if (models == null) {
      return;
    }
    if (models.isEmpty()) {
      issues.error(at, "models must list at least one model id");
      return;
    }
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < models.size(); i++) {
      JsonNode m = models.get(i);
      String mAt = ConfigPath.index(at, i);
      if (!m.isTextual()) {
        fields.typeError(mAt, "a model id", "a string", m);
      } else if (m.textValue().isBlank()) {
        issues.error(mAt, "a model id must not be empty");
      } else {
        Integer first = firstIndex.putIfAbsent(m.textValue(), i);
        if (first != null) {
          issues.error(
              mAt,
              "model \""
                  + m.textValue()
                  + "\" is listed twice in this provider (also at models["
                  + first
                  + "])");
        } else {
          b.addModel(m.textValue());
        }
      }
    }
  }

  private Set<ApiFormat> readCompatibility(ObjectNode p, String path) {
    String at = ConfigPath.key(path, "compatibility");
    ObjectNode flags = fields.object(p, "compatibility", at);
    if (flags == null) {
      // Absent means the gateway's default; a wrong type is already an error.
      return EnumSet.of(ApiFormat.OPENAI_CHAT);
    }
    int errorsBefore = issues.errorCount();
    Set<ApiFormat> formats = EnumSet.noneOf(ApiFormat.class);
    for (Map.Entry<String, JsonNode> flag : flags.properties()) {
      String flagAt = ConfigPath.key(at, flag.getKey());
      ApiFormat format = ApiFormat.fromConfigKey(flag.getKey()).orElse(null);
      if (format == null) {
        issues.error(
            flagAt,
            "unknown compatibility flag \"" + flag.getKey() + "\"; the flags are: " + FLAG_NAMES);
      } else if (!flag.getValue().isBoolean()) {
        fields.typeError(flagAt, "a compatibility flag", "true or false", flag.getValue());
      } else if (flag.getValue().booleanValue()) {
        formats.add(format);
      }
    }
    if (formats.isEmpty() && issues.errorCount() == errorsBefore) {
      issues.warning(at, "no API format is enabled, so no request can reach this provider");
    }
    return formats;
  }

  private void readCostBasis(
      ObjectNode p, String path, Set<ApiFormat> formats, ImmutableProviderConfig.Builder b) {
    String at = ConfigPath.key(path, "cost_basis");
    if (Fields.get(p, "cost_basis") != null) {
      String basis = fields.string(p, "cost_basis", at);
      if (basis == null) {
        return;
      }
      String normalized = basis.toLowerCase(Locale.ROOT);
      if (COST_BASES.contains(normalized)) {
        b.costBasis(normalized).costBasisExplicit(true);
      } else {
        issues.error(at, "cost_basis must be one of: " + String.join(", ", COST_BASES));
      }
      return;
    }
    b.costBasisExplicit(false);
    if (formats.stream().anyMatch(BEDROCK_FORMATS::contains)) {
      // Bedrock's prices depend on the region, which the flags do not say.
      issues.warning(
          at,
          "costs will not be computed for this Bedrock provider: the price list cannot be"
              + " inferred; set cost_basis to bedrock, bedrock-us, bedrock-eu or bedrock-ap");
    } else if (autoCostBasis) {
      String inferred = inferCostBasis(formats);
      if (inferred != null) {
        b.costBasis(inferred);
      }
    }
  }

  /**
   * The price list implied by the flags, the most specific flag winning: Vertex's endpoints only
   * exist on Vertex, Gemini's only at Google, while Anthropic's and especially OpenAI's formats are
   * spoken by many hosts. (ours: the gateway does not document a precedence.)
   */
  static String inferCostBasis(Set<ApiFormat> formats) {
    if (formats.contains(ApiFormat.GOOGLE_GENERATE_CONTENT)
        || formats.contains(ApiFormat.GOOGLE_RAW_PREDICT)) {
      return "vertex";
    }
    if (formats.contains(ApiFormat.GEMINI_GENERATE_CONTENT)) {
      return "google";
    }
    if (formats.contains(ApiFormat.ANTHROPIC_MESSAGES)) {
      return "anthropic";
    }
    if (formats.contains(ApiFormat.OPENAI_CHAT) || formats.contains(ApiFormat.OPENAI_RESPONSES)) {
      return "openai";
    }
    return null;
  }

  private void readHeaders(ObjectNode p, String path, ImmutableProviderConfig.Builder b) {
    String at = ConfigPath.key(path, "add_headers");
    ArrayNode headers = fields.array(p, "add_headers", at);
    if (headers == null) {
      return;
    }
    for (int i = 0; i < headers.size(); i++) {
      JsonNode h = headers.get(i);
      String hAt = ConfigPath.index(at, i);
      // Entries are never quoted in messages: header values are often credentials.
      if (!h.isTextual()) {
        fields.typeError(hAt, "an add_headers entry", "a string \"Name: value\"", h);
        continue;
      }
      String line = h.textValue();
      int colon = line.indexOf(':');
      if (colon < 0) {
        issues.error(hAt, "an add_headers entry must be \"Name: value\"; this one has no ':'");
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.isEmpty()) {
        issues.error(hAt, "an add_headers entry must be \"Name: value\"; the name is empty");
      } else if (!isToken(name)) {
        issues.error(
            hAt, "the header name in this add_headers entry has characters HTTP does not allow");
      } else if (!isHeaderValue(value)) {
        issues.error(
            hAt,
            "a header value may hold only visible ASCII characters, spaces and tabs (no line"
                + " breaks, no non-ASCII)");
      } else {
        b.addAddHeader(ProviderConfig.Header.of(name, value));
      }
    }
  }

  /** Whether {@code value} can be sent as an HTTP header value: tab and 0x20–0x7E only. */
  static boolean isHeaderValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\t' && (c < 0x20 || c > 0x7e)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code name} is an RFC 9110 token, the syntax of a header name. */
  private static boolean isToken(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private void readModelCostMap(ObjectNode p, String path, ImmutableProviderConfig.Builder b) {
    String at = ConfigPath.key(path, "model_cost_map");
    ArrayNode rules = fields.array(p, "model_cost_map", at);
    if (rules == null) {
      return;
    }
    for (int i = 0; i < rules.size(); i++) {
      JsonNode r = rules.get(i);
      String rAt = ConfigPath.index(at, i);
      if (!r.isObject()) {
        fields.typeError(rAt, "a model_cost_map rule", "an object {match, as, adjustment}", r);
        continue;
      }
      int errorsBefore = issues.errorCount();
      ImmutableModelCostRule.Builder rule = ModelCostRule.builder();
      String match = requiredText(r, "match", rAt, "the glob of model ids the rule applies to");
      String as = requiredText(r, "as", rAt, "the known model whose prices are used");
      String adjAt = ConfigPath.key(rAt, "adjustment");
      Double adjustment = fields.number(r, "adjustment", adjAt);
      if (adjustment != null) {
        if (adjustment < 0 || adjustment.isInfinite()) {
          issues.error(
              adjAt, "adjustment must be a finite number of at least 0 (1.0 = list price)");
        } else {
          rule.adjustment(adjustment);
        }
      }
      fields.warnUnknown((ObjectNode) r, COST_RULE_FIELDS, rAt, "model_cost_map rule");
      if (issues.errorCount() == errorsBefore) {
        b.addModelCostMap(rule.match(match).as(as).build());
      }
    }
  }

  private String requiredText(JsonNode object, String field, String path, String meaning) {
    String at = ConfigPath.key(path, field);
    String text = fields.requiredString(object, field, at, field + " is required: " + meaning);
    if (text != null && text.isEmpty()) {
      issues.error(at, field + " must not be empty");
      return null;
    }
    return text;
  }
}
