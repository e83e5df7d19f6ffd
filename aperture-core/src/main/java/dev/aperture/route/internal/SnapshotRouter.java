package dev.aperture.route.internal;

import dev.aperture.ApertureException;
import dev.aperture.ApiFormat;
import dev.aperture.StreamException;
import dev.aperture.access.AccessDecision;
import dev.aperture.access.Identity;
import dev.aperture.access.InterceptContext;
import dev.aperture.access.InterceptorChain;
import dev.aperture.access.QuotaLedger;
import dev.aperture.access.ResolvedBucket;
import dev.aperture.chat.ChatEvent;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ChatStream;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.ImmutableChatRequest;
import dev.aperture.chat.ImmutableChatResponse;
import dev.aperture.chat.Usage;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ProviderConfig;
import dev.aperture.cost.CostCalculator;
import dev.aperture.cost.CostResult;
import dev.aperture.cost.ModelCostMap;
import dev.aperture.internal.Ids;
import dev.aperture.internal.Secrets;
import dev.aperture.provider.EventSource;
import dev.aperture.provider.ForwardRequest;
import dev.aperture.provider.ForwardResponse;
import dev.aperture.provider.Provider;
import dev.aperture.provider.ProviderContext;
import dev.aperture.provider.ProviderFactory;
import dev.aperture.provider.RetryPolicy;
import dev.aperture.provider.UsageSink;
import dev.aperture.route.ModelInfo;
import dev.aperture.route.ModelRouter;
import dev.aperture.route.Route;
import dev.aperture.usage.ImmutableUsageRecord;
import dev.aperture.usage.SessionFingerprint;
import dev.aperture.usage.UsageListener;
import dev.aperture.usage.UsageRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ModelRouter}: an atomically swapped {@link Snapshot} plus metering. Every dispatched
 * call produces exactly one {@link UsageRecord}.
 */
public final class SnapshotRouter implements ModelRouter {
  private static final Logger log = LoggerFactory.getLogger(SnapshotRouter.class);

  private final List<ProviderFactory> factories;
  private final List<UsageListener> listeners;
  private final OkHttpClient client;
  private final boolean ownsClient;
  private final CostCalculator costCalculator;
  private final ProviderContext context;
  private final Clock clock;
  private final QuotaLedger ledger;
  private final InterceptorChain interceptors;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();

  public SnapshotRouter(
      ApertureConfig config,
      List<ProviderFactory> factories,
      List<UsageListener> listeners,
      OkHttpClient client,
      boolean ownsClient,
      CostCalculator costCalculator,
      RetryPolicy retryPolicy,
      Clock clock,
      QuotaLedger ledger,
      InterceptorChain interceptors) {
    this.factories = factories;
    this.listeners = listeners;
    this.client = client;
    this.ownsClient = ownsClient;
    this.costCalculator = costCalculator;
    this.clock = clock;
    this.ledger = ledger;
    this.interceptors = interceptors;
    this.context = new ProviderContext(client, retryPolicy, clock);
    current.set(new Snapshot(config, factories, context));
    ledger.applyConfig(config.quotas());
  }

  @Override
  public Route route(String model) {
    return current.get().route(model);
  }

  @Override
  public Route route(String model, ApiFormat format) {
    return current.get().route(model, format);
  }

  @Override
  public List<ModelInfo> models() {
    return current.get().models();
  }

  @Override
  public List<ModelInfo> models(Identity identity) {
    Snapshot s = current.get();
    return s.models().stream()
        .filter(m -> s.access.canUse(identity, m.providerId(), m.model()))
        .toList();
  }

  @Override
  public ApertureConfig config() {
    return current.get().config;
  }

  @Override
  public synchronized void reload(ApertureConfig config) {
    // synchronized: two reloads must not interleave their snapshot and quota updates; lookups
    // and calls never take this lock.
    // Build fully before publishing: a failure leaves the old snapshot in force.
    Snapshot next = new Snapshot(config, factories, context);
    current.set(next);
    ledger.applyConfig(config.quotas());
    log.info(
        "configuration reloaded: {} providers, {} models",
        config.providers().size(),
        next.models().size());
  }

