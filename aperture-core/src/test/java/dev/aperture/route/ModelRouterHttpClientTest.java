package dev.aperture.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApiFormat;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ProviderConfig;
import dev.aperture.provider.ProviderFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP client the router hands its providers when it makes its own. */
class ModelRouterHttpClientTest {
  private static final int CONCURRENT = 16;

  private final AtomicReference<OkHttpClient> handedOut = new AtomicReference<>();
  private final ProviderFactory capturing =
      (config, context) -> {
        handedOut.set(context.httpClient());
        return new FakeProvider(config);
      };
  private final ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
  private final MockWebServer server = new MockWebServer();
  private ModelRouter router;

  @AfterEach
  void tearDown() throws Exception {
    pool.shutdownNow();
    if (router != null) {
      router.close();
    }
    server.close();
  }

  private static ApertureConfig config() {
    return ApertureConfig.builder()
        .putProvider(
            "p",
            ProviderConfig.builder()
                .id("p")
                .baseUrl("http://localhost:1")
                .apiKey("key-SECRET")
                .addModels("m")
                .compatibility(Set.of(ApiFormat.OPENAI_CHAT))
                .build())
        .build();
  }

  /**
   * Sixteen calls at once, twice: the second wave finds the first wave's sixteen connections idle
   * in the pool. With OkHttp's default pool (five idle) eleven of them would have been closed.
   */
  @Test
  void theRoutersOwnClientKeepsAConnectionPerConcurrentCall() throws Exception {
    router = ModelRouter.builder(config()).addProviderFactory(capturing).build();
    OkHttpClient client = handedOut.get();
    assertNotNull(client);
    server.setDispatcher(new Gate());
    server.start();

    wave(client);
    assertEquals(CONCURRENT, client.connectionPool().idleConnectionCount());
    server.setDispatcher(new Gate());
    wave(client);

    Set<Integer> connections = new HashSet<>();
    int reused = 0;
    for (int i = 0; i < 2 * CONCURRENT; i++) {
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertNotNull(r);
      connections.add(r.getConnectionIndex());
      reused += r.getExchangeIndex() > 0 ? 1 : 0;
    }
    assertEquals(CONCURRENT, connections.size(), "connections opened for 32 calls");
    assertEquals(CONCURRENT, reused, "second-wave calls on a kept connection");
  }

  /** Zero keeps none: OkHttp closes a connection as the call ends (larger pools trim later). */
  @Test
  void theIdlePoolSizeIsTheBuildersToSet() throws Exception {
    router =
        ModelRouter.builder(config()).addProviderFactory(capturing).maxIdleConnections(0).build();
    OkHttpClient client = handedOut.get();
    server.setDispatcher(new Gate());
    server.start();
    wave(client);
    assertEquals(0, client.connectionPool().idleConnectionCount());
    assertEquals(0, client.connectionPool().connectionCount());
  }

  @Test
  void aClientOfTheCallersOwnIsHandedOnWithItsPoolAndNotSizedAgain() {
    OkHttpClient own = new OkHttpClient();
    router = ModelRouter.builder(config()).addProviderFactory(capturing).httpClient(own).build();
    assertSame(own.connectionPool(), handedOut.get().connectionPool());

    IllegalStateException both =
        assertThrows(
            IllegalStateException.class,
            () ->
                ModelRouter.builder(config())
                    .addProviderFactory(capturing)
                    .httpClient(own)
                    .maxIdleConnections(8)
                    .build());
    assertTrue(both.getMessage().contains("httpClient()"), both.getMessage());
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelRouter.builder(config()).maxIdleConnections(-1));
    assertEquals("maxIdleConnections must be 0 or more, not -1", negative.getMessage());
  }

  /**
   * The write timeout follows the read timeout unless set (a shorter write deadline than the reads
   * in flight would wake Okio's watchdog thread on many calls), or, without a read timeout, stays
   * the client's own; every timeout of the builder is applied to a client handed in.
   */
  @Test
  void theWriteTimeoutFollowsTheReadTimeoutUnlessSet() {
    OkHttpClient client = clientOf(b -> b);
    assertEquals(300_000, client.readTimeoutMillis());
    assertEquals(300_000, client.writeTimeoutMillis());

    OkHttpClient own = new OkHttpClient(); // OkHttp's default write timeout is 10 s
    client = clientOf(b -> b.httpClient(own).readTimeout(Duration.ofSeconds(42)));
    assertEquals(42_000, client.readTimeoutMillis());
    assertEquals(42_000, client.writeTimeoutMillis());

    client =
        clientOf(
            b ->
                b.readTimeout(Duration.ofSeconds(42))
                    .writeTimeout(Duration.ofSeconds(7))
                    .connectTimeout(Duration.ofSeconds(3))
                    .callTimeout(Duration.ofSeconds(99)));
    assertEquals(42_000, client.readTimeoutMillis());
    assertEquals(7_000, client.writeTimeoutMillis());
    assertEquals(3_000, client.connectTimeoutMillis());
    assertEquals(99_000, client.callTimeoutMillis());

    // no read timeout: writes keep the client's own timeout rather than none
    OkHttpClient fiveSeconds = own.newBuilder().writeTimeout(Duration.ofSeconds(5)).build();
    client = clientOf(b -> b.httpClient(fiveSeconds).readTimeout(Duration.ZERO));
    assertEquals(0, client.readTimeoutMillis());
    assertEquals(5_000, client.writeTimeoutMillis());
    client = clientOf(b -> b.readTimeout(Duration.ZERO));
    assertEquals(10_000, client.writeTimeoutMillis()); // OkHttp's default
  }

  /** The client a router built with {@code setup} hands its providers (the last router closed). */
  private OkHttpClient clientOf(UnaryOperator<ModelRouterBuilder> setup) {
    if (router != null) {
      router.close();
    }
    router = setup.apply(ModelRouter.builder(config()).addProviderFactory(capturing)).build();
    return handedOut.get();
  }

  /** Sixteen calls in flight at once; each returns after its response body is read and closed. */
  private void wave(OkHttpClient client) throws Exception {
    List<Future<String>> calls = new ArrayList<>();
    for (int i = 0; i < CONCURRENT; i++) {
      calls.add(
          pool.submit(
              () -> {
                try (Response r =
                    client.newCall(new Request.Builder().url(server.url("/x")).build()).execute()) {
                  return r.body().string();
                }
              }));
    }
    for (Future<String> f : calls) {
      assertEquals("ok", f.get(10, TimeUnit.SECONDS));
    }
  }

  /** Answers once all sixteen requests of a wave are in, so that each needs its own connection. */
  private static final class Gate extends Dispatcher {
    private final CountDownLatch arrived = new CountDownLatch(CONCURRENT);

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      arrived.countDown();
      if (!arrived.await(10, TimeUnit.SECONDS)) {
        return new MockResponse.Builder().code(500).body("not all calls arrived").build();
      }
      return new MockResponse.Builder().body("ok").build();
    }
  }
}
