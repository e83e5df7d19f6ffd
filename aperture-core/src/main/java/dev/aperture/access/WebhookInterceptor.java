package dev.aperture.access;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aperture.access.internal.GoDuration;
import dev.aperture.access.internal.WebhookProtocol;
import dev.aperture.chat.ChatRequest;
import dev.aperture.config.AuthorizationScheme;
import dev.aperture.config.ConfigException;
import dev.aperture.config.ConfigIssue;
import dev.aperture.internal.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RequestInterceptor} that asks an HTTP endpoint (a guardrail) about every request: the
 * gateway's pre-request hook, configured by the {@code hooks} fields {@code url}, {@code apikey},
 * {@code authorization}, {@code timeout}, {@code fail_policy} and {@code preference}.
 *
 * <p>It POSTs a description of the call (not the message contents):
 *
 * <pre>{@code
 * {"identity": "alice@example.com",      // Identity.principal(): login, or sorted tags
 *  "provider": "bedrock-us", "model": "claude-sonnet", "api": "openai_chat", "session_id": "…",
 *  "request": {"model": "claude-sonnet", "message_count": 3, "tools": ["get_weather"]}}
 * }</pre>
 *
 * and reads one of these answers:
 *
 * <pre>{@code
 * {"action": "allow"}
 * {"action": "block", "status": 403, "message": "no PII please"}   // status 4xx/5xx, default 403
 * {"action": "modify", "request": {"model": "other-model"}}        // replaces the request's model
 * }</pre>
 *
 * <p>A modification may only replace the model (other fields of {@code request} are ignored); the
 * caller of the chain must route and authorize the new model again. A connection failure, a
 * timeout, a non-2xx status or an answer of another shape is a webhook failure: with {@link
 * FailPolicy#OPEN} the request is allowed, with {@link FailPolicy#CLOSED} it is blocked with HTTP
 * 503 {@code webhook unavailable}. Either way a warning is logged.
 *
 * <p>The API key is sent in the configured header and appears nowhere else: not in {@link
 * #toString()}, log lines or exception messages. Immutable and thread-safe.
 */
public final class WebhookInterceptor implements RequestInterceptor {
  private static final Logger log = LoggerFactory.getLogger(WebhookInterceptor.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final int MAX_ANSWER_BYTES = 1 << 20;

  /** Reads {@code hooks} as the configuration parser does: comments and trailing commas allowed. */
  private static final ObjectMapper HOOKS_READER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .build();

  /** What happens to the request when the webhook cannot answer. */
  public enum FailPolicy {
    /** Allow the request. */
    OPEN,
    /** Block it with HTTP 503. */
    CLOSED;

    /**
     * The policy named {@code value}: {@code open}/{@code fail_open} or {@code closed}/{@code
     * fail_closed}.
     */
    public static Optional<FailPolicy> fromConfigValue(String value) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "open":
        case "fail_open":
          return Optional.of(OPEN);
        case "closed":
        case "fail_closed":
          return Optional.of(CLOSED);
        default:
          return Optional.empty();
      }
    }
  }

  /** Higher preference first, then by name: the gateway's hook order. */
  private static final Comparator<WebhookInterceptor> ORDER =
      Comparator.comparingInt(WebhookInterceptor::preference)
          .reversed()
          .thenComparing(WebhookInterceptor::name);

  private final String name;
  private final HttpUrl url;
  private final String apiKey;
  private final AuthorizationScheme authorization;
  private final Duration timeout;
  private final FailPolicy failPolicy;
  private final int preference;
  private final OkHttpClient client;

  private WebhookInterceptor(Builder b) {
    this.name = b.name;
    this.url = b.url;
    this.apiKey = b.apiKey;
    this.authorization = b.authorization;
    this.timeout = b.timeout;
    this.failPolicy = b.failPolicy;
    this.preference = b.preference;
    OkHttpClient base = b.client != null ? b.client : new OkHttpClient();
    this.client = base.newBuilder().callTimeout(timeout).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code webhooks} in the order they should run: descending {@link #preference()}, ties broken by
   * {@link #name()}.
   */
  public static List<WebhookInterceptor> ordered(Collection<WebhookInterceptor> webhooks) {
    List<WebhookInterceptor> sorted = new ArrayList<>(webhooks);
    sorted.sort(ORDER);
    return List.copyOf(sorted);
  }

  /**
   * The webhooks of a configuration's {@code hooks} section (its JSON text, as kept in {@link
   * dev.aperture.config.ApertureConfig#otherSections()}), {@link #ordered ordered}. Each key is a
   * hook's name; fields: {@code url} (required), {@code apikey}, {@code authorization} ({@code
   * bearer} default, {@code x-api-key}, {@code x-goog-api-key}), {@code timeout} (Go duration,
   * default {@code 5s}), {@code fail_policy} ({@code fail_open} default, {@code fail_closed}) and
   * {@code preference} (default 0). Unknown fields are ignored. Every hook applies to every
   * request: the gateway's selection of hooks by grant ({@code send_hooks}) is not implemented.
   *
   * @param client the client whose pools and dispatcher the webhooks share
   * @throws ConfigException listing every invalid field
   */
  public static List<WebhookInterceptor> fromConfig(String hooksJson, OkHttpClient client) {
    JsonNode root;
    try {
      root = HOOKS_READER.readTree(hooksJson);
    } catch (JsonProcessingException e) {
      // the parser's own message may quote a token, which could be a key: give the place only
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ConfigException(List.of(ConfigIssue.error("hooks", "not valid JSON" + where)));
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(List.of(ConfigIssue.error("hooks", "must be an object")));
    }
    List<ConfigIssue> errors = new ArrayList<>();
    List<WebhookInterceptor> hooks = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      WebhookInterceptor hook = hookFromConfig(e.getKey(), e.getValue(), client, errors);
      if (hook != null) {
        hooks.add(hook);
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return ordered(hooks);
  }

  private static WebhookInterceptor hookFromConfig(
      String name, JsonNode hook, OkHttpClient client, List<ConfigIssue> errors) {
    String path = "hooks." + name;
    if (!hook.isObject()) {
      errors.add(ConfigIssue.error(path, "must be an object"));
      return null;
    }
    int before = errors.size();
    Builder b = builder().name(name).client(client);
    String url = hook.path("url").asText("");
    if (url.isEmpty() || HttpUrl.parse(url) == null) {
      errors.add(ConfigIssue.error(path + ".url", "must be an http(s) URL"));
    } else {
      b.url(url);
    }
    b.apiKey(hook.path("apikey").asText(""));
    if (hook.has("authorization")) {
      String value = hook.path("authorization").asText("");
      Optional<AuthorizationScheme> scheme = AuthorizationScheme.fromConfigValue(value);
      if (scheme.isPresent()) {
        b.authorization(scheme.get());
      } else {
        errors.add(
            ConfigIssue.error(
                path + ".authorization", "must be bearer, x-api-key or x-goog-api-key"));
      }
    }
    if (hook.has("timeout")) {
      try {
        b.timeout(GoDuration.parse(hook.path("timeout").asText("")));
      } catch (IllegalArgumentException e) {
        errors.add(ConfigIssue.error(path + ".timeout", e.getMessage()));
      }
    }
    if (hook.has("fail_policy")) {
      Optional<FailPolicy> policy = FailPolicy.fromConfigValue(hook.path("fail_policy").asText(""));
      if (policy.isPresent()) {
        b.failPolicy(policy.get());
      } else {
        errors.add(ConfigIssue.error(path + ".fail_policy", "must be fail_open or fail_closed"));
      }
    }
    if (hook.has("preference")) {
      if (hook.path("preference").canConvertToInt()) {
        b.preference(hook.path("preference").asInt());
      } else {
        errors.add(ConfigIssue.error(path + ".preference", "must be an integer"));
      }
    }
    return errors.size() == before ? b.build() : null;
  }

  /** The hook's name (its key in {@code hooks}); used for ordering and in log lines. */
  public String name() {
    return name;
  }

  public String url() {
    return url.toString();
  }

  public AuthorizationScheme authorization() {
    return authorization;
  }

  /** How long one call to the webhook may take in total. */
  public Duration timeout() {
    return timeout;
  }

  public FailPolicy failPolicy() {
    return failPolicy;
  }

  /** Webhooks with a higher preference run first. */
  public int preference() {
    return preference;
  }

  @Override
  public InterceptDecision before(InterceptContext context, ChatRequest request) {
    Request.Builder http =
        new Request.Builder()
            .url(url)
            .post(RequestBody.create(WebhookProtocol.encodeCall(context, request), JSON));
    if (!apiKey.isEmpty()) {
      http.header(authorization.headerName(), authorization.headerValue(apiKey));
    }
    try (Response response = client.newCall(http.build()).execute()) {
      if (!response.isSuccessful()) {
        return failed("it answered HTTP " + response.code());
      }
      return WebhookProtocol.decodeAnswer(readLimited(response), request);
    } catch (IOException e) {
      return failed(e.toString());
    }
  }

  private static byte[] readLimited(Response response) throws IOException {
    try (InputStream in = response.body().byteStream()) {
      byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
      if (bytes.length > MAX_ANSWER_BYTES) {
        throw new IOException("the answer is larger than " + MAX_ANSWER_BYTES + " bytes");
      }
      return bytes;
    }
  }

  private InterceptDecision failed(String why) {
    String reason = Secrets.redact(why, apiKey);
    if (failPolicy == FailPolicy.OPEN) {
      log.warn("webhook {} failed ({}); fail_open: allowing the request", name, reason);
      return InterceptDecision.allow();
    }
    log.warn("webhook {} failed ({}); fail_closed: blocking the request", name, reason);
    return InterceptDecision.block(503, "webhook unavailable");
  }

  @Override
  public String toString() {
    return "WebhookInterceptor{name="
        + name
        + ", url="
        + Secrets.redact(url.toString(), apiKey)
        + ", apiKey="
        + (apiKey.isEmpty() ? "(none)" : Secrets.MASK)
        + ", authorization="
        + authorization.configValue()
        + ", timeout="
        + timeout
        + ", failPolicy="
        + failPolicy
        + ", preference="
        + preference
        + "}";
  }

  /** Builds a {@link WebhookInterceptor}; {@link #url} is required. */
  public static final class Builder {
    private String name = "webhook";
    private HttpUrl url;
    private String apiKey = "";
    private AuthorizationScheme authorization = AuthorizationScheme.BEARER;
    private Duration timeout = Duration.ofSeconds(5);
    private FailPolicy failPolicy = FailPolicy.OPEN;
    private int preference;
    private OkHttpClient client;

    private Builder() {}

    /** The hook's name, used for ordering ties and in log lines. Default {@code webhook}. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The endpoint that receives the POST. */
    public Builder url(String url) {
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null) {
        throw new IllegalArgumentException("webhook url must be an http(s) URL");
      }
      this.url = parsed;
      return this;
    }

    /** The credential sent to the webhook; empty (the default) sends none. Never printed. */
    public Builder apiKey(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /** How the API key is sent. Default {@code Authorization: Bearer KEY}. */
    public Builder authorization(AuthorizationScheme authorization) {
      this.authorization = Objects.requireNonNull(authorization, "authorization");
      return this;
    }

    /** How long one call may take in total (connect, send, wait, read). Default 5 seconds. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("webhook timeout must be positive, not " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** What happens when the webhook cannot answer. Default {@link FailPolicy#OPEN} (ours). */
    public Builder failPolicy(FailPolicy failPolicy) {
      this.failPolicy = Objects.requireNonNull(failPolicy, "failPolicy");
      return this;
    }

    /** Higher runs first. Default 0. */
    public Builder preference(int preference) {
      this.preference = preference;
      return this;
    }

    /**
     * The client to derive the webhook's client from (sharing its connection pool and dispatcher).
     * Default: a new {@link OkHttpClient}.
     */
    public Builder client(OkHttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    public WebhookInterceptor build() {
      if (url == null) {
        throw new IllegalStateException("webhook url is required");
      }
      return new WebhookInterceptor(this);
    }
  }
}