  @Override
  public ChatResponse chat(ChatRequest original) {
    Dispatch d = dispatch(original, false);
    ChatRequest request = d.request;
    Route route = d.route;
    Call call = d.call;
    ChatResponse response;
    try {
      response = d.provider.chat(route, d.upstream);
    } catch (RuntimeException e) {
      call.failed(e);
      throw e;
    }
    CostResult cost = cost(route.provider(), route.upstreamModel(), response.usage());
    // with* copies share the provider's immutable lists instead of rebuilding them
    ImmutableChatResponse result =
        ImmutableChatResponse.copyOf(response)
            .withModel(request.model())
            .withProvider(route.providerId())
            .withCost(cost.cost());
    if (cost instanceof CostResult.Unpriced u) {
      result = result.withCostUnavailableReason(u.reason());
    }
    call.succeeded(result.usage(), cost, toolNames(result));
    return result;
  }

  @Override
  public ChatStream stream(ChatRequest original) {
    Dispatch d = dispatch(original, true);
    EventSource source;
    try {
      source = d.provider.stream(d.route, d.upstream);
    } catch (RuntimeException e) {
      d.call.failed(e);
      throw e;
    }
    return ChatStream.of(new MeteredSource(source, d.call));
  }

  /** A unified call ready to send: admitted, with its provider, upstream request and meter. */
  private record Dispatch(
      Provider provider, Route route, ChatRequest request, ChatRequest upstream, Call call) {}

  private Dispatch dispatch(ChatRequest original, boolean streamed) {
    Snapshot s = current.get();
    Admission a = admit(s, original);
    return new Dispatch(
        s.provider(a.route.providerId()),
        a.route,
        a.request,
        upstreamRequest(a.request, a.route),
        new Call(s, a.route, a.request, streamed, a.sessionId, a.buckets));
  }

  /**
   * A request admitted for dispatch: routed, granted, within quota, past the interceptors; its
   * session id is the one the interceptors were shown (the caller's request's, computed once).
   */
  private record Admission(
      Route route, ChatRequest request, String sessionId, List<ResolvedBucket> buckets) {}

  private Admission admit(Snapshot s, ChatRequest request) {
    Route route = s.route(request.model());
    List<ResolvedBucket> buckets = authorize(s, request.identity(), route);
    String sessionId = SessionFingerprint.sessionId(request);
    if (interceptors.interceptors().isEmpty()) {
      return new Admission(route, request, sessionId, buckets);
    }
    ChatRequest after =
        interceptors.before(
            new InterceptContext(
                request.identity(),
                route.providerId(),
                request.model(),
                route.upstreamApi().configKey(),
                sessionId),
            request);
    if (after.model().equals(request.model())) {
      return new Admission(route, after, sessionId, buckets);
    }
    // An interceptor chose another model: it must be routable and granted in its own right.
    Route rerouted = s.route(after.model());
    return new Admission(rerouted, after, sessionId, authorize(s, after.identity(), rerouted));
  }

  /** Checks grants and quotas; returns the quota buckets to debit afterwards. */
  private List<ResolvedBucket> authorize(Snapshot s, Identity identity, Route route) {
    AccessDecision decision =
        s.access.check(identity, route.providerId(), route.upstreamModel()).orThrow();
    List<ResolvedBucket> buckets = decision.quotaBuckets();
    if (!buckets.isEmpty()) {
      ledger.precheck(buckets);
    }
    return buckets;
  }

