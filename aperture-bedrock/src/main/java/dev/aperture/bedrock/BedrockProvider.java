package dev.aperture.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.ApertureException;
import dev.aperture.ApiFormat;
import dev.aperture.bedrock.codec.AnthropicInvokeCodec;
import dev.aperture.bedrock.codec.ConverseCodec;
import dev.aperture.bedrock.codec.StreamTranslator;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.config.ProviderConfig;
import dev.aperture.internal.Secrets;
import dev.aperture.provider.EventSource;
import dev.aperture.provider.Provider;
import dev.aperture.provider.RetryPolicy;
import dev.aperture.route.Route;
import java.io.IOException;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amazon Bedrock Runtime with a Bedrock API key sent as a bearer token (no SigV4). Speaks
 * InvokeModel (Anthropic Claude bodies) and Converse, picking one per model with a {@link
 * BedrockApiStrategy}. Immutable and thread-safe; one instance per configured provider.
 *
 * <p>The key is this provider's own (never a process-wide or environment credential); it is sent
 * only in the configured authorization header and removed from every error message.
 */
public final class BedrockProvider implements Provider {
  private static final Logger log = LoggerFactory.getLogger(BedrockProvider.class);
  static final MediaType JSON = MediaType.get("application/json");
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

  private final ProviderConfig config;
  private final OkHttpClient client;
  private final RetryPolicy retryPolicy;
  private final BedrockApiStrategy strategy;
  private final HttpUrl baseUrl;
  private final ConverseCodec converse;
  private final AnthropicInvokeCodec invoke;

  BedrockProvider(
      ProviderConfig config,
      OkHttpClient client,
      RetryPolicy retryPolicy,
      BedrockApiStrategy strategy,
      ConverseCodec converse,
      AnthropicInvokeCodec invoke) {
    this.config = Objects.requireNonNull(config, "config");
    this.client = client;
    this.retryPolicy = retryPolicy;
    this.strategy = strategy;
    this.converse = converse;
    this.invoke = invoke;
    HttpUrl url = HttpUrl.parse(config.baseUrl());
    if (url == null) {
      throw new IllegalArgumentException("baseurl is not an http(s) URL: " + config.baseUrl());
    }
    this.baseUrl = url;
  }

  @Override
  public ProviderConfig config() {
    return config;
  }

  @Override
  public ApiFormat unifiedApi(String upstreamModel) {
    return strategy.choose(config, BedrockModelId.parse(upstreamModel));
  }

  @Override
  public ChatResponse chat(Route route, ChatRequest request) {
    boolean isInvoke = route.upstreamApi() == ApiFormat.BEDROCK_MODEL_INVOKE;
    byte[] body =
        isInvoke
            ? invoke.encodeRequest(request)
            : converse.encodeRequest(request, route.upstreamModel());
    Request http = request(route.upstreamModel(), isInvoke ? "invoke" : "converse", body, isInvoke);
    try (Response response = execute(http)) {
      byte[] bytes = response.body().bytes();
      return isInvoke
          ? invoke.decodeResponse(bytes, route.requestedModel(), config.id())
          : converse.decodeResponse(bytes, route.requestedModel(), config.id());
    } catch (IOException e) {
      throw connectionFailure(e, false);
    }
  }

  @Override
  public EventSource stream(Route route, ChatRequest request) {
    boolean isInvoke = route.upstreamApi() == ApiFormat.BEDROCK_MODEL_INVOKE;
    byte[] body =
        isInvoke
            ? invoke.encodeRequest(request)
            : converse.encodeRequest(request, route.upstreamModel());
    Request http =
        request(
            route.upstreamModel(),
            isInvoke ? "invoke-with-response-stream" : "converse-stream",
            body,
            false);
    if (isInvoke) {
      http = http.newBuilder().header("X-Amzn-Bedrock-Accept", "application/json").build();
    }
    // Retries happen only here, before any event has reached the caller.
    Sent sent = send(http);
    StreamTranslator translator =
        isInvoke
            ? StreamTranslator.anthropicInvoke(route.requestedModel(), config.id())
            : StreamTranslator.converse(route.requestedModel(), config.id());
    return new BedrockEventSource(sent.call, sent.response, translator, config.id());
  }

