package dev.aperture.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.ApiFormat;
import dev.aperture.bedrock.BedrockErrorType;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.AuthorizationScheme;
import dev.aperture.config.ProviderConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import okio.Buffer;
import okio.ByteString;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake Amazon Bedrock Runtime for unit tests: an HTTP server on the loopback interface that
 * answers {@code POST /model/{modelId}/invoke}, {@code /invoke-with-response-stream}, {@code
 * /converse} and {@code /converse-stream} in Bedrock's real wire shapes, checks requests the way
 * Bedrock does, plays scripted {@link Reply replies} and {@link Failure failures}, injects
 * streaming faults and records every request.
 *
 * <h2>A test with the emulator</h2>
 *
 * {@code WeatherBot} stands for the code under test: anything built from an {@link ApertureConfig}
 * (or a {@link ProviderConfig}, or just {@link #baseUrl()} and {@link #apiKey()}).
 *
 * <pre>{@code
 * import static org.junit.jupiter.api.Assertions.assertEquals;
 *
 * import dev.aperture.bedrock.BedrockErrorType;
 * import dev.aperture.testing.BedrockEmulator;
 * import dev.aperture.testing.Pause;
 * import dev.aperture.testing.ReceivedRequest;
 * import dev.aperture.testing.Reply;
 * import java.util.Optional;
 * import org.junit.jupiter.api.Test;
 * import org.junit.jupiter.api.extension.RegisterExtension;
 *
 * class WeatherBotTest {
 *   static final String HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
 *
 *   // Started before and closed after each test.
 *   @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();
 *
 *   @Test
 *   void answersWithTheModelsText() throws Exception {
 *     bedrock.whenModel(HAIKU).reply(Reply.text("Sunny", " in Paris").usage(21, 7));
 *     WeatherBot bot = new WeatherBot(bedrock.config("bedrock", HAIKU));
 *
 *     assertEquals("Sunny in Paris", bot.ask("Weather in Paris?"));
 *
 *     ReceivedRequest request = bedrock.takeRequest();
 *     assertEquals(Optional.of(HAIKU), request.modelId());
 *     assertEquals(Optional.of("us.anthropic.claude-haiku-4-5-20251001-v1%3A0"),
 *         request.rawModelId()); // the ':' went out encoded once
 *     assertEquals(Optional.of("Weather in Paris?"), request.bodyAt("/messages/0/content/0/text"));
 *   }
 *
 *   @Test
 *   void retriesThrottlingThenSucceeds() throws Exception {
 *     bedrock.failNext(2, BedrockErrorType.THROTTLING); // two 429s, then the default reply
 *     WeatherBot bot = new WeatherBot(bedrock.config("bedrock", HAIKU));
 *
 *     assertEquals(BedrockEmulator.DEFAULT_TEXT, bot.ask("Hi"));
 *     assertEquals(3, bedrock.requestCount());
 *   }
 *
 *   @Test
 *   void showsTheFirstTokenBeforeTheModelFinishes() throws Exception {
 *     Pause pause = Pause.create();
 *     bedrock.enqueue(Reply.text("Sunny", " in Paris").pauseAfterFirstDelta(pause));
 *     WeatherBot bot = new WeatherBot(bedrock.config("bedrock", HAIKU));
 *
 *     try (var tokens = bot.stream("Weather in Paris?")) {
 *       assertEquals("Sunny", tokens.next());   // arrives while the emulator is paused
 *       pause.release();
 *       assertEquals(" in Paris", tokens.next());
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Without JUnit: {@code try (BedrockEmulator bedrock = BedrockEmulator.create().start()) {…}}.
 * As a {@code static} {@code @RegisterExtension} field one emulator serves the whole class (started
 * before all tests, closed after them); call {@link #reset()} between tests as needed.
 *
 * <h2>What a request goes through</h2>
 *
 * <ol>
 *   <li>Routing: {@code POST BASE/model/{modelId}/{operation}}; anything else is a 404 {@code
 *       UnknownOperationException}.
 *   <li>Authentication: {@code Authorization: Bearer KEY} with a key from {@link #acceptKeys} (by
 *       default only {@link #DEFAULT_API_KEY}). Otherwise HTTP 403 with body {@code {"Message":
 *       "Authentication failed: …"}} — capital {@code M} and no {@code x-amzn-ErrorType}, as
 *       observed from Bedrock API keys, so clients must parse both spellings.
 *   <li>Model id: the raw path segment must be percent-encoded exactly once (only {@code A-Z a-z
 *       0-9 - . _ ~} unencoded, so {@code :} must arrive as {@code %3A}); an unencoded {@code :} or
 *       {@code /}, a bad escape or a double encoding ({@code %253A}) is a 400 {@code
 *       ValidationException} "The provided model identifier is invalid." This is stricter than
 *       Bedrock, which tolerates a raw {@code :}, on purpose. With {@link #knownModels} set, other
 *       ids are a 404 {@code ResourceNotFoundException}.
 *   <li>Body: Converse rules (messages start with a user turn and alternate, each content block has
 *       exactly one member, no blank text, {@code toolConfig} whenever tool blocks are in the
 *       history, no {@code modelId} in the body, tool names and schemas) or, for InvokeModel,
 *       Anthropic's ({@code anthropic_version: bedrock-2023-05-31} and {@code max_tokens} required,
 *       non-empty {@code messages}, no key outside the Messages set: {@code "extraneous key [model]
 *       is not permitted"}; with {@link #acceptBetas} set, any other {@code anthropic_beta} is
 *       "invalid beta flag"). InvokeModel is emulated for Anthropic models (and opaque ARNs) only.
 *   <li>The answer: the next {@link #failNext} failure, else the next {@link #enqueue}d reply, else
 *       the first matching stub ({@link #whenModel}, {@link #when}) in registration order, else the
 *       {@linkplain #defaultReply(Reply) default reply} ({@value #DEFAULT_TEXT}).
 * </ol>
 *
 * <p>Every answer carries {@code x-amzn-RequestId}; errors carry {@code x-amzn-ErrorType:
 * Name:http://internal.amazon.com/coral/com.amazon.bedrock/} and {@code {"message": …}}. Streams
 * are HTTP/1.1 chunked, one event-stream frame per chunk, flushed as written.
 *
 * <p>Thread-safe: scripts may be changed while requests are being served. Requests are served
 * concurrently, one thread per connection.
 */
public final class BedrockEmulator
    implements AutoCloseable,
        BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback {
  /** The API key the emulator accepts unless told otherwise, and puts in its provider config. */
  public static final String DEFAULT_API_KEY = "emulator-test-key";

  /** The text of the default reply. */
  public static final String DEFAULT_TEXT = "Hello from the Bedrock emulator";

  /** The reply for requests no script answers: {@value #DEFAULT_TEXT}, 12 tokens in, 8 out. */
  public static final Reply DEFAULT_REPLY = Reply.text(DEFAULT_TEXT).usage(12, 8);

  /** The cost basis {@link #providerConfig} sets. */
  public static final String COST_BASIS = "bedrock-us";

  /** How long {@link #takeRequest()} waits. */
  public static final Duration TAKE_TIMEOUT = Duration.ofSeconds(10);

  static final String AUTH_FAILED =
      "Authentication failed: Please make sure your API Key is valid.";

  private static final Logger log = LoggerFactory.getLogger(BedrockEmulator.class);

  private enum Owner {
    NONE,
    USER,
    BEFORE_ALL,
    BEFORE_EACH
  }

  private final Object lock = new Object();
  private MockWebServer server; // guarded by lock
  private Owner owner = Owner.NONE; // guarded by lock

  /** Set when the running server starts closing; a fresh flag per start. */
  private volatile AtomicBoolean stopping = new AtomicBoolean();

  private final Deque<Failure> failures = new ArrayDeque<>(); // guarded by lock
  private final Deque<Reply> replies = new ArrayDeque<>(); // guarded by lock

  private volatile String basePath = "";
  private volatile Reply defaultReply = DEFAULT_REPLY;
  private final Set<String> apiKeys = ConcurrentHashMap.newKeySet();
  private final Set<String> knownModels = ConcurrentHashMap.newKeySet();
  private final Set<String> acceptedBetas = ConcurrentHashMap.newKeySet();
  private volatile boolean betasChecked;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<ReceivedRequest> received = new CopyOnWriteArrayList<>();
  private final BlockingQueue<ReceivedRequest> untaken = new LinkedBlockingQueue<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private final Set<Pause> pauses = ConcurrentHashMap.newKeySet();

  private BedrockEmulator() {
    apiKeys.add(DEFAULT_API_KEY);
  }

  /** An emulator that is not started yet; {@link #start()} it or register it as an extension. */
  public static BedrockEmulator create() {
    return new BedrockEmulator();
  }

  /**
   * Starts serving on a free loopback port. An emulator may be started again after {@link #close()}
   * (on a new port), keeping its scripts.
   *
   * @throws IllegalStateException if it is running
   * @throws UncheckedIOException if no port could be bound
   */
  public BedrockEmulator start() {
    start(Owner.USER);
    return this;
  }

  private void start(Owner by) {
    synchronized (lock) {
      if (server != null) {
        throw new IllegalStateException("the BedrockEmulator is already running at " + baseUrl());
      }
      MockWebServer s = new MockWebServer();
      s.setDispatcher(new EmulatorDispatcher());
      try {
        s.start(InetAddress.getLoopbackAddress(), 0);
      } catch (IOException e) {
        throw new UncheckedIOException("the BedrockEmulator could not bind a loopback port", e);
      }
      server = s;
      owner = by;
      stopping = new AtomicBoolean();
    }
  }

  /**
   * Stops serving. Pauses still holding an answer are released first, so no server thread is left
   * waiting; connections in flight are cut. Idempotent.
   */
  @Override
  public void close() {
    MockWebServer s;
    synchronized (lock) {
      s = server;
      server = null;
      owner = Owner.NONE;
      // Answers held at a pause wake up below, see this flag and drop their connections, so
      // the server's shutdown does not wait for them.
      stopping.set(true);
    }
    if (s != null) {
      for (Pause pause : pauses) {
        pause.release();
      }
      pauses.clear();
      s.close();
    }
  }

  /** Whether the emulator is serving. */
  public boolean isStarted() {
    synchronized (lock) {
      return server != null;
    }
  }

  /**
   * Serves under {@code path} (e.g. {@code /bedrock}), as behind a gateway that adds a prefix;
   * {@link #baseUrl()} includes it. Empty by default.
   */
  public BedrockEmulator basePath(String path) {
    String p = Objects.requireNonNull(path, "path");
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (!p.isEmpty() && !p.startsWith("/")) {
      p = "/" + p;
    }
    basePath = p;
    return this;
  }

  /**
   * The URL to configure as the Bedrock endpoint, without a trailing slash, e.g. {@code
   * http://127.0.0.1:51234} (plus the {@linkplain #basePath(String) base path}).
   *
   * @throws IllegalStateException if the emulator is not running
   */
  public String baseUrl() {
    synchronized (lock) {
      if (server == null) {
        throw new IllegalStateException("the BedrockEmulator is not running; start() it first");
      }
      InetAddress loopback = InetAddress.getLoopbackAddress();
      String host =
          loopback instanceof Inet6Address
              ? "[" + loopback.getHostAddress() + "]"
              : loopback.getHostAddress();
      return "http://" + host + ":" + server.getPort() + basePath;
    }
  }

  /** The key {@link #providerConfig} uses: {@value #DEFAULT_API_KEY}. */
  public String apiKey() {
    return DEFAULT_API_KEY;
  }

  /** Accepts these bearer keys too (the default key stays accepted). */
  public BedrockEmulator acceptKeys(String... keys) {
    for (String key : keys) {
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException("an API key must not be empty");
      }
      apiKeys.add(key);
    }
    return this;
  }

  /**
   * Accepts only these betas in an InvokeModel body's {@code anthropic_beta} (adds to earlier
   * calls): any other is a 400 {@code ValidationException} "invalid beta flag", as Bedrock answers
   * a beta the model does not take (which betas a model takes differs by model and changes over
   * time, so by default the emulator checks none).
   */
  public BedrockEmulator acceptBetas(String... betas) {
    acceptedBetas.addAll(List.of(betas));
    betasChecked = true;
    return this;
  }

  /**
   * Stops accepting these bearer keys, the default one included: a request with a revoked key gets
   * 403 {@code {"Message": …}}, as Bedrock answers a deleted or expired API key. For key-rotation
   * tests: accept the new key, revoke the old one, and check that nothing still sends it.
   */
  public BedrockEmulator revokeKeys(String... keys) {
    for (String key : keys) {
      apiKeys.remove(key);
    }
    return this;
  }

  /**
   * Serves only these model ids (raw, e.g. {@code us.anthropic.claude-haiku-4-5-20251001-v1:0});
   * others get 404 {@code ResourceNotFoundException}. Adds to earlier calls. Any valid id is served
   * until this is called.
   */
  public BedrockEmulator knownModels(String... modelIds) {
    knownModels.addAll(Arrays.asList(modelIds));
    return this;
  }

  /** Queues replies for the next requests that pass the checks, one each, before any stub. */
  public BedrockEmulator enqueue(Reply... nextReplies) {
    synchronized (lock) {
      for (Reply r : nextReplies) {
        replies.add(Objects.requireNonNull(r, "reply"));
      }
    }
    return this;
  }

  /** The next {@code times} requests that pass the checks fail with the modelled {@code type}. */
  public BedrockEmulator failNext(int times, BedrockErrorType type) {
    return failNext(times, Failure.of(type));
  }

  /**
   * The next {@code times} requests that pass the checks get {@code failure}, before any enqueued
   * reply or stub; later calls queue behind earlier ones.
   */
  public BedrockEmulator failNext(int times, Failure failure) {
    Objects.requireNonNull(failure, "failure");
    if (times < 0) {
      throw new IllegalArgumentException("times must not be negative: " + times);
    }
    synchronized (lock) {
      for (int i = 0; i < times; i++) {
        failures.add(failure);
      }
    }
    return this;
  }

  /** A stub for requests naming {@code modelId} (the decoded id, e.g. with {@code :}). */
  public Stubbing whenModel(String modelId) {
    Objects.requireNonNull(modelId, "modelId");
    return new Stubbing(r -> r.modelId().filter(modelId::equals).isPresent());
  }

  /** A stub for requests {@code predicate} accepts. */
  public Stubbing when(Predicate<ReceivedRequest> predicate) {
    return new Stubbing(Objects.requireNonNull(predicate, "predicate"));
  }

  /** Answers requests {@code predicate} accepts with {@code reply}. */
  public BedrockEmulator when(Predicate<ReceivedRequest> predicate, Reply reply) {
    return when(predicate).reply(reply);
  }

  /** Replaces the reply for requests nothing else answers (initially {@link #DEFAULT_REPLY}). */
  public BedrockEmulator defaultReply(Reply reply) {
    defaultReply = Objects.requireNonNull(reply, "reply");
    return this;
  }

  /**
   * Forgets scripts (queued failures and replies, stubs, the default reply) and recorded requests.
   * Keys, known models and the base path stay.
   */
  public BedrockEmulator reset() {
    synchronized (lock) {
      failures.clear();
      replies.clear();
    }
    rules.clear();
    defaultReply = DEFAULT_REPLY;
    received.clear();
    untaken.clear();
    return this;
  }

  /** Every request received so far (including refused ones), in arrival order. A snapshot. */
  public List<ReceivedRequest> requests() {
    return List.copyOf(received);
  }

  /** How many requests were received (including refused ones). */
  public int requestCount() {
    return received.size();
  }

  /**
   * The oldest request not taken yet, waiting up to {@link #TAKE_TIMEOUT} for one.
   *
   * @throws AssertionError if none arrives in time
   */
  public ReceivedRequest takeRequest() throws InterruptedException {
    ReceivedRequest request = untaken.poll(TAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (request == null) {
      throw new AssertionError(
          "no request reached the BedrockEmulator within " + TAKE_TIMEOUT.toSeconds() + " s");
    }
    return request;
  }

  /** The oldest request not taken yet, waiting up to {@code timeout}; empty if none came. */
  public Optional<ReceivedRequest> pollRequest(Duration timeout) throws InterruptedException {
    return Optional.ofNullable(untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /**
   * A provider entry pointing at this emulator: {@link #baseUrl()}, bearer auth with {@link
   * #DEFAULT_API_KEY}, both Bedrock formats ({@code bedrock_model_invoke}, {@code
   * bedrock_converse}) and cost basis {@value #COST_BASIS}.
   *
   * @throws IllegalStateException if the emulator is not running
   */
  public ProviderConfig providerConfig(String providerId, String... models) {
    return ProviderConfig.builder()
        .id(providerId)
        .baseUrl(baseUrl())
        .apiKey(DEFAULT_API_KEY)
        .authorization(AuthorizationScheme.BEARER)
        .addModels(models)
        .compatibility(EnumSet.of(ApiFormat.BEDROCK_MODEL_INVOKE, ApiFormat.BEDROCK_CONVERSE))
        .costBasis(COST_BASIS)
        .build();
  }

  /** A configuration whose only provider is {@link #providerConfig(String, String...)}. */
  public ApertureConfig config(String providerId, String... models) {
    return ApertureConfig.builder()
        .putProvider(providerId, providerConfig(providerId, models))
        .build();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    synchronized (lock) {
      if (server == null) {
        start(Owner.BEFORE_ALL);
      }
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    synchronized (lock) {
      if (server == null) {
        start(Owner.BEFORE_EACH);
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closeIfStartedBy(Owner.BEFORE_EACH);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeIfStartedBy(Owner.BEFORE_ALL);
  }

  private void closeIfStartedBy(Owner by) {
    boolean mine;
    synchronized (lock) {
      mine = owner == by;
    }
    if (mine) {
      close();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return server == null ? "BedrockEmulator[stopped]" : "BedrockEmulator[" + baseUrl() + "]";
    }
  }

  /** Where a stub's answer goes: {@link #reply(Reply)} or {@link #fail(Failure)}. */
  public final class Stubbing {
    private final Predicate<ReceivedRequest> predicate;

    private Stubbing(Predicate<ReceivedRequest> predicate) {
      this.predicate = predicate;
    }

    /** Answers matching requests with {@code reply}, every time. */
    public BedrockEmulator reply(Reply reply) {
      rules.add(new Rule(predicate, Objects.requireNonNull(reply, "reply")));
      return BedrockEmulator.this;
    }

    /** Answers matching requests with {@code failure}, every time (e.g. a model that throttles). */
    public BedrockEmulator fail(Failure failure) {
      rules.add(new Rule(predicate, Objects.requireNonNull(failure, "failure")));
      return BedrockEmulator.this;
    }
  }

  private record Rule(Predicate<ReceivedRequest> predicate, Outcome outcome) {}

  /** Decides and renders each answer on the connection's thread. */
  private final class EmulatorDispatcher extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest recorded) throws InterruptedException {
      String target = recorded.getTarget();
      String method = recorded.getMethod();
      ModelPath route = ModelPath.route(method, target, basePath);
      ByteString bytes = recorded.getBody();
      String body = bytes == null ? "" : bytes.string(StandardCharsets.UTF_8);
      ReceivedRequest request =
          new ReceivedRequest(
              sequence.getAndIncrement(),
              method,
              target,
              route.operation,
              route.rawModelId,
              route.modelId,
              headerMap(recorded.getHeaders()),
              body,
              parseOrNull(body));
      String requestId = UUID.randomUUID().toString();

      Refusal refusal = check(request, route);
      Outcome outcome = refusal != null ? refusal : choose(request);
      if (outcome instanceof Refusal r) {
        record(request.answered(r.status(), errorName(r), r.message()));
        log.debug("BedrockEmulator refused {} {}: {} {}", method, target, r.status(), r.message());
        return error(requestId, r);
      }
      if (outcome instanceof Failure f) {
        if (f.isDisconnect()) {
          record(request.answered(0, null, null));
          return new MockResponse.Builder()
              .onResponseStart(new SocketEffect.CloseSocket(true, false, false))
              .build();
        }
        Refusal r = Refusal.fromFailure(f);
        record(request.answered(r.status(), r.errorType(), r.message()));
        return error(requestId, r);
      }
      Reply reply = (Reply) outcome;
      record(request.answered(200, null, null));
      return render(requestId, route, reply);
    }
  }

  /** The routing, authentication, model and body checks, in Bedrock's order; null if all pass. */
  private Refusal check(ReceivedRequest request, ModelPath route) {
    if (route.refusal != null && route.refusal.status() == 404) {
      return route.refusal;
    }
    String key = request.apiKey().orElse(null);
    if (key == null || !apiKeys.contains(key)) {
      return new Refusal(403, null, AUTH_FAILED, true);
    }
    if (route.refusal != null) {
      return route.refusal;
    }
    if (!knownModels.isEmpty() && !knownModels.contains(route.modelId)) {
      return new Refusal(
          404,
          BedrockErrorType.RESOURCE_NOT_FOUND.wireName(),
          Failure.defaultMessage(BedrockErrorType.RESOURCE_NOT_FOUND),
          false);
    }
    JsonNode json = request.json();
    if (route.operation.isConverse()) {
      return BodyRules.checkConverse(json);
    }
    if (!route.parsedId.isAnthropic() && !route.parsedId.isOpaque()) {
      return Refusal.validation(
          "BedrockEmulator emulates InvokeModel for Anthropic models only, not "
              + route.modelId
              + "; use Converse for other providers.");
    }
    Refusal refusal = BodyRules.checkAnthropic(json);
    if (refusal == null && betasChecked) {
      JsonNode betas = json.get("anthropic_beta");
      if (betas != null) {
        for (JsonNode beta : betas.isArray() ? betas : List.of(betas)) {
          if (!beta.isTextual() || !acceptedBetas.contains(beta.asText())) {
            // Bedrock's whole answer for a beta the model does not take
            return Refusal.validation("invalid beta flag");
          }
        }
      }
    }
    return refusal;
  }

  /** The scripted outcome (a {@link Refusal} only when a stub's predicate throws). */
  private Outcome choose(ReceivedRequest request) {
    synchronized (lock) {
      Failure failure = failures.poll();
      if (failure != null) {
        return failure;
      }
      Reply reply = replies.poll();
      if (reply != null) {
        return reply;
      }
    }
    for (Rule rule : rules) {
      boolean matches;
      try {
        matches = rule.predicate().test(request);
      } catch (RuntimeException e) {
        return new Refusal(
            500,
            "InternalServerException",
            "BedrockEmulator: a stub's predicate threw " + e,
            false);
      }
      if (matches) {
        return rule.outcome();
      }
    }
    return defaultReply;
  }

  private MockResponse render(String requestId, ModelPath route, Reply reply)
      throws InterruptedException {
    AtomicBoolean stopping = this.stopping;
    MockResponse.Builder response =
        new MockResponse.Builder().code(200).addHeader("x-amzn-RequestId", requestId);
    if (!reply.firstByteDelay().isZero()) {
      response.headersDelay(reply.firstByteDelay().toNanos(), TimeUnit.NANOSECONDS);
    }
    Pause pause = reply.pauseOrNull();
    if (pause != null) {
      pauses.add(pause);
    }
    BedrockOperation operation = route.operation;
    if (operation.isStreaming()) {
      StreamScript script =
          operation == BedrockOperation.CONVERSE_STREAM
              ? ConverseWire.events(reply)
              : AnthropicWire.events(reply, AnthropicWire.modelName(route.parsedId));
      response.addHeader("Content-Type", "application/vnd.amazon.eventstream");
      if (operation == BedrockOperation.INVOKE_MODEL_WITH_RESPONSE_STREAM) {
        response.addHeader("X-Amzn-Bedrock-Content-Type", StreamScript.APPLICATION_JSON);
      }
      // body() announces the length (-1 here); a chunked body must not carry one.
      response
          .body(new EventStreamBody(script, reply, stopping::get))
          .removeHeader("Content-Length")
          .addHeader("Transfer-Encoding", "chunked");
      return response.build();
    }

    JsonNode json;
    if (operation == BedrockOperation.CONVERSE) {
      json = ConverseWire.response(reply);
    } else {
      json = AnthropicWire.response(reply, AnthropicWire.modelName(route.parsedId));
      response
          .addHeader("X-Amzn-Bedrock-Input-Token-Count", reply.inputTokens())
          .addHeader("X-Amzn-Bedrock-Output-Token-Count", reply.outputTokens())
          .addHeader("X-Amzn-Bedrock-Cache-Read-Input-Token-Count", reply.cacheReadTokens())
          .addHeader("X-Amzn-Bedrock-Cache-Write-Input-Token-Count", reply.cacheWriteTokens())
          .addHeader("X-Amzn-Bedrock-Invocation-Latency", reply.latency());
    }
    response.addHeader("Content-Type", StreamScript.APPLICATION_JSON);
    byte[] bytes = EmulatorJson.write(json).getBytes(StandardCharsets.UTF_8);
    if (reply.ending() == Reply.Ending.DISCONNECT_AFTER) {
      response.body(new CutBody(bytes));
    } else {
      response.body(new Buffer().write(bytes));
    }
    if (pause != null && (!pause.hold() || stopping.get())) {
      // Nobody released the pause, or the emulator is closing: drop rather than answer late.
      return new MockResponse.Builder()
          .onResponseStart(new SocketEffect.CloseSocket(true, false, false))
          .build();
    }
    return response.build();
  }

  private static MockResponse error(String requestId, Refusal refusal) {
    MockResponse.Builder response =
        new MockResponse.Builder()
            .code(refusal.status())
            .addHeader("x-amzn-RequestId", requestId)
            .addHeader("Content-Type", StreamScript.APPLICATION_JSON);
    if (refusal.errorType() != null) {
      response.addHeader("x-amzn-ErrorType", refusal.errorType() + Failure.ERROR_TYPE_NAMESPACE);
    }
    String body =
        refusal.capitalKey()
            ? "{\"Message\":" + quote(refusal.message()) + "}"
            : EmulatorJson.message(refusal.message());
    return response.body(body).build();
  }

  private void record(ReceivedRequest request) {
    received.add(request);
    untaken.add(request);
  }

  private static String errorName(Refusal refusal) {
    return refusal.errorType() != null
        ? refusal.errorType()
        : refusal.status() == 403 ? "AccessDeniedException" : null;
  }

  private static String quote(String text) {
    return EmulatorJson.write(EmulatorJson.MAPPER.getNodeFactory().textNode(text));
  }

  private static JsonNode parseOrNull(String body) {
    if (body.isBlank()) {
      return null;
    }
    try {
      return EmulatorJson.parse(body);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Map<String, List<String>> headerMap(Headers headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < headers.size(); i++) {
      map.computeIfAbsent(headers.name(i).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(headers.value(i));
    }
    map.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(map);
  }
}