  @Override
  public ForwardResponse forward(ForwardRequest request) {
    Snapshot s = current.get();
    String model = request.model().orElseGet(() -> ForwardBodies.model(request));
    String sessionId = ForwardBodies.sessionId(request);
    Route route = s.routeForward(model, request.format());
    List<ResolvedBucket> buckets = authorize(s, request.identity(), route);
    if (!interceptors.interceptors().isEmpty()) {
      // Interceptors see the call's context and a request carrying its model and identity (the
      // native body is not decoded): they can allow it, block it, or redirect it to another model.
      ChatRequest probe =
          ChatRequest.builder()
              .model(model)
              .identity(request.identity())
              .inboundFormat(request.format())
              .sessionId(sessionId)
              .build();
      ChatRequest after =
          interceptors.before(
              new InterceptContext(
                  request.identity(),
                  route.providerId(),
                  model,
                  request.format().configKey(),
                  sessionId),
              probe);
      if (!after.model().equals(model)) {
        model = after.model();
        route = s.routeForward(model, request.format());
        buckets = authorize(s, request.identity(), route);
      }
    }
    Provider provider = s.provider(route.providerId());
    Route chosen = route;
    Call call =
        new Call(
            s,
            route,
            request.identity().principal(),
            model,
            request.format(),
            ForwardBodies.streaming(request),
            sessionId,
            buckets);
    UsageSink sink =
        (status, usage, toolCalls, error) -> {
          if (error == null && status < 400) {
            call.succeeded(
                usage, cost(chosen.provider(), chosen.upstreamModel(), usage), toolCalls);
          } else {
            call.failed(error == null ? "HTTP " + status : error, status, usage, toolCalls);
          }
        };
    try {
      return provider.forward(chosen, request, sink);
    } catch (RuntimeException e) {
      call.failed(e);
      throw e;
    }
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private static ChatRequest upstreamRequest(ChatRequest request, Route route) {
    if (request.model().equals(route.upstreamModel())) {
      return request;
    }
    return ImmutableChatRequest.copyOf(request).withModel(route.upstreamModel());
  }

  /** Prices {@code usage} with the provider's cost basis and {@code model_cost_map}. */
  private CostResult cost(ProviderConfig provider, String model, Usage usage) {
    String basis = provider.costBasis().orElse(null);
    if (basis == null) {
      return CostResult.unpriced(
          "provider '" + provider.id() + "' has no cost_basis; set one to compute costs");
    }
    CostCalculator calculator =
        provider.modelCostMap().isEmpty()
            ? costCalculator
            : ModelCostMap.withRules(costCalculator, provider.modelCostMap());
    try {
      return calculator.cost(basis, model, usage);
    } catch (RuntimeException e) {
      // A calculator is an extension point; its bug must not lose the usage record.
      log.warn("cost calculator failed for {}/{}", provider.id(), model, e);
      return CostResult.unpriced("the cost calculator failed: " + e);
    }
  }

  private static List<String> toolNames(ChatResponse response) {
    List<String> names = null; // most answers call no tool: no list for them
    for (ContentPart p : response.content()) {
      if (p instanceof ContentPart.ToolCall t) {
        if (names == null) {
          names = new ArrayList<>();
        }
        names.add(t.name());
      }
    }
    return names == null ? List.of() : names;
  }

  private void publish(UsageRecord record) {
    for (UsageListener l : listeners) {
      try {
        l.onUsage(record);
      } catch (RuntimeException e) {
        log.warn("usage listener {} failed on record {}", l.getClass().getName(), record.id(), e);
      }
    }
    interceptors.after(record);
  }

  /** One dispatched call being metered; records exactly once. */
  private final class Call {
    final Snapshot snapshot;
    final Route route;
    final String identity;
    final String model;
    final ApiFormat apiIn;
    final boolean streamed;
    final String sessionId;
    final List<ResolvedBucket> buckets;
    final Instant started;
    final long startNanos;

    /** Whether the record was made (0 or 1): a field rather than an AtomicBoolean per call. */
    private volatile int recorded;

    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Call> RECORDED =
        java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Call.class, "recorded");

    Call(
        Snapshot snapshot,
        Route route,
        ChatRequest request,
        boolean streamed,
        String sessionId,
        List<ResolvedBucket> buckets) {
      this(
          snapshot,
          route,
          request.identity().principal(),
          request.model(),
          request.inboundFormat().orElse(null),
          streamed,
          sessionId,
          buckets);
    }

    Call(
        Snapshot snapshot,
        Route route,
        String identity,
        String model,
        ApiFormat apiIn,
        boolean streamed,
        String sessionId,
        List<ResolvedBucket> buckets) {
      this.snapshot = snapshot;
      this.buckets = buckets;
      this.route = route;
      this.identity = identity;
      this.model = model;
      this.apiIn = apiIn;
      this.streamed = streamed;
      this.sessionId = sessionId;
      this.started = clock.instant();
      this.startNanos = System.nanoTime();
    }

    ImmutableUsageRecord.Builder record(int status) {
      ImmutableUsageRecord.Builder b =
          UsageRecord.builder()
              .id(Ids.randomUuid().toString())
              .timestamp(started)
              .identity(identity)
              .provider(route.providerId())
              .model(model)
              .upstreamModel(route.upstreamModel())
              .apiOut(route.upstreamApi())
              .streamed(streamed)
              .durationMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos))
              .status(status)
              .sessionId(sessionId);
      if (apiIn != null) {
        b.apiIn(apiIn);
      }
      return b;
    }

    void succeeded(Usage usage, CostResult cost, List<String> toolCalls) {
      if (!RECORDED.compareAndSet(this, 0, 1)) {
        return;
      }
      ImmutableUsageRecord.Builder b =
          record(200).usage(usage).cost(cost.cost()).toolCalls(toolCalls);
      if (cost instanceof CostResult.Unpriced u) {
        b.costUnavailableReason(u.reason());
      }
      if (!buckets.isEmpty() && cost.cost().isPresent()) {
        ledger.debit(buckets, cost.cost().get().nanos());
      }
      publish(b.build());
    }

    void failed(RuntimeException e) {
      failed(e, e instanceof ApertureException a ? a.httpStatus() : 500, Usage.ZERO, List.of());
    }

    void failed(RuntimeException e, int status, Usage usage, List<String> toolCalls) {
      failed(String.valueOf(e.getMessage()), status, usage, toolCalls);
    }

    void failed(String error, int status, Usage usage, List<String> toolCalls) {
      if (!RECORDED.compareAndSet(this, 0, 1)) {
        return;
      }
      String message = Secrets.redact(error, snapshot.secrets);
      ImmutableUsageRecord.Builder b =
          record(status).usage(usage).toolCalls(toolCalls).error(message);
      if (usage.totalTokens() == 0) {
        b.costUnavailableReason("the call failed before any usage was reported");
      } else {
        // Tokens the provider reported were billed even though the call did not complete (a
        // stream closed early, a cut connection): price them and charge the quota buckets.
        CostResult cost = cost(route.provider(), route.upstreamModel(), usage);
        b.cost(cost.cost());
        if (cost instanceof CostResult.Unpriced u) {
          b.costUnavailableReason(u.reason());
        }
        if (!buckets.isEmpty() && cost.cost().isPresent()) {
          ledger.debit(buckets, cost.cost().get().nanos());
        }
      }
      publish(b.build());
    }
  }

  /** Wraps a provider's events: fills in the caller's model name, cost, and the usage record. */
  private final class MeteredSource implements EventSource {
    private final EventSource source;
    private final Call call;
    private final List<String> toolCalls = new ArrayList<>();
    private boolean finished;

    MeteredSource(EventSource source, Call call) {
      this.source = source;
      this.call = call;
    }

    @Override
    public ChatEvent next() {
      ChatEvent e;
      try {
        e = source.next();
      } catch (RuntimeException ex) {
        call.failed(
            ex,
            ex instanceof ApertureException a ? a.httpStatus() : 500,
            source.usageSoFar(),
            List.copyOf(toolCalls));
        throw ex;
      }
      if (e == null) {
        if (!finished) {
          StreamException ex =
              new StreamException(
                  StreamException.Kind.TRUNCATED,
                  "the stream from provider '"
                      + call.route.providerId()
                      + "' ended before its stop reason and usage arrived");
          call.failed(ex, ex.httpStatus(), source.usageSoFar(), List.copyOf(toolCalls));
          throw ex;
        }
        return null;
      }
      if (e instanceof ChatEvent.Start st) {
        return new ChatEvent.Start(st.id(), call.model, call.route.providerId());
      }
      if (e instanceof ChatEvent.ToolCallStart t) {
        toolCalls.add(t.name());
      } else if (e instanceof ChatEvent.Finish f) {
        finished = true;
        CostResult cost = cost(call.route.provider(), call.route.upstreamModel(), f.usage());
        call.succeeded(f.usage(), cost, List.copyOf(toolCalls));
        return f.withCost(
            cost.cost().orElse(null), cost instanceof CostResult.Unpriced u ? u.reason() : null);
      }
      return e;
    }

    @Override
    public void close() {
      source.close();
      if (!finished) {
        call.failed(
            new StreamException(StreamException.Kind.CLOSED, "the caller closed the stream early"),
            499,
            source.usageSoFar(),
            List.copyOf(toolCalls));
      }
    }
  }
}
