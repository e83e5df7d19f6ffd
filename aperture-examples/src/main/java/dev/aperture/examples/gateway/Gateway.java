package dev.aperture.examples.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.aperture.access.WebhookInterceptor;
import dev.aperture.bedrock.BedrockProviderFactory;
import dev.aperture.config.ApertureConfig;
import dev.aperture.route.ModelRouter;
import dev.aperture.route.ModelRouterBuilder;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;

/**
 * A small AI gateway over HTTP, built on the library: OpenAI chat completions, Anthropic Messages
 * and Bedrock Runtime requests in, routed by model to the configured providers, with the provider's
 * credential injected, usage metered and errors answered in the caller's own format.
 *
 * <p>Uses the JDK's {@link HttpServer} with a bounded pool of {@value #MAX_THREADS} request threads
 * (a streamed answer holds its thread until it ends); up to {@value #MAX_WAITING} more wait for
 * one, and any beyond are answered 503 with {@code Retry-After} at once rather than queued. The
 * configuration file, when there is one, is watched and every valid edit is applied within a second
 * or so without failing a request. Thread-safe; {@link #close()} stops everything it started.
 */
public final class Gateway implements AutoCloseable {
  /** Requests served at once. */
  public static final int MAX_THREADS = 256;

  /** Requests that may wait for a thread; any more are answered 503 (with Retry-After) at once. */
  public static final int MAX_WAITING = 1024;

  /**
   * How long a request may wait for a thread before it is answered 503: less than the 60 s after
   * which the JDK server drops a request it has not answered.
   */
  public static final Duration MAX_WAIT = Duration.ofSeconds(30);

  /** Usage records kept for {@code /api/sessions}. */
  public static final int SESSION_CAPACITY = 1000;

  private final HttpServer server;
  private final RequestPool executor;
  private final ModelRouter router;
  private final SessionLog sessions;
  private final ConfigWatcher watcher;
  private final EmbeddedDefault embedded;
  private final OkHttpClient hookClient;

  private Gateway(
      HttpServer server,
      RequestPool executor,
      ModelRouter router,
      SessionLog sessions,
      ConfigWatcher watcher,
      EmbeddedDefault embedded,
      OkHttpClient hookClient) {
    this.server = server;
    this.executor = executor;
    this.router = router;
    this.sessions = sessions;
    this.watcher = watcher;
    this.embedded = embedded;
    this.hookClient = hookClient;
  }

  /**
   * Starts a gateway: reads the configuration file of {@code options} (or starts the embedded
   * default: a Bedrock emulator and a demo configuration), builds the router, and listens. Returns
   * once requests are being accepted.
   *
   * @throws dev.aperture.config.ConfigException if the configuration is invalid (every error
   *     listed)
   * @throws IOException if the address cannot be listened on
   */
  public static Gateway start(GatewayOptions options, GatewayConsole console) throws IOException {
    return start(options, console, builder -> {});
  }

  /**
   * As {@link #start(GatewayOptions, GatewayConsole)}, with {@code routerSetup} applied to the
   * router's builder after the gateway's own settings: to add request interceptors, usage
   * listeners, a quota ledger or an HTTP client of your own when embedding the gateway.
   */
  public static Gateway start(
      GatewayOptions options, GatewayConsole console, Consumer<ModelRouterBuilder> routerSetup)
      throws IOException {
    return start(options, console, routerSetup, MAX_THREADS, MAX_WAITING, MAX_WAIT);
  }

