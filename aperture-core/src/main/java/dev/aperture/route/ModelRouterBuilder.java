package dev.aperture.route;

import dev.aperture.access.InMemoryQuotaLedger;
import dev.aperture.access.InterceptorChain;
import dev.aperture.access.QuotaLedger;
import dev.aperture.access.RequestInterceptor;
import dev.aperture.config.ApertureConfig;
import dev.aperture.cost.CostCalculator;
import dev.aperture.cost.DefaultCostCalculator;
import dev.aperture.provider.ProviderFactory;
import dev.aperture.provider.RetryPolicy;
import dev.aperture.route.internal.SnapshotRouter;
import dev.aperture.usage.UsageListener;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * Configures a {@link ModelRouter}. Provider factories are asked in the order added; {@link
 * #discoverProviderFactories()} adds those found by {@link ServiceLoader} after the explicit ones.
 */
public final class ModelRouterBuilder {
  /**
   * Idle connections the router's own HTTP client keeps for reuse. OkHttp's default keeps five: a
   * router serving more concurrent calls than that would close a connection after most calls and
   * open (against Bedrock: TLS-handshake) a new one for the next.
   */
  public static final int DEFAULT_MAX_IDLE_CONNECTIONS = 64;

  /** How long the router's own client keeps an idle connection; OkHttp's default. */
  private static final Duration KEEP_ALIVE = Duration.ofMinutes(5);

  private final ApertureConfig config;
  private final List<ProviderFactory> factories = new ArrayList<>();
  private final List<UsageListener> listeners = new ArrayList<>();
  private OkHttpClient httpClient;
  private CostCalculator costCalculator;
  private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
  private Clock clock = Clock.systemUTC();
  private Duration connectTimeout = Duration.ofSeconds(10);
  private Duration readTimeout = Duration.ofSeconds(300);
  private Duration callTimeout = Duration.ZERO;
  private Duration writeTimeout; // null: the read timeout
  private int maxIdleConnections = DEFAULT_MAX_IDLE_CONNECTIONS;
  private boolean maxIdleConnectionsSet;
  private QuotaLedger quotaLedger;
  private final List<RequestInterceptor> interceptors = new ArrayList<>();

  ModelRouterBuilder(ApertureConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public ModelRouterBuilder addProviderFactory(ProviderFactory factory) {
    factories.add(Objects.requireNonNull(factory, "factory"));
    return this;
  }

  /** Adds every {@link ProviderFactory} registered with {@link ServiceLoader}. */
  public ModelRouterBuilder discoverProviderFactories() {
    for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class)) {
      factories.add(f);
    }
    return this;
  }

  public ModelRouterBuilder addUsageListener(UsageListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * The HTTP client to share (its connection pool and dispatcher). This builder's timeouts
   * (connect, read, write and call, set or default) are applied to a derived client; the one handed
   * in is not closed by the router.
   */
  public ModelRouterBuilder httpClient(OkHttpClient client) {
    this.httpClient = Objects.requireNonNull(client, "client");
    return this;
  }

  /**
   * How many idle connections the router's own HTTP client keeps for reuse (for five minutes each);
   * default {@value #DEFAULT_MAX_IDLE_CONNECTIONS}. Set it to at least the number of calls the
   * router makes at once, or connections are closed after a call and opened again for the next. Not
   * for a client passed to {@link #httpClient}: size that client's own pool ({@link #build} refuses
   * both).
   *
   * @throws IllegalArgumentException if {@code max} is negative
   */
  public ModelRouterBuilder maxIdleConnections(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("maxIdleConnections must be 0 or more, not " + max);
    }
    this.maxIdleConnections = max;
    this.maxIdleConnectionsSet = true;
    return this;
  }

  /** Where quota balances live; an in-memory ledger on the builder's clock by default. */
  public ModelRouterBuilder quotaLedger(QuotaLedger ledger) {
    this.quotaLedger = Objects.requireNonNull(ledger, "ledger");
    return this;
  }

  /** Adds a request interceptor; interceptors run in the order added, before every dispatch. */
  public ModelRouterBuilder addInterceptor(RequestInterceptor interceptor) {
    interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
    return this;
  }

  /** Replaces the bundled price table's calculator. */
  public ModelRouterBuilder costCalculator(CostCalculator calculator) {
    this.costCalculator = Objects.requireNonNull(calculator, "calculator");
    return this;
  }

  public ModelRouterBuilder retryPolicy(RetryPolicy policy) {
    this.retryPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  public ModelRouterBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** Time to establish a connection; default 10 s. */
  public ModelRouterBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /** Longest silence between bytes of a response; default 300 s (models think slowly). */
  public ModelRouterBuilder readTimeout(Duration timeout) {
    this.readTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /**
   * Longest stall while sending a request's bytes; default: the read timeout, or, when that is zero
   * (none), the write timeout of the client the router starts from (OkHttp's default: 10 s).
   *
   * <p>Kept no shorter than the read timeout unless there is a reason: Okio keeps the deadlines of
   * all pending reads and writes in one queue watched by one thread, and a write whose deadline
   * comes before those of the reads in flight goes to the head of that queue and wakes the thread.
   * With OkHttp's default 10 s writes under 300 s reads that was one wake-up for about every twenty
   * calls at concurrency 16.
   */
  public ModelRouterBuilder writeTimeout(Duration timeout) {
    this.writeTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  private Duration writeTimeout(OkHttpClient base) {
    if (writeTimeout != null) {
      return writeTimeout;
    }
    // Without a read deadline no read waits in Okio's queue, and a write deadline cannot overtake
    // one: the client's own write timeout stays, rather than none at all.
    return readTimeout.isZero() ? Duration.ofMillis(base.writeTimeoutMillis()) : readTimeout;
  }

  /** Limit on one whole attempt, from request to last byte; default zero (none). */
  public ModelRouterBuilder callTimeout(Duration timeout) {
    this.callTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /**
   * Builds the router.
   *
   * @throws dev.aperture.config.ConfigException if a provider cannot be made from the config
   * @throws IllegalStateException if both {@link #httpClient} and {@link #maxIdleConnections} were
   *     set (the pool is the client's)
   */
  public ModelRouter build() {
    if (httpClient != null && maxIdleConnectionsSet) {
      throw new IllegalStateException(
          "maxIdleConnections sizes the router's own HTTP client's pool, and a client was passed"
              + " to httpClient(): size that client's ConnectionPool instead");
    }
    OkHttpClient base =
        httpClient != null
            ? httpClient
            : new OkHttpClient.Builder()
                .connectionPool(
                    new ConnectionPool(
                        maxIdleConnections, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS))
                .build();
    OkHttpClient client =
        base.newBuilder()
            .connectTimeout(connectTimeout)
            .readTimeout(readTimeout)
            .writeTimeout(writeTimeout(base))
            .callTimeout(callTimeout)
            .build();
    return new SnapshotRouter(
        config,
        List.copyOf(factories),
        List.copyOf(listeners),
        client,
        httpClient == null,
        costCalculator != null ? costCalculator : DefaultCostCalculator.create(),
        retryPolicy,
        clock,
        quotaLedger != null ? quotaLedger : InMemoryQuotaLedger.create(clock),
        InterceptorChain.of(interceptors));
  }
}