  /** The upstream URL for {@code modelId} and operation, with the id encoded exactly once. */
  HttpUrl url(String modelId, String operation) {
    return baseUrl
        .newBuilder()
        .addPathSegment("model")
        .addEncodedPathSegment(BedrockModelId.parse(modelId).pathSegment())
        .addPathSegment(operation)
        .build();
  }

  private Request request(String modelId, String operation, byte[] body, boolean acceptJson) {
    Request.Builder b = new Request.Builder().url(url(modelId, operation));
    for (ProviderConfig.Header h : config.addHeaders()) {
      b.addHeader(h.name(), h.value());
    }
    if (!config.apiKey().isEmpty()) {
      // header(), not addHeader(): the provider's credential replaces anything else by that name
      b.header(
          config.authorization().headerName(), config.authorization().headerValue(config.apiKey()));
    }
    if (acceptJson) {
      b.header("Accept", "application/json");
    }
    return b.post(RequestBody.create(body, JSON)).build();
  }

  /** Sends with retries; returns a successful response (caller closes) or throws. */
  private Response execute(Request request) {
    return send(request).response;
  }

  /** A call and its successful response. */
  private record Sent(Call call, Response response) {}

  private Sent send(Request request) {
    int retries = 0;
    while (true) {
      ApertureException failure;
      try {
        Call call = client.newCall(request);
        Response response = call.execute();
        if (response.isSuccessful()) {
          return new Sent(call, response);
        }
        try (response) {
          failure = errorOf(response);
        }
      } catch (IOException e) {
        failure = connectionFailure(e, true);
      }
      if (!failure.retryable() || retries >= retryPolicy.maxRetries()) {
        throw failure;
      }
      retries++;
      long waitMillis = retryPolicy.backoffMillis(retries);
      log.debug(
          "provider '{}': retry {} of {} in {} ms after: {}",
          config.id(),
          retries,
          retryPolicy.maxRetries(),
          waitMillis,
          failure.getMessage());
      sleep(waitMillis);
    }
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApertureException("interrupted while waiting to retry", e);
    }
  }

  private BedrockException connectionFailure(IOException e, boolean retryable) {
    return new BedrockException(
        config.id(),
        0,
        BedrockErrorType.UNKNOWN,
        null,
        redact(e.getClass().getSimpleName() + ": " + e.getMessage()),
        null,
        retryable,
        e);
  }

  /** Maps an error response to a typed exception; reads at most 64 KiB of its body. */
  BedrockException errorOf(Response response) {
    int status = response.code();
    String rawType = response.header("x-amzn-ErrorType");
    String requestId = response.header("x-amzn-RequestId");
    String message = null;
    ResponseBody body = response.body();
    try {
      BufferedSource src = body.source();
      src.request(MAX_ERROR_BODY_BYTES);
      String text = src.getBuffer().snapshot().utf8();
      message = messageOf(text);
      if (rawType == null) {
        rawType = jsonField(text, "__type");
      }
    } catch (IOException e) {
      message = "(error body unreadable: " + e.getMessage() + ")";
    }
    BedrockErrorType type = BedrockErrorType.fromWire(rawType);
    if (type == BedrockErrorType.UNKNOWN && status == 403) {
      type = BedrockErrorType.ACCESS_DENIED; // bad or expired API key: {"Message": …}
    }
    String shortType = rawType == null ? null : rawType.split(":", 2)[0];
    boolean retryable =
        type.retryable()
            || (type == BedrockErrorType.UNKNOWN
                && (status == 429
                    || status == 500
                    || status == 502
                    || status == 503
                    || status == 504));
    return new BedrockException(
        config.id(), status, type, shortType, redact(message), requestId, retryable, null);
  }

  /** The error message from a JSON body: {@code message}, or {@code Message} (auth failures). */
  private static String messageOf(String text) {
    String m = jsonField(text, "message");
    if (m == null) {
      m = jsonField(text, "Message");
    }
    if (m == null && !text.isBlank()) {
      m = text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
    return m;
  }

  private static String jsonField(String text, String field) {
    try {
      JsonNode node = MAPPER.readTree(text);
      JsonNode v = node == null ? null : node.get(field);
      return v != null && v.isTextual() ? v.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private String redact(String text) {
    return Secrets.redact(text, config.apiKey());
  }

  @Override
  public String toString() {
    return "BedrockProvider{" + config.id() + " " + baseUrl + "}";
  }
}