  /**
   * As above, with {@code maxThreads} requests served at once and {@code maxWaiting} waiting, each
   * for at most {@code maxWait}.
   */
  static Gateway start(
      GatewayOptions options,
      GatewayConsole console,
      Consumer<ModelRouterBuilder> routerSetup,
      int maxThreads,
      int maxWaiting,
      Duration maxWait)
      throws IOException {
    ApertureConfig config;
    ConfigWatcher watcher = null;
    EmbeddedDefault embedded = null;
    if (options.config() != null) {
      ConfigWatcher.Loaded loaded = ConfigWatcher.load(options.config(), console);
      watcher = loaded.watcher();
      config = loaded.config();
      watcher.report(config.warnings());
    } else {
      embedded = EmbeddedDefault.start();
      config = embedded.config();
      console.info(
          "embedded default: Bedrock emulator at "
              + embedded.baseUrl()
              + " (no AWS account needed)");
    }
    ModelRouter router = null;
    HttpServer server = null;
    RequestPool executor = null;
    OkHttpClient hookClient = new OkHttpClient();
    try {
      SessionLog sessions = new SessionLog(SESSION_CAPACITY, console);
      // The configuration's webhooks, asked before every call; they reload with the file.
      ConfiguredHooks hooks = new ConfiguredHooks(hookClient);
      hooks.install(hooks.prepare(config));
      if (!hooks.hooks().isEmpty()) {
        reportHooks(hooks, console);
      }
      ModelRouterBuilder builder =
          ModelRouter.builder(config)
              .addProviderFactory(BedrockProviderFactory.create())
              .addUsageListener(sessions)
              .addInterceptor(hooks);
      routerSetup.accept(builder);
      router = builder.build();
      if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
        // A client that sends a request slowly (or stops) must not hold a thread for ever: the
        // JDK server drops a connection whose request is not read within this many seconds.
        System.setProperty("sun.net.httpserver.maxReqTime", "60");
      }
      server =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getByName(options.bind()), options.port()), 0);
      executor = new RequestPool(maxThreads, maxWaiting, maxWait, Duration.ofSeconds(1));
      server.setExecutor(executor);
      CallerIdentity callers = new CallerIdentity(options.identityHeader());
      for (Endpoint e :
          List.of(
              new RootEndpoint(router, callers, console),
              new ChatCompletionsEndpoint(router, callers, console),
              new MessagesEndpoint(router, callers, console),
              new BedrockEndpoint(router, callers, console),
              new ModelsEndpoint(router, callers, console),
              new SessionsEndpoint(sessions, router, callers, console))) {
        server.createContext(e.path(), e);
      }
      server.start();
      if (options.identityHeader() == null
          && !server.getAddress().getAddress().isLoopbackAddress()) {
        console.problem(
            "warning: listening on "
                + options.bind()
                + " without --identity-header: callers from other machines are refused (403);"
                + " put the gateway behind an authenticating proxy that sets an identity header");
      }
      if (watcher != null) {
        ModelRouter running = router;
        watcher.start(
            next -> {
              // both checked before either changes: an invalid hook keeps the old configuration
              List<WebhookInterceptor> nextHooks = hooks.prepare(next);
              boolean hadHooks = !hooks.hooks().isEmpty();
              // Two publications: a call starting between them meets the new routes with the old
              // hooks, which is harmless (hooks do not depend on routes).
              running.reload(next);
              hooks.install(nextHooks);
              if (hadHooks || !nextHooks.isEmpty()) {
                reportHooks(hooks, console);
              }
            });
      }
      return new Gateway(server, executor, router, sessions, watcher, embedded, hookClient);
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.stop(0);
      }
      if (executor != null) {
        executor.shutdownNow();
      }
      if (router != null) {
        router.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      closeClient(hookClient);
      throw e;
    }
  }

  /** Says which webhooks are in force (their names only: never a URL or a key). */
  private static void reportHooks(ConfiguredHooks hooks, GatewayConsole console) {
    List<WebhookInterceptor> in = hooks.hooks();
    if (in.isEmpty()) {
      console.info("hooks: none in force");
    } else {
      StringBuilder sb = new StringBuilder("hooks: ").append(in.size()).append(" in force:");
      for (WebhookInterceptor h : in) {
        sb.append(' ').append(h.name());
      }
      console.info(sb.toString());
    }
  }

  private static void closeClient(OkHttpClient client) {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  /**
   * The address requests go to, e.g. {@code http://127.0.0.1:8080}; for a wildcard bind, the
   * wildcard ({@code http://0.0.0.0:8080}), meaning every address of the machine.
   */
  public String baseUrl() {
    InetSocketAddress address = server.getAddress();
    InetAddress ip = address.getAddress();
    // the JDK reports a wildcard IPv4 bind as the IPv6 wildcard; say it as the user did
    String host =
        ip.isAnyLocalAddress()
            ? "0.0.0.0"
            : ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
    return "http://" + host + ":" + address.getPort();
  }

  /** The port listened on (useful after asking for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The router the gateway serves with. */
  public ModelRouter router() {
    return router;
  }

  /** Stops listening, ends requests in progress, and stops what the gateway started. */
  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    server.stop(0);
    executor.shutdownNow();
    router.close();
    closeClient(hookClient);
    if (embedded != null) {
      embedded.close();
    }
  }

  @Override
  public String toString() {
    return "Gateway{" + baseUrl() + ", " + sessions.records().size() + " sessions}";
  }
}
