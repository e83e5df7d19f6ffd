package dev.aperture.bedrock;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * A Bedrock model id or ARN, split into its parts. Immutable; equal when the raw strings are equal.
 *
 * <p>Plain ids have the form {@code [geo.]provider.model[-date][-version]}, e.g. {@code
 * us.anthropic.claude-haiku-4-5-20251001-v1:0} or {@code amazon.nova-pro-v1:0}. ARNs have the form
 * {@code arn:PARTITION:bedrock:REGION:ACCOUNT:TYPE/ID}; for {@code foundation-model} and {@code
 * inference-profile} ARNs the id after the slash is parsed as a plain id and its parts are this
 * id's parts. Application inference profiles, provisioned models and other resource types are
 * opaque: the id does not say which model runs, so {@link #provider()} and {@link #modelName()} are
 * empty and {@link #isOpaque()} is true.
 *
 * <p>Parsing is lenient about what Bedrock may add (new providers, new geo prefixes are simply not
 * recognised as geo prefixes) and strict only about what can never be an id: empty or blank
 * strings, whitespace or control characters, a missing {@code provider.model} dot, a malformed ARN.
 */
public final class BedrockModelId {
  /** Bedrock rejects longer model ids. */
  private static final int MAX_ID_CHARS = 2048;

  private static final Set<String> GEO_PREFIXES =
      Set.of("us", "eu", "apac", "jp", "au", "ca", "us-gov", "global");
  private static final String FOUNDATION_MODEL = "foundation-model";
  private static final String INFERENCE_PROFILE = "inference-profile";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String raw;
  private final String geoPrefix;
  private final String provider;
  private final String modelName;
  private final String releaseDate;
  private final String version;
  private final String region;
  private final String account;
  private final String resourceType;
  private final String resourceId;
  private final String pathSegment;

  private BedrockModelId(
      String raw, Parts model, String region, String account, String type, String resourceId) {
    this.raw = raw;
    this.geoPrefix = model == null ? null : model.geoPrefix;
    this.provider = model == null ? null : model.provider;
    this.modelName = model == null ? null : model.name;
    this.releaseDate = model == null ? null : model.releaseDate;
    this.version = model == null ? null : model.version;
    this.region = region;
    this.account = account;
    this.resourceType = type;
    this.resourceId = resourceId;
    this.pathSegment = encodePathSegment(raw);
  }

  /**
   * Parses a model id or ARN.
   *
   * @throws InvalidModelIdException naming {@code id} if it cannot be a Bedrock model id
   */
  public static BedrockModelId parse(String id) {
    BedrockModelId cached = id == null ? null : PARSED.get(id);
    if (cached != null) {
      return cached;
    }
    BedrockModelId parsed = parseUncached(id);
    if (PARSED.size() >= MAX_CACHED_IDS) {
      PARSED.clear();
    }
    PARSED.put(id, parsed);
    return parsed;
  }

  /**
   * Parsed ids by their text: a router sees the same few models on every call, and each call parses
   * its id several times (routing, URL, codec). Bounded; cleared when full.
   */
  private static final java.util.Map<String, BedrockModelId> PARSED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final int MAX_CACHED_IDS = 1024;

  private static BedrockModelId parseUncached(String id) {
    if (id == null) {
      throw new InvalidModelIdException(null, "it is null");
    }
    if (id.isEmpty()) {
      throw new InvalidModelIdException(id, "it is empty");
    }
    if (id.length() > MAX_ID_CHARS) {
      throw new InvalidModelIdException(id, "it is longer than " + MAX_ID_CHARS + " characters");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
        throw new InvalidModelIdException(
            id, String.format("it contains whitespace or a control character (U+%04X)", (int) c));
      }
    }
    return id.startsWith("arn:")
        ? parseArn(id)
        : new BedrockModelId(id, parseModel(id, id), null, null, null, null);
  }

  private static BedrockModelId parseArn(String arn) {
    // arn:partition:service:region:account:resource — the resource may itself contain ':'.
    String[] parts = new String[6];
    int start = 0;
    for (int i = 0; i < 5; i++) {
      int colon = arn.indexOf(':', start);
      if (colon < 0) {
        throw new InvalidModelIdException(
            arn,
            "an ARN has six ':'-separated parts (arn:partition:service:region:account:resource)");
      }
      parts[i] = arn.substring(start, colon);
      start = colon + 1;
    }
    parts[5] = arn.substring(start);
    String partition = parts[1];
    String service = parts[2];
    String region = parts[3];
    String account = parts[4];
    String resource = parts[5];
    if (!partition.startsWith("aws")) {
      throw new InvalidModelIdException(
          arn, "the ARN partition '" + partition + "' is not an AWS one");
    }
    if (!service.equals("bedrock") && !service.equals("sagemaker")) {
      throw new InvalidModelIdException(
          arn, "the ARN service is '" + service + "', not bedrock (or sagemaker)");
    }
    if (region.isEmpty()) {
      throw new InvalidModelIdException(arn, "the ARN names no region");
    }
    if (!account.isEmpty() && !isAccountId(account)) {
      throw new InvalidModelIdException(
          arn, "the ARN account '" + account + "' is not a 12-digit AWS account id");
    }
    int slash = resource.indexOf('/');
    if (slash <= 0 || slash == resource.length() - 1) {
      throw new InvalidModelIdException(arn, "the ARN resource is not TYPE/ID");
    }
    String type = resource.substring(0, slash);
    String resourceId = resource.substring(slash + 1);
    Parts model =
        type.equals(FOUNDATION_MODEL) || type.equals(INFERENCE_PROFILE)
            ? parseModel(resourceId, arn)
            : null;
    return new BedrockModelId(
        arn, model, region, account.isEmpty() ? null : account, type, resourceId);
  }

  private static boolean isAccountId(String account) {
    if (account.length() != 12) {
      return false;
    }
    for (int i = 0; i < 12; i++) {
      if (account.charAt(i) < '0' || account.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Splits {@code [geo.]provider.model[-date][-version]}; errors name {@code raw}. */
  private static Parts parseModel(String id, String raw) {
    int dot = id.indexOf('.');
    if (dot <= 0) {
      throw new InvalidModelIdException(raw, "expected provider.model, e.g. anthropic.claude-…");
    }
    Parts parts = new Parts();
    String first = id.substring(0, dot);
    String rest = id.substring(dot + 1);
    if (GEO_PREFIXES.contains(first)) {
      parts.geoPrefix = first;
      dot = rest.indexOf('.');
      if (dot <= 0) {
        throw new InvalidModelIdException(
            raw, "expected provider.model after the geo prefix '" + first + ".'");
      }
      first = rest.substring(0, dot);
      rest = rest.substring(dot + 1);
    }
    parts.provider = first;
    if (rest.isEmpty()) {
      throw new InvalidModelIdException(raw, "no model follows the provider '" + first + "'");
    }

    String name = rest;
    int dash = name.lastIndexOf('-');
    if (dash > 0 && isVersion(name, dash + 1)) {
      parts.version = name.substring(dash + 1);
      name = name.substring(0, dash);
    }
    dash = name.lastIndexOf('-');
    if (dash > 0 && name.length() - dash - 1 == 8 && digits(name, dash + 1, name.length())) {
      parts.releaseDate = name.substring(dash + 1);
      name = name.substring(0, dash);
    }
    parts.name = name;
    return parts;
  }

  /** {@code vN}, {@code vN:M} or {@code N:M} from {@code from} to the end of {@code s}. */
  private static boolean isVersion(String s, int from) {
    int colon = s.indexOf(':', from);
    boolean prefixed = from < s.length() && s.charAt(from) == 'v';
    int numberStart = prefixed ? from + 1 : from;
    if (colon < 0) {
      return prefixed && digits(s, numberStart, s.length());
    }
    return digits(s, numberStart, colon) && digits(s, colon + 1, s.length());
  }

  private static boolean digits(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Percent-encodes every UTF-8 byte of {@code s} except {@code A-Z a-z 0-9 - . _ ~}, with
   * uppercase hex. Nothing is treated as already encoded: {@code %} becomes {@code %25}.
   */
  private static String encodePathSegment(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xFF;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  /** The id exactly as given to {@link #parse}. */
  public String raw() {
    return raw;
  }

  /** The cross-region geo prefix without its dot: {@code us}, {@code eu}, {@code global}, …. */
  public Optional<String> geoPrefix() {
    return Optional.ofNullable(geoPrefix);
  }

  /**
   * The provider segment, e.g. {@code anthropic}, {@code amazon}, {@code meta}; it decides the
   * InvokeModel body family. Empty for opaque ARNs.
   */
  public Optional<String> provider() {
    return Optional.ofNullable(provider);
  }

  /** The model without provider, date and version, e.g. {@code claude-haiku-4-5}. */
  public Optional<String> modelName() {
    return Optional.ofNullable(modelName);
  }

  /** The eight-digit release date, e.g. {@code 20251001}, if the id carries one. */
  public Optional<String> releaseDate() {
    return Optional.ofNullable(releaseDate);
  }

  /** The version as written, e.g. {@code v1:0} or {@code v1}, if the id carries one. */
  public Optional<String> version() {
    return Optional.ofNullable(version);
  }

  /** Whether the provider segment is {@code anthropic}. */
  public boolean isAnthropic() {
    return "anthropic".equals(provider);
  }

  /**
   * The key price tables use: the model without geo prefix, date and version, e.g. {@code
   * claude-haiku-4-5} for every regional, global and dated variant of Claude Haiku 4.5. Empty for
   * opaque ARNs, whose prices depend on the model behind them.
   */
  public Optional<String> baseModelKey() {
    return modelName();
  }

  /** Whether this is an ARN rather than a plain id. */
  public boolean isArn() {
    return resourceType != null;
  }

  /**
   * Whether the id does not say which model runs behind it: true for application inference
   * profiles, provisioned models and other opaque ARNs. The model must come from configuration or
   * from Bedrock's control plane.
   */
  public boolean isOpaque() {
    return resourceType != null && provider == null;
  }

  /** The ARN's region, e.g. {@code us-east-1}. */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /** The ARN's account id; empty for plain ids and for foundation-model ARNs, which have none. */
  public Optional<String> account() {
    return Optional.ofNullable(account);
  }

  /**
   * The ARN's resource type: {@code foundation-model}, {@code inference-profile}, {@code
   * application-inference-profile}, {@code provisioned-model}, or another Bedrock resource type.
   */
  public Optional<String> resourceType() {
    return Optional.ofNullable(resourceType);
  }

  /** The part of the ARN after the resource type's slash, e.g. {@code abc123}. */
  public Optional<String> resourceId() {
    return Optional.ofNullable(resourceId);
  }

  /**
   * The raw id percent-encoded once, for use as the {@code {modelId}} path segment: every UTF-8
   * byte except {@code A-Z a-z 0-9 - . _ ~} becomes {@code %XX}, so {@code :} is {@code %3A} and
   * {@code /} is {@code %2F}. Pass raw ids: an encoded one would be encoded again.
   */
  public String pathSegment() {
    return pathSegment;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BedrockModelId other && raw.equals(other.raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  /** The raw id. */
  @Override
  public String toString() {
    return raw;
  }

  /** The parts of a plain id while it is being parsed. */
  private static final class Parts {
    String geoPrefix;
    String provider;
    String name;
    String releaseDate;
    String version;
  }
}
