package dev.aperture.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.ApertureException;
import dev.aperture.ApiFormat;
import dev.aperture.bedrock.codec.AnthropicInvokeCodec;
import dev.aperture.bedrock.codec.AnthropicPassthrough;
import dev.aperture.bedrock.codec.ConverseCodec;
import dev.aperture.bedrock.codec.NativeUsage;
import dev.aperture.bedrock.codec.StreamTranslator;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.config.AuthMode;
import dev.aperture.config.ProviderConfig;
import dev.aperture.internal.Secrets;
import dev.aperture.provider.EventSource;
import dev.aperture.provider.ForwardRequest;
import dev.aperture.provider.ForwardResponse;
import dev.aperture.provider.Provider;
import dev.aperture.provider.RetryPolicy;
import dev.aperture.provider.UsageSink;
import dev.aperture.route.Route;
import dev.aperture.route.RoutingException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Amazon Bedrock Runtime with a Bedrock API key sent as a bearer token (no SigV4). Speaks
 * InvokeModel (Anthropic Claude bodies) and Converse, picking one per model with a {@link
 * BedrockApiStrategy}. Immutable and thread-safe; one instance per configured provider.
 *
 * <p>The key is this provider's own (never a process-wide or environment credential); it is sent
 * only in the configured authorization header and removed from every error message.
 *
 * <p>Native passthrough ({@link #forward}) sends InvokeModel and Converse requests on byte for
 * byte, and Anthropic Messages requests for Claude through InvokeModel ({@link #translatedApi}).
 */
public final class BedrockProvider implements Provider {
  private static final Logger log = LoggerFactory.getLogger(BedrockProvider.class);
  static final MediaType JSON = MediaType.get("application/json");
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** What the Anthropic API answers a stream with. */
  static final String SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

  private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

  private final ProviderConfig config;
  private final OkHttpClient client;
  private final RetryPolicy retryPolicy;
  private final BedrockApiStrategy strategy;
  private final HttpUrl baseUrl;
  private final ConverseCodec converse;
  private final AnthropicInvokeCodec invoke;

  /** Upstream URLs by operation, then model id; bounded so odd model names cannot grow it. */
  private final Map<String, Map<String, HttpUrl>> urls =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final int MAX_CACHED_URLS = 1024;

  /** Each thread's cursor for finding an answer's bytes; closing it lets go of the buffer. */
  private static final ThreadLocal<Buffer.UnsafeCursor> CURSORS =
      ThreadLocal.withInitial(Buffer.UnsafeCursor::new);

  /**
   * Bodiless requests with the URL and the configured headers (built on first use: a bad value
   * fails that call), by URL, without and with {@code Accept: application/json}: a call copies one
   * and adds its body, which makes one header list instead of an empty one and then a copy. Bounded
   * as the URLs are.
   */
  private final Map<HttpUrl, Request> templates = new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<HttpUrl, Request> jsonTemplates =
      new java.util.concurrent.ConcurrentHashMap<>();

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
    if (config.authMode() == AuthMode.PASSTHROUGH) {
      // Unified calls carry no caller credential, and the shared key must not stand in for it.
      throw new RoutingException(
          RoutingException.Reason.FORMAT_NOT_ENABLED,
          upstreamModel,
          "provider '"
              + config.id()
              + "' forwards each caller's own credential (auth_mode passthrough); unified"
              + " chat/stream calls carry none: send native requests through forward()");
    }
    return strategy.choose(config, BedrockModelId.parse(upstreamModel));
  }

  @Override
  public ChatResponse chat(Route route, ChatRequest request) {
    boolean isInvoke = route.upstreamApi() == ApiFormat.BEDROCK_MODEL_INVOKE;
    RequestBody body = new EncodedBody(route, request, isInvoke);
    Request http = request(route.upstreamModel(), isInvoke ? "invoke" : "converse", body, isInvoke);
    try (Response response = execute(http)) {
      return decodeAnswer(response.body(), isInvoke, route.requestedModel());
    } catch (IOException e) {
      throw connectionFailure(e, false);
    }
  }

  /**
   * Reads the whole answer into the connection's buffer and decodes it there when it is one segment
   * (an answer of up to a few KB usually is), else from one copy of its bytes.
   */
  private ChatResponse decodeAnswer(ResponseBody body, boolean isInvoke, String model)
      throws IOException {
    long declared = body.contentLength();
    if (declared > Integer.MAX_VALUE) {
      throw new IOException("an answer of " + declared + " bytes is too large to decode");
    }
    BufferedSource source = body.source();
    source.request(Long.MAX_VALUE); // to the end of the body
    Buffer buffer = source.getBuffer();
    long size = buffer.size();
    if (size > Integer.MAX_VALUE) {
      throw new IOException("an answer of more than " + Integer.MAX_VALUE + " bytes");
    }
    if (declared != -1 && declared != size) {
      // as ResponseBody.bytes() checks (HTTP/1.1 enforces the length itself, HTTP/2 does not)
      throw new IOException(
          "Content-Length (" + declared + ") and stream length (" + size + ") disagree");
    }
    byte[] data = null;
    int start = 0;
    Buffer.UnsafeCursor cursor = CURSORS.get();
    if (cursor.buffer != null) {
      cursor = new Buffer.UnsafeCursor(); // the thread's own is in use (no caller nests this)
    }
    try (Buffer.UnsafeCursor c = buffer.readUnsafe(cursor)) {
      if (size > 0 && c.seek(0) == size) {
        // the segment's array stays the buffer's, unchanged, until the response is closed
        data = c.data;
        start = c.start;
      }
    }
    if (data == null) {
      data = buffer.readByteArray();
    }
    return isInvoke
        ? invoke.decodeResponse(data, start, (int) size, model, config.id())
        : converse.decodeResponse(data, start, (int) size, model, config.id());
  }

  @Override
  public EventSource stream(Route route, ChatRequest request) {
    boolean isInvoke = route.upstreamApi() == ApiFormat.BEDROCK_MODEL_INVOKE;
    RequestBody body = new EncodedBody(route, request, isInvoke);
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
    return new BedrockEventSource(
        sent.call, sent.response, translator, config.id(), config.apiKey());
  }

  /** The upstream URL for {@code modelId} and operation, with the id encoded exactly once. */
  HttpUrl url(String modelId, String operation) {
    Map<String, HttpUrl> byModel =
        urls.computeIfAbsent(operation, o -> new java.util.concurrent.ConcurrentHashMap<>());
    HttpUrl url = byModel.get(modelId);
    if (url == null) {
      url = buildUrl(modelId, operation);
      if (byModel.size() < MAX_CACHED_URLS) {
        byModel.putIfAbsent(modelId, url);
      }
    }
    return url;
  }

  private HttpUrl buildUrl(String modelId, String operation) {
    return baseUrl
        .newBuilder()
        .addPathSegment("model")
        .addEncodedPathSegment(BedrockModelId.parse(modelId).pathSegment())
        .addPathSegment(operation)
        .build();
  }

  /**
   * A unified request's body, encoded into an Okio buffer whose segments go to the connection on
   * the first write, without another copy. A later write (a retry, or an interceptor that reads the
   * body first) encodes the request again; the codecs are deterministic, so the bytes are the same.
   */
  private final class EncodedBody extends RequestBody {
    private final Route route;
    private final ChatRequest request;
    private final boolean isInvoke;
    private final long length;
    private Buffer first;

    EncodedBody(Route route, ChatRequest request, boolean isInvoke) {
      this.route = route;
      this.request = request;
      this.isInvoke = isInvoke;
      this.first = encode();
      this.length = first.size();
    }

    private Buffer encode() {
      Buffer out = new Buffer();
      try {
        if (isInvoke) {
          invoke.encodeRequest(request, out.outputStream());
        } else {
          converse.encodeRequest(request, route.upstreamModel(), out.outputStream());
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("an in-memory buffer failed", e); // cannot happen
      }
      return out;
    }

    @Override
    public MediaType contentType() {
      return JSON;
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public void writeTo(okio.BufferedSink sink) throws IOException {
      Buffer b;
      synchronized (this) {
        b = first;
        first = null;
      }
      if (b == null) {
        b = encode();
        if (b.size() != length) {
          throw new IllegalStateException(
              "the request encoded to " + b.size() + " bytes on a second write, not " + length);
        }
      }
      sink.write(b, b.size());
    }
  }

  private Request request(String modelId, String operation, RequestBody body, boolean acceptJson) {
    HttpUrl url = url(modelId, operation);
    Map<HttpUrl, Request> cached = acceptJson ? jsonTemplates : templates;
    Request template = cached.get(url);
    if (template == null) {
      // the configured headers and the key, built here (a bad value fails this call)
      Headers.Builder hb = new Headers.Builder();
      ForwardHeaders.configured(config, hb, true);
      if (acceptJson) {
        hb.set("Accept", "application/json");
      }
      template = new Request.Builder().url(url).headers(hb.build()).build();
      if (cached.size() < MAX_CACHED_URLS) {
        cached.putIfAbsent(url, template);
      }
    }
    return template.newBuilder().post(body).build();
  }

  /** Sends with retries; returns a successful response (caller closes) or throws. */
  private Response execute(Request request) {
    return send(request).response;
  }

  /**
   * A call and its response: a successful one, or (for passthrough only) the error answer left
   * after the retries, with {@code error} its typed reading and its body still unread.
   */
  private record Sent(Call call, Response response, BedrockException error) {}

  private Sent send(Request request) {
    return send(request, false);
  }

  /**
   * Sends with retries, all before any byte reaches the caller. A connection failure left after the
   * retries is thrown; so is an error answer, unless {@code keepErrorAnswer}: then the last one is
   * returned (passthrough hands Bedrock's own error to the caller).
   */
  private Sent send(Request request, boolean keepErrorAnswer) {
    int retries = 0;
    while (true) {
      ApertureException failure;
      try {
        Call call = client.newCall(request);
        Response response = call.execute();
        if (response.isSuccessful()) {
          return new Sent(call, response, null);
        }
        boolean keep = false;
        try {
          BedrockException error = errorOf(response);
          keep = keepErrorAnswer && (!error.retryable() || retries >= retryPolicy.maxRetries());
          if (keep) {
            return new Sent(call, response, error);
          }
          failure = error;
        } finally {
          if (!keep) {
            response.close();
          }
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

  // ---- native passthrough ----

  /**
   * {@link ApiFormat#BEDROCK_MODEL_INVOKE} for an Anthropic Messages request to a Claude model when
   * this provider enables {@code bedrock_model_invoke}; null for anything else.
   */
  @Override
  public ApiFormat translatedApi(ApiFormat inbound, String upstreamModel) {
    if (inbound != ApiFormat.ANTHROPIC_MESSAGES
        || !config.supports(ApiFormat.BEDROCK_MODEL_INVOKE)) {
      return null;
    }
    try {
      return BedrockModelId.parse(upstreamModel).isAnthropic()
          ? ApiFormat.BEDROCK_MODEL_INVOKE
          : null;
    } catch (InvalidModelIdException e) {
      return null;
    }
  }

  /**
   * Forwards a Bedrock InvokeModel or Converse request unchanged ({@code invoke}, {@code
   * invoke-with-response-stream}, {@code converse}, {@code converse-stream}), or an Anthropic
   * Messages request ({@code messages}) to Claude through InvokeModel. Headers are filtered as
   * {@link ForwardHeaders} describes. The answer streams to the caller as Bedrock sends it, while
   * the usage is read on the side ({@link ForwardMeter}); for an Anthropic request, a stream comes
   * back as Anthropic server-sent events and errors as Anthropic error objects.
   *
   * <p>Retries happen before anything is returned. Bedrock's error answer left after them is
   * returned, not thrown, so the caller sees Bedrock's own status, {@code x-amzn-ErrorType} and
   * body (should the body repeat this provider's key, the key is masked); it is reported to {@code
   * sink} at once. A connection failure left after the retries is thrown as a {@link
   * BedrockException}.
   *
   * @throws RoutingException (HTTP 404) for an operation the request's format does not have
   */
  @Override
  public ForwardResponse forward(Route route, ForwardRequest request, UsageSink sink) {
    ApiFormat inbound = request.format();
    if (inbound == ApiFormat.ANTHROPIC_MESSAGES
        && route.upstreamApi() == ApiFormat.BEDROCK_MODEL_INVOKE) {
      return forwardMessages(route, request, sink);
    }
    if ((inbound == ApiFormat.BEDROCK_MODEL_INVOKE || inbound == ApiFormat.BEDROCK_CONVERSE)
        && route.upstreamApi() == inbound) {
      return forwardNative(route, request, sink);
    }
    throw new RoutingException(
        RoutingException.Reason.FORMAT_NOT_ENABLED,
        route.requestedModel(),
        "provider '"
            + config.id()
            + "' cannot forward a "
            + inbound
            + " request as "
            + route.upstreamApi());
  }

  private ForwardResponse forwardNative(Route route, ForwardRequest request, UsageSink sink) {
    boolean invoke = request.format() == ApiFormat.BEDROCK_MODEL_INVOKE;
    String operation =
        checkOperation(
            request,
            route,
            invoke
                ? List.of("invoke", "invoke-with-response-stream")
                : List.of("converse", "converse-stream"));
    Headers headers = ForwardHeaders.upstream(request.headers(), config, name -> false);
    // The caller's Content-Type goes up as it came; JSON when it sent none.
    MediaType type = headers.get("Content-Type") == null ? JSON : null;
    Sent sent =
        sendForward(
            route.upstreamModel(), operation, headers, RequestBody.create(request.body(), type));
    Response response = sent.response;
    Map<String, List<String>> answerHeaders =
        ForwardHeaders.downstream(response.headers(), config.apiKey());
    if (sent.error != null) {
      return errorAnswer(sent, answerHeaders, sink, false);
    }
    ForwardMeter meter;
    if (operation.endsWith("stream")) {
      StreamTranslator translator;
      if (!invoke) {
        translator = StreamTranslator.converse(route.requestedModel(), config.id());
      } else if (BedrockModelId.parse(route.upstreamModel()).isAnthropic()) {
        translator = StreamTranslator.anthropicInvoke(route.requestedModel(), config.id());
      } else {
        translator = StreamTranslator.invocationMetrics();
      }
      meter = ForwardMeter.frames(sink, response.code(), config.apiKey(), translator);
    } else if (invoke) {
      meter = invokeMeter(sink, response);
    } else {
      meter =
          ForwardMeter.json(
              sink, response.code(), config.apiKey(), NativeUsage::converseResponse, null);
    }
    return passOn(sent, answerHeaders, meter);
  }

  /** Sends a forwarded request with retries; Bedrock's last error answer is returned. */
  private Sent sendForward(String model, String operation, Headers headers, RequestBody body) {
    return send(
        new Request.Builder().url(url(model, operation)).headers(headers).post(body).build(), true);
  }

  /** A meter for an InvokeModel JSON answer: its token-count headers, else its body. */
  private ForwardMeter invokeMeter(UsageSink sink, Response response) {
    return ForwardMeter.json(
        sink,
        response.code(),
        config.apiKey(),
        NativeUsage::invokeResponse,
        NativeUsage.invokeHeaders(response::header));
  }

  /** The answer's body as Bedrock sends it, shown to {@code meter} as the caller reads it. */
  private static ForwardResponse passOn(
      Sent sent, Map<String, List<String>> headers, ForwardMeter meter) {
    Response response = sent.response;
    return new MeteredResponse(
        response.code(), headers, meter.tee(response.body().source()), sent.call, response, meter);
  }

  private ForwardResponse forwardMessages(Route route, ForwardRequest request, UsageSink sink) {
    checkOperation(request, route, List.of("messages"));
    List<String> betas = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : request.headers().entrySet()) {
      if (e.getKey().equalsIgnoreCase("anthropic-beta")) {
        betas.addAll(e.getValue());
      }
    }
    // A model for which Bedrock refused betas recently starts at the step that worked then.
    int step = betaMemory.step(route.upstreamModel());
    AnthropicPassthrough.InvokeRequest invokeRequest =
        AnthropicPassthrough.invokeRequest(request.body(), betas, BETA_STEPS.get(step));
    // Anthropic's own headers (version, betas) are in the body now; the body is JSON, and the
    // answer's media types are Bedrock's, whatever the caller accepts from Anthropic.
    Headers.Builder headers =
        ForwardHeaders.upstream(
                request.headers(),
                config,
                name ->
                    name.startsWith("anthropic-")
                        || name.equals("content-type")
                        || name.equals("accept"))
            .newBuilder();
    if (invokeRequest.stream()) {
      headers.set("Accept", "application/vnd.amazon.eventstream");
      headers.set("X-Amzn-Bedrock-Accept", "application/json");
    } else {
      headers.set("Accept", "application/json");
    }
    Headers upstreamHeaders = headers.build();
    Sent sent =
        sendForward(
            route.upstreamModel(),
            invokeRequest.operation(),
            upstreamHeaders,
            RequestBody.create(invokeRequest.body(), JSON));
    // Bedrock refuses a whole request over one beta it does not take ("invalid beta flag"), and
    // which it takes differs by model; Anthropic clients such as Claude Code send first-party-only
    // betas when they talk to a gateway. Such a refusal is retried with the betas Bedrock documents
    // for Claude, then with none; the step that worked is remembered for the model for a while, so
    // the next requests do not pay a refused round trip first. The caller learns what was left out
    // from a response header.
    int firstStep = step;
    while (sent.error != null
        && isInvalidBeta(sent.error)
        && !invokeRequest.betas().isEmpty()
        && step + 1 < BETA_STEPS.size()) {
      step++;
      AnthropicPassthrough.InvokeRequest retry =
          AnthropicPassthrough.invokeRequest(request.body(), betas, BETA_STEPS.get(step));
      if (retry.dropped().size() == invokeRequest.dropped().size()) {
        continue; // each step keeps a subset of the last: the same betas as the refused request
      }
      sent.response.close();
      invokeRequest = retry;
      sent =
          sendForward(
              route.upstreamModel(),
              retry.operation(),
              upstreamHeaders,
              RequestBody.create(retry.body(), JSON));
    }
    List<String> dropped = invokeRequest.dropped();
    if (step > firstStep && (sent.error == null || !isInvalidBeta(sent.error))) {
      boolean first = betaMemory.remember(route.upstreamModel(), step);
      String message =
          "provider '{}': Bedrock refused betas for {}; leaving out {} for this model for the next"
              + " {} minutes";
      Object[] args = {config.id(), route.upstreamModel(), betaList(dropped), BetaMemory.MINUTES};
      if (first) {
        log.info(message, args);
      } else {
        log.debug(message, args);
      }
    }
    Response response = sent.response;
    Map<String, List<String>> answerHeaders =
        ForwardHeaders.downstream(response.headers(), config.apiKey());
    if (!dropped.isEmpty()) {
      answerHeaders.put(DROPPED_BETAS_HEADER, List.of(betaList(dropped)));
    }
    if (sent.error != null) {
      return errorAnswer(sent, answerHeaders, sink, true);
    }
    if (!invokeRequest.stream()) {
      // InvokeModel's answer for Claude is the Anthropic Messages response itself.
      return passOn(sent, answerHeaders, invokeMeter(sink, response));
    }
    ForwardMeter meter =
        ForwardMeter.frames(
            sink,
            response.code(),
            config.apiKey(),
            StreamTranslator.anthropicInvoke(route.requestedModel(), config.id()));
    answerHeaders.keySet().removeIf(name -> name.equalsIgnoreCase("X-Amzn-Bedrock-Content-Type"));
    return new MeteredResponse(
        response.code(),
        withContentType(answerHeaders, SSE_CONTENT_TYPE),
        new AnthropicSseSource(response.body().source(), meter),
        sent.call,
        response,
        meter);
  }

  /** Response header listing the betas left out after Bedrock refused them, comma-separated. */
  public static final String DROPPED_BETAS_HEADER = "x-aperture-dropped-betas";

  /**
   * The betas Bedrock documents for Anthropic Claude models on InvokeModel. A refused request is
   * retried with only these (those the caller sent), then with none.
   */
  static final java.util.Set<String> DOCUMENTED_BETAS =
      java.util.Set.of(
          "computer-use-2024-10-22",
          "computer-use-2025-01-24",
          "token-efficient-tools-2025-02-19",
          "interleaved-thinking-2025-05-14",
          "output-128k-2025-02-19",
          "dev-full-thinking-2025-05-14",
          "context-1m-2025-08-07",
          "context-management-2025-06-27",
          "effort-2025-11-24",
          "tool-search-tool-2025-10-19",
          "tool-examples-2025-10-29");

  /**
   * The betas as a header value: names made of letters, digits, '.', '_' and '-' (as betas are),
   * anything else (a body may hold any string) counted, not copied into a header.
   */
  static String betaList(List<String> betas) {
    StringBuilder sb = new StringBuilder();
    int listed = 0;
    int odd = 0;
    int more = 0;
    for (String b : betas) {
      if (!isPlainBeta(b)) {
        odd++;
      } else if (listed < MAX_LISTED_BETAS) {
        sb.append(sb.length() == 0 ? "" : ",").append(b);
        listed++;
      } else {
        more++;
      }
    }
    if (more > 0) {
      sb.append(sb.length() == 0 ? "" : ",").append("(+").append(more).append(" more)");
    }
    if (odd > 0) {
      sb.append(sb.length() == 0 ? "" : ",").append('(').append(odd).append(" unprintable)");
    }
    return sb.toString();
  }

  private static final int MAX_LISTED_BETAS = 32;

  private static boolean isPlainBeta(String b) {
    if (b.isEmpty() || b.length() > 128) {
      return false;
    }
    for (int i = 0; i < b.length(); i++) {
      char c = b.charAt(i);
      if (!((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '_'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** The beta filters tried in turn: all, the documented ones, none. */
  private static final List<java.util.function.Predicate<String>> BETA_STEPS =
      List.of(b -> true, DOCUMENTED_BETAS::contains, b -> false);

  private final BetaMemory betaMemory = new BetaMemory();

  /**
   * Per upstream model, the beta step that Bedrock last accepted after refusing an earlier one, for
   * {@link #MINUTES} minutes (Bedrock may take a beta later); at most {@link #MAX_MODELS}.
   */
  static final class BetaMemory {
    static final long MINUTES = 10;
    private static final int MAX_MODELS = 256;

    private record Entry(int step, long untilNanos) {}

    private final Map<String, Entry> byModel = new java.util.concurrent.ConcurrentHashMap<>();

    int step(String model) {
      Entry e = byModel.get(model);
      if (e == null) {
        return 0;
      }
      if (System.nanoTime() - e.untilNanos > 0) {
        byModel.remove(model, e);
        return 0;
      }
      return e.step;
    }

    /** Remembers {@code step} for {@code model}; true when the model had none remembered. */
    boolean remember(String model, int step) {
      if (byModel.size() >= MAX_MODELS && !byModel.containsKey(model)) {
        return true; // full: not remembered, so the next request learns again
      }
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(MINUTES);
      return byModel.put(model, new Entry(step, until)) == null;
    }
  }

  private static boolean isInvalidBeta(BedrockException e) {
    return e.type() == BedrockErrorType.VALIDATION
        && e.upstreamMessage()
            .map(m -> m.toLowerCase(java.util.Locale.ROOT).contains("invalid beta flag"))
            .orElse(false);
  }

  /** The request's operation, if it is one of {@code allowed}; a 404 routing error otherwise. */
  private String checkOperation(ForwardRequest request, Route route, List<String> allowed) {
    String operation = request.operation();
    if (!allowed.contains(operation)) {
      throw new RoutingException(
          RoutingException.Reason.FORMAT_NOT_ENABLED,
          route.requestedModel(),
          "'"
              + (operation.length() > 64 ? operation.substring(0, 64) + "…" : operation)
              + "' is not a "
              + request.format()
              + " operation provider '"
              + config.id()
              + "' forwards; expected "
              + String.join(" or ", allowed));
    }
    return operation;
  }

  /**
   * Bedrock's error answer, reported now: as Bedrock sent it, or as an Anthropic error object for a
   * caller speaking the Anthropic API.
   */
  private ForwardResponse errorAnswer(
      Sent sent, Map<String, List<String>> headers, UsageSink sink, boolean anthropic) {
    Response response = sent.response;
    int status = response.code();
    ForwardMeter meter =
        ForwardMeter.settled(sink, status, config.apiKey(), sent.error.getMessage());
    if (anthropic) {
      byte[] body =
          AnthropicPassthrough.errorBody(
              AnthropicPassthrough.errorType(status),
              sent.error.upstreamMessage().orElse(sent.error.getMessage()));
      response.close();
      return new MeteredResponse(
          status,
          withContentType(headers, "application/json"),
          new Buffer().write(body),
          sent.call,
          response,
          meter);
    }
    return new MeteredResponse(
        status, headers, maskKey(response.body().source()), sent.call, response, meter);
  }

  /**
   * An error body, unchanged unless it is small enough to have been read whole and repeats this
   * provider's key (a shared key must never reach a caller); then the key is masked.
   */
  private BufferedSource maskKey(BufferedSource body) {
    String key = config.apiKey();
    if (config.authMode() == AuthMode.PASSTHROUGH || key.length() < 4) {
      return body;
    }
    try {
      if (body.request(MAX_ERROR_BODY_BYTES + 1L)
          || body.getBuffer().indexOf(ByteString.encodeUtf8(key)) < 0) {
        return body;
      }
      return new Buffer().writeUtf8(redact(body.readUtf8()));
    } catch (IOException e) {
      return body; // the caller will see the broken body as it is
    }
  }

  private static Map<String, List<String>> withContentType(
      Map<String, List<String>> headers, String contentType) {
    Map<String, List<String>> out = new LinkedHashMap<>(headers);
    out.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Type"));
    out.put("Content-Type", List.of(contentType));
    return out;
  }

  @Override
  public String toString() {
    return "BedrockProvider{" + config.id() + " " + baseUrl + "}";
  }
}
