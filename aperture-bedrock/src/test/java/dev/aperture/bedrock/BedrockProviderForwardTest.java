package dev.aperture.bedrock;

import static dev.aperture.bedrock.ForwardFixtures.CLAUDE;
import static dev.aperture.bedrock.ForwardFixtures.CLAUDE_TOOL_EVENTS;
import static dev.aperture.bedrock.ForwardFixtures.CLAUDE_TOOL_USAGE;
import static dev.aperture.bedrock.ForwardFixtures.CONVERSE_TOOL_STREAM;
import static dev.aperture.bedrock.ForwardFixtures.CONVERSE_TOOL_USAGE;
import static dev.aperture.bedrock.ForwardFixtures.KEY;
import static dev.aperture.bedrock.ForwardFixtures.NOVA;
import static dev.aperture.bedrock.ForwardFixtures.chunk;
import static dev.aperture.bedrock.ForwardFixtures.chunks;
import static dev.aperture.bedrock.ForwardFixtures.encode;
import static dev.aperture.bedrock.ForwardFixtures.exception;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.ApertureException;
import dev.aperture.ApiFormat;
import dev.aperture.bedrock.ForwardFixtures.RecordingSink;
import dev.aperture.bedrock.ForwardFixtures.Report;
import dev.aperture.bedrock.codec.AnthropicInvokeCodec;
import dev.aperture.bedrock.codec.ConverseCodec;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.chat.Usage;
import dev.aperture.config.AuthMode;
import dev.aperture.config.AuthorizationScheme;
import dev.aperture.config.ImmutableProviderConfig;
import dev.aperture.config.ProviderConfig;
import dev.aperture.provider.ForwardRequest;
import dev.aperture.provider.ForwardResponse;
import dev.aperture.provider.ImmutableForwardRequest;
import dev.aperture.provider.RetryPolicy;
import dev.aperture.route.Route;
import dev.aperture.route.RoutingException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okio.Buffer;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BedrockProviderForwardTest {
  private static final RetryPolicy NO_WAIT =
      RetryPolicy.builder().initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).build();

  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient client = new OkHttpClient();
  private final RecordingSink sink = new RecordingSink();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    ForwardFixtures.shutDown(server, client);
  }

  private ProviderConfig config(Consumer<ImmutableProviderConfig.Builder> customize) {
    ImmutableProviderConfig.Builder b = ForwardFixtures.config(server.url("/").toString());
    customize.accept(b);
    return b.build();
  }

  private BedrockProvider provider(ProviderConfig config) {
    return new BedrockProvider(
        config,
        client,
        NO_WAIT,
        BedrockApiStrategy.DEFAULT,
        new ConverseCodec(),
        new AnthropicInvokeCodec());
  }

  private BedrockProvider provider() {
    return provider(config(b -> {}));
  }

  private static Route route(ProviderConfig config, String model, ApiFormat api) {
    return new Route(config, model, model, api);
  }

  private static ForwardRequest request(
      ApiFormat format, String operation, String model, byte[] body, String... headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.computeIfAbsent(headers[i], k -> new java.util.ArrayList<>()).add(headers[i + 1]);
    }
    ImmutableForwardRequest.Builder b =
        ForwardRequest.builder().format(format).operation(operation).headers(map).body(body);
    if (model != null) {
      b.model(model);
    }
    return b.build();
  }

  private ForwardResponse forward(
      BedrockProvider provider,
      ApiFormat format,
      String operation,
      String model,
      byte[] body,
      String... headers) {
    return provider.forward(
        route(provider.config(), model, format),
        request(format, operation, model, body, headers),
        sink);
  }

  private static byte[] readAll(ForwardResponse response) throws IOException {
    try (InputStream in = response.body()) {
      return in.readAllBytes();
    }
  }

  private static MockResponse.Builder json(String body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .addHeader("x-amzn-RequestId", "req-1")
        .body(body);
  }

  private static MockResponse.Builder eventStream(byte[] frames) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/vnd.amazon.eventstream")
        .addHeader("X-Amzn-Bedrock-Content-Type", "application/json")
        .body(new Buffer().write(frames));
  }

  /** An event-stream answer whose body the test writes itself, with chunked framing. */
  private static MockResponse chunkedEventStream(MockResponseBody body) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/vnd.amazon.eventstream")
        .addHeader("Transfer-Encoding", "chunked")
        .body(body)
        .build();
  }

  /** One HTTP/1.1 chunk, flushed; an empty one ({@code 0\r\n\r\n}) ends the body. */
  private static void writeChunk(BufferedSink out, byte[] data) throws IOException {
    out.writeHexadecimalUnsignedLong(data.length).writeUtf8("\r\n").write(data).writeUtf8("\r\n");
    out.flush();
  }

  // ---- request: body, path, headers ----

  @Test
  void invokeForwardsTheBodyAndTheAnswerByteForByte() throws Exception {
    byte[] body =
        ("{\"anthropic_version\":\"bedrock-2023-05-31\",  \"max_tokens\": 10,\n"
                + " \"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9\"}],\"temperature\":0.70}")
            .getBytes(UTF_8);
    String answer =
        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\","
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}\n";
    server.enqueue(json(answer).build());

    ForwardResponse response =
        forward(provider(), ApiFormat.BEDROCK_MODEL_INVOKE, "invoke", CLAUDE, body);

    RecordedRequest recorded = server.takeRequest();
    assertEquals("POST", recorded.getMethod());
    assertArrayEquals(body, recorded.getBody().toByteArray());
    assertEquals(200, response.status());
    assertEquals("req-1", response.header("x-amzn-requestid").orElseThrow());
    assertFalse(response.header("Content-Length").isPresent());
    assertArrayEquals(answer.getBytes(UTF_8), readAll(response));
    response.close();
    assertEquals(new Report(200, Usage.of(3, 2), List.of(), null), sink.only());
  }

  @Test
  void modelIdsAreEncodedOnceInThePath() throws Exception {
    String arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
    BedrockProvider provider = provider(config(b -> b.addModels(arn)));
    server.enqueue(json("{}").build());
    server.enqueue(json("{}").build());

    forward(provider, ApiFormat.BEDROCK_CONVERSE, "converse", arn, new byte[] {'{', '}'}).close();
    forward(provider, ApiFormat.BEDROCK_MODEL_INVOKE, "invoke", CLAUDE, new byte[] {'{', '}'})
        .close();

    assertEquals(
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile"
            + "%2Fabc123/converse",
        server.takeRequest().getTarget());
    assertEquals(
        "/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke",
        server.takeRequest().getTarget());
  }

  @Test
  void callerCredentialsAreRemovedAndTheProviderKeyInjected() throws Exception {
    server.enqueue(json("{}").build());

    forward(
            provider(),
            ApiFormat.BEDROCK_CONVERSE,
            "converse",
            NOVA,
            "{}".getBytes(UTF_8),
            "Authorization",
            "Bearer caller-key",
            "x-api-key",
            "caller-x-key",
            "X-Amz-Security-Token",
            "caller-token",
            "X-Amz-Date",
            "20260101T000000Z",
            "X-Amz-Content-Sha256",
            "abc",
            "Cookie",
            "session=1",
            "Connection",
            "keep-alive, X-Hop",
            "X-Hop",
            "hop",
            "Keep-Alive",
            "timeout=5",
            "Proxy-Authorization",
            "Basic xyz",
            "Host",
            "gateway.example",
            "Content-Length",
            "999",
            "Accept-Encoding",
            "br",
            "Content-Type",
            "application/json",
            "Accept",
            "application/json",
            "X-Amzn-Bedrock-Trace",
            "ENABLED",
            "X-Amzn-Bedrock-GuardrailIdentifier",
            "gr-1",
            "X-Custom",
            "kept")
        .close();

    RecordedRequest r = server.takeRequest();
    assertEquals("Bearer " + KEY, r.getHeaders().get("Authorization"));
    assertEquals(List.of("Bearer " + KEY), r.getHeaders().values("Authorization"));
    for (String gone :
        List.of(
            "x-api-key",
            "X-Amz-Security-Token",
            "X-Amz-Date",
            "X-Amz-Content-Sha256",
            "Cookie",
            "X-Hop",
            "Keep-Alive",
            "Proxy-Authorization")) {
      assertNull(r.getHeaders().get(gone), gone);
    }
    assertEquals("2", r.getHeaders().get("Content-Length"));
    assertFalse(r.getHeaders().get("Host").contains("gateway.example"));
    assertFalse("br".equals(r.getHeaders().get("Accept-Encoding")));
    assertEquals("application/json", r.getHeaders().get("Content-Type"));
    assertEquals("application/json", r.getHeaders().get("Accept"));
    assertEquals("ENABLED", r.getHeaders().get("X-Amzn-Bedrock-Trace"));
    assertEquals("gr-1", r.getHeaders().get("X-Amzn-Bedrock-GuardrailIdentifier"));
    assertEquals("kept", r.getHeaders().get("X-Custom"));
  }

  @Test
  void passthroughAuthModeForwardsTheCallersAuthorizationAndNotTheKey() throws Exception {
    BedrockProvider provider = provider(config(b -> b.authMode(AuthMode.PASSTHROUGH)));
    server.enqueue(json("{}").build());
    server.enqueue(json("{}").build());

    forward(
            provider,
            ApiFormat.BEDROCK_CONVERSE,
            "converse",
            NOVA,
            "{}".getBytes(UTF_8),
            "authorization",
            "Bearer caller-key")
        .close();
    forward(provider, ApiFormat.BEDROCK_CONVERSE, "converse", NOVA, "{}".getBytes(UTF_8)).close();

    RecordedRequest withCredential = server.takeRequest();
    assertEquals(List.of("Bearer caller-key"), withCredential.getHeaders().values("Authorization"));
    RecordedRequest without = server.takeRequest();
    assertNull(without.getHeaders().get("Authorization"));
    for (RecordedRequest r : List.of(withCredential, without)) {
      assertFalse(r.getHeaders().toString().contains(KEY), r.getHeaders().toString());
    }
  }

  @Test
  void addHeadersAreAppliedAndReplaceTheCallersOfTheSameName() throws Exception {
    BedrockProvider provider =
        provider(
            config(
                b ->
                    b.authorization(AuthorizationScheme.X_API_KEY)
                        .addAddHeaders(ProviderConfig.Header.of("X-Team", "blue"))
                        .addAddHeaders(
                            ProviderConfig.Header.of("X-Amzn-Bedrock-Trace", "DISABLED"))));
    server.enqueue(json("{}").build());

    forward(
            provider,
            ApiFormat.BEDROCK_CONVERSE,
            "converse",
            NOVA,
            "{}".getBytes(UTF_8),
            "X-Team",
            "red",
            "X-Amzn-Bedrock-Trace",
            "ENABLED",
            "x-api-key",
            "caller-key")
        .close();

    RecordedRequest r = server.takeRequest();
    assertEquals(List.of("blue"), r.getHeaders().values("X-Team"));
    assertEquals(List.of("DISABLED"), r.getHeaders().values("X-Amzn-Bedrock-Trace"));
    assertEquals(List.of(KEY), r.getHeaders().values("x-api-key"));
    assertNull(r.getHeaders().get("Authorization"));
  }

  // ---- usage ----

  @Test
  void invokeUsageComesFromTheTokenCountHeaders() throws Exception {
    server.enqueue(
        json("{\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"lookup\",\"input\":{}}],"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}")
            .addHeader("X-Amzn-Bedrock-Input-Token-Count", "100")
            .addHeader("X-Amzn-Bedrock-Output-Token-Count", "20")
            .addHeader("X-Amzn-Bedrock-Cache-Read-Input-Token-Count", "300")
            .addHeader("X-Amzn-Bedrock-Cache-Write-Input-Token-Count", "40")
            .build());

    ForwardResponse response =
        forward(provider(), ApiFormat.BEDROCK_MODEL_INVOKE, "invoke", CLAUDE, "{}".getBytes(UTF_8));
    readAll(response);
    response.close();

    Usage expected =
        Usage.builder()
            .inputTokens(100)
            .outputTokens(20)
            .cacheReadTokens(300)
            .cacheWrite5mTokens(40)
            .build();
    assertEquals(new Report(200, expected, List.of("lookup"), null), sink.only());
  }

  @Test
  void converseUsageComesFromTheBody() throws Exception {
    server.enqueue(
        json("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"x\"},"
                + "{\"toolUse\":{\"toolUseId\":\"t1\",\"name\":\"get_weather\",\"input\":{}}}]}},"
                + "\"stopReason\":\"tool_use\",\"usage\":{\"inputTokens\":12,\"outputTokens\":34,"
                + "\"totalTokens\":57,\"cacheReadInputTokens\":5,\"cacheWriteInputTokens\":6}}")
            .build());

    ForwardResponse response =
        forward(provider(), ApiFormat.BEDROCK_CONVERSE, "converse", NOVA, "{}".getBytes(UTF_8));
    assertTrue(sink.reports.isEmpty(), "nothing is reported before the body is read");
    readAll(response);
    response.close();

    assertEquals(new Report(200, CONVERSE_TOOL_USAGE, List.of("get_weather"), null), sink.only());
  }

  @Test
  void converseStreamPassesFramesUnchangedAndReadsUsageAfterMessageStop() throws Exception {
    byte[] frames = encode(CONVERSE_TOOL_STREAM);
    server.enqueue(eventStream(frames).build());

    ForwardResponse response =
        forward(
            provider(), ApiFormat.BEDROCK_CONVERSE, "converse-stream", NOVA, "{}".getBytes(UTF_8));

    assertEquals(
        "application/vnd.amazon.eventstream", response.header("content-type").orElseThrow());
    assertArrayEquals(frames, readAll(response));
    response.close();
    assertEquals(new Report(200, CONVERSE_TOOL_USAGE, List.of("get_weather"), null), sink.only());
  }

  @Test
  void aConverseStreamEndingAtMessageStopIsReportedIncomplete() throws Exception {
    byte[] frames = encode(Arrays.copyOf(CONVERSE_TOOL_STREAM, CONVERSE_TOOL_STREAM.length - 1));
    server.enqueue(eventStream(frames).build());

    ForwardResponse response =
        forward(
            provider(), ApiFormat.BEDROCK_CONVERSE, "converse-stream", NOVA, "{}".getBytes(UTF_8));
    assertArrayEquals(frames, readAll(response));
    response.close();

    Report report = sink.only();
    assertEquals(200, report.status());
    assertEquals("stream ended before completion", report.error());
    assertEquals(List.of("get_weather"), report.toolCalls());
  }

  @Test
  void invokeStreamPassesFramesUnchangedAndReadsUsageAndToolNames() throws Exception {
    byte[] frames = encode(chunks(CLAUDE_TOOL_EVENTS));
    server.enqueue(eventStream(frames).build());

    ForwardResponse response =
        forward(
            provider(),
            ApiFormat.BEDROCK_MODEL_INVOKE,
            "invoke-with-response-stream",
            CLAUDE,
            "{}".getBytes(UTF_8));

    assertArrayEquals(frames, readAll(response));
    response.close();
    assertEquals(new Report(200, CLAUDE_TOOL_USAGE, List.of("get_weather"), null), sink.only());
  }

  @Test
  void invokeStreamOfAnotherFamilyTakesUsageFromTheInvocationMetrics() throws Exception {
    byte[] frames =
        encode(
            chunk("{\"outputText\":\"hi\",\"index\":0}"),
            chunk(
                "{\"outputText\":\"\",\"completionReason\":\"FINISH\","
                    + "\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":8,"
                    + "\"outputTokenCount\":2}}"));
    server.enqueue(eventStream(frames).build());

    ForwardResponse response =
        forward(
            provider(),
            ApiFormat.BEDROCK_MODEL_INVOKE,
            "invoke-with-response-stream",
            NOVA,
            "{}".getBytes(UTF_8));

    assertArrayEquals(frames, readAll(response));
    response.close();
    assertEquals(new Report(200, Usage.of(8, 2), List.of(), null), sink.only());
  }

  @Test
  void anExceptionFrameIsReportedWhileItsBytesPassUnchanged() throws Exception {
    byte[] frames =
        encode(
            CONVERSE_TOOL_STREAM[0],
            CONVERSE_TOOL_STREAM[1],
            exception("throttlingException", "Too many tokens, please wait."));
    server.enqueue(eventStream(frames).build());

    ForwardResponse response =
        forward(
            provider(), ApiFormat.BEDROCK_CONVERSE, "converse-stream", NOVA, "{}".getBytes(UTF_8));

    assertArrayEquals(frames, readAll(response));
    response.close();
    Report report = sink.only();
    assertEquals(200, report.status());
    assertTrue(report.error().contains("throttlingException"), report.error());
    assertTrue(report.error().contains("Too many tokens"), report.error());
  }

  @Test
  void theFirstFrameReachesTheCallerBeforeBedrockSendsTheRest() throws Exception {
    byte[] first = encode(CONVERSE_TOOL_STREAM[0]);
    byte[] rest = encode(Arrays.copyOfRange(CONVERSE_TOOL_STREAM, 1, CONVERSE_TOOL_STREAM.length));
    CountDownLatch firstRead = new CountDownLatch(1);
    AtomicBoolean readBeforeRest = new AtomicBoolean();
    MockResponseBody body =
        new MockResponseBody() {
          @Override
          public long getContentLength() {
            return -1;
          }

          @Override
          public void writeTo(BufferedSink out) throws IOException {
            writeChunk(out, first);
            try {
              readBeforeRest.set(firstRead.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            writeChunk(out, rest);
            writeChunk(out, new byte[0]);
          }
        };
    server.enqueue(chunkedEventStream(body));

    ForwardResponse response =
        forward(
            provider(), ApiFormat.BEDROCK_CONVERSE, "converse-stream", NOVA, "{}".getBytes(UTF_8));
    InputStream in = response.body();
    byte[] got = in.readNBytes(first.length);
    firstRead.countDown();
    byte[] remaining = in.readAllBytes();
    response.close();

    assertArrayEquals(first, got);
    assertArrayEquals(rest, remaining);
    assertTrue(readBeforeRest.get(), "the first frame was held back until Bedrock sent the rest");
    assertEquals(CONVERSE_TOOL_USAGE, sink.only().usage());
  }

  // ---- errors and retries ----

  @Test
  void throttlingIsRetriedThenTheAnswerReturned() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .addHeader("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/")
            .body("{\"message\":\"Too many requests\"}")
            .build());
    server.enqueue(json("{\"usage\":{\"inputTokens\":1,\"outputTokens\":1}}").build());
    byte[] body = "{\"messages\":[]}".getBytes(UTF_8);

    ForwardResponse response =
        forward(provider(), ApiFormat.BEDROCK_CONVERSE, "converse", NOVA, body);
    readAll(response);
    response.close();

    assertEquals(200, response.status());
    assertEquals(2, server.getRequestCount());
    assertArrayEquals(body, server.takeRequest().getBody().toByteArray());
    assertArrayEquals(body, server.takeRequest().getBody().toByteArray());
    assertEquals(new Report(200, Usage.of(1, 1), List.of(), null), sink.only());
  }

  @Test
  void aValidationErrorIsPassedThroughAsBedrockSentIt() throws Exception {
    String errorType = "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/";
    String body = "{\"message\":\"Malformed input request: extraneous key [foo]\"}";
    server.enqueue(
        new MockResponse.Builder()
            .code(400)
            .addHeader("x-amzn-ErrorType", errorType)
            .addHeader("x-amzn-RequestId", "req-9")
            .addHeader("Content-Type", "application/json")
            .body(body)
            .build());

    ForwardResponse response =
        forward(provider(), ApiFormat.BEDROCK_CONVERSE, "converse", NOVA, "{}".getBytes(UTF_8));

    assertEquals(400, response.status());
    assertEquals(errorType, response.header("x-amzn-ErrorType").orElseThrow());
    assertEquals("req-9", response.header("x-amzn-RequestId").orElseThrow());
    assertArrayEquals(body.getBytes(UTF_8), readAll(response));
    response.close();
    assertEquals(1, server.getRequestCount());
    Report report = sink.only();
    assertEquals(400, report.status());
    assertEquals(Usage.ZERO, report.usage());
    assertTrue(report.error().contains("Malformed input request"), report.error());
  }

  @Test
  void closingBeforeTheEndReports499OnceAndCancelsTheCall() throws Exception {
    byte[] first = encode(CONVERSE_TOOL_STREAM[0]);
    byte[] more = encode(CONVERSE_TOOL_STREAM[1]);
    CompletableFuture<IOException> serverSaw = new CompletableFuture<>();
    MockResponseBody body =
        new MockResponseBody() {
          @Override
          public long getContentLength() {
            return -1;
          }

          @Override
          public void writeTo(BufferedSink out) {
            try {
              writeChunk(out, first);
              // Keep the stream going until the client hangs up; bounded so a bug fails the test.
              for (int i = 0; i < 1_000_000; i++) {
                writeChunk(out, more);
              }
              serverSaw.complete(null);
            } catch (IOException e) {
              serverSaw.complete(e);
            }
          }
        };
    server.enqueue(chunkedEventStream(body));

    ForwardResponse response =
        forward(
            provider(), ApiFormat.BEDROCK_CONVERSE, "converse-stream", NOVA, "{}".getBytes(UTF_8));
    assertArrayEquals(first, response.body().readNBytes(first.length));
    response.close();
    response.close();

    assertEquals(new Report(499, Usage.ZERO, List.of(), "closed by caller"), sink.only());
    assertInstanceOf(IOException.class, serverSaw.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aConnectionFailureAfterTheRetriesIsThrown() throws Exception {
    MockWebServer closed = new MockWebServer();
    closed.start();
    String url = closed.url("/").toString();
    closed.close();
    BedrockProvider provider = provider(ForwardFixtures.config(url).build());

    BedrockException e =
        assertThrows(
            BedrockException.class,
            () ->
                forward(
                    provider, ApiFormat.BEDROCK_CONVERSE, "converse", NOVA, "{}".getBytes(UTF_8)));
    assertEquals(0, e.status());
    assertTrue(e.retryable());
    assertFalse(e.getMessage().contains(KEY));
    assertTrue(sink.reports.isEmpty(), "a thrown failure is the router's to record");
  }

  @Test
  void theProviderKeyNeverAppearsInAnExceptionOrReport() throws Exception {
    String echo = "{\"Message\":\"The key " + KEY + " is not valid in this region\"}";
    server.enqueue(new MockResponse.Builder().code(403).body(echo).build());
    ForwardResponse denied =
        forward(provider(), ApiFormat.BEDROCK_CONVERSE, "converse", NOVA, "{}".getBytes(UTF_8));
    String passedOn = new String(readAll(denied), UTF_8);
    denied.close();
    assertEquals(403, denied.status());
    assertEquals("{\"Message\":\"The key **** is not valid in this region\"}", passedOn);
    assertFalse(sink.only().error().contains(KEY), sink.only().error());
    assertTrue(sink.only().error().contains("is not valid in this region"));

    MockWebServer closed = new MockWebServer();
    closed.start();
    String url = closed.url("/").toString();
    closed.close();
    List<Runnable> failing =
        List.of(
            () ->
                forward(
                    provider(ForwardFixtures.config(url).build()),
                    ApiFormat.BEDROCK_CONVERSE,
                    "converse",
                    NOVA,
                    new byte[0]),
            () ->
                forward(provider(), ApiFormat.BEDROCK_CONVERSE, "count-tokens", NOVA, new byte[0]),
            () ->
                forward(provider(), ApiFormat.BEDROCK_CONVERSE, "converse", "bad id", new byte[0]),
            () ->
                forward(
                    provider(),
                    ApiFormat.ANTHROPIC_MESSAGES,
                    "messages",
                    CLAUDE,
                    ("[\"" + KEY.substring(0, 3) + "\"").getBytes(UTF_8)));
    for (Runnable call : failing) {
      ApertureException e = assertThrows(ApertureException.class, call::run);
      assertFalse(e.getMessage().contains(KEY), e.getMessage());
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        assertFalse(String.valueOf(c.getMessage()).contains(KEY), c.getMessage());
      }
    }
  }

  @Test
  void anUnknownOrMismatchedOperationIsA404() {
    for (String[] formatAndOperation :
        new String[][] {
          {"bedrock_model_invoke", "count-tokens"},
          {"bedrock_model_invoke", "converse"},
          {"bedrock_converse", "invoke"},
          {"bedrock_converse", "converse-stream/extra"},
        }) {
      ApiFormat format = ApiFormat.fromConfigKey(formatAndOperation[0]).orElseThrow();
      RoutingException e =
          assertThrows(
              RoutingException.class,
              () -> forward(provider(), format, formatAndOperation[1], CLAUDE, new byte[0]));
      assertEquals(404, e.httpStatus());
      assertTrue(e.getMessage().contains(formatAndOperation[1]), e.getMessage());
    }
    assertEquals(0, server.getRequestCount());
    assertTrue(sink.reports.isEmpty());
  }

  // ---- Anthropic Messages through InvokeModel ----

  @Test
  void anthropicMessagesAreTranslatedOnlyForClaudeWithInvokeEnabled() {
    BedrockProvider both = provider();
    BedrockProvider converseOnly =
        provider(config(b -> b.compatibility(List.of(ApiFormat.BEDROCK_CONVERSE))));

    assertEquals(
        ApiFormat.BEDROCK_MODEL_INVOKE, both.translatedApi(ApiFormat.ANTHROPIC_MESSAGES, CLAUDE));
    assertNull(both.translatedApi(ApiFormat.ANTHROPIC_MESSAGES, NOVA));
    assertNull(both.translatedApi(ApiFormat.ANTHROPIC_MESSAGES, "not a model id"));
    assertNull(both.translatedApi(ApiFormat.OPENAI_CHAT, CLAUDE));
    assertNull(converseOnly.translatedApi(ApiFormat.ANTHROPIC_MESSAGES, CLAUDE));
  }

  private ForwardResponse forwardMessages(String body, String... headers) {
    BedrockProvider provider = provider();
    return provider.forward(
        route(provider.config(), CLAUDE, ApiFormat.BEDROCK_MODEL_INVOKE),
        request(ApiFormat.ANTHROPIC_MESSAGES, "messages", null, body.getBytes(UTF_8), headers),
        sink);
  }

  @Test
  void anAnthropicMessagesRequestIsRewrittenForInvokeModel() throws Exception {
    String answer =
        "{\"id\":\"msg_bdrk_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}],\"stop_reason\":\"end_turn\","
            + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":9,\"output_tokens\":4,"
            + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}";
    server.enqueue(json(answer).build());

    ForwardResponse response =
        forwardMessages(
            "{\"model\":\""
                + CLAUDE
                + "\",\"max_tokens\":100,\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":0.70,"
                + "\"anthropic_beta\":[\"a\"],\"metadata\":{\"user_id\":\"u\"}}",
            "anthropic-version",
            "2023-06-01",
            "anthropic-beta",
            "b, a ,c",
            "Authorization",
            "Bearer caller-key",
            "x-api-key",
            "caller-key",
            "Content-Type",
            "application/json; charset=utf-8",
            "Accept",
            "text/event-stream",
            "X-Stainless-Lang",
            "java");

    RecordedRequest r = server.takeRequest();
    assertEquals("/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke", r.getTarget());
    assertEquals(
        "{\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
            + "\"temperature\":0.70,\"anthropic_beta\":[\"a\",\"b\",\"c\"],"
            + "\"metadata\":{\"user_id\":\"u\"},\"anthropic_version\":\"bedrock-2023-05-31\"}",
        r.getBody().utf8());
    assertNull(r.getHeaders().get("anthropic-version"));
    assertNull(r.getHeaders().get("anthropic-beta"));
    assertNull(r.getHeaders().get("x-api-key"));
    assertEquals("Bearer " + KEY, r.getHeaders().get("Authorization"));
    assertEquals("application/json", r.getHeaders().get("Accept"));
    assertEquals("application/json", r.getHeaders().get("Content-Type"));
    assertEquals("java", r.getHeaders().get("X-Stainless-Lang"));

    assertEquals(answer, new String(readAll(response), UTF_8));
    response.close();
    assertEquals(new Report(200, Usage.of(9, 4), List.of(), null), sink.only());
  }

  @Test
  void anAnthropicMessagesStreamComesBackAsAnthropicServerSentEvents() throws Exception {
    server.enqueue(eventStream(encode(chunks(CLAUDE_TOOL_EVENTS))).build());

    ForwardResponse response =
        forwardMessages(
            "{\"model\":\"" + CLAUDE + "\",\"stream\":true,\"max_tokens\":5,\"messages\":[]}");

    RecordedRequest r = server.takeRequest();
    assertEquals(
        "/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/invoke-with-response-stream",
        r.getTarget());
    assertEquals(
        "{\"max_tokens\":5,\"messages\":[],\"anthropic_version\":\"bedrock-2023-05-31\"}",
        r.getBody().utf8());
    assertEquals("application/json", r.getHeaders().get("X-Amzn-Bedrock-Accept"));

    assertEquals(200, response.status());
    assertEquals("text/event-stream; charset=utf-8", response.header("Content-Type").orElseThrow());
    assertFalse(response.header("X-Amzn-Bedrock-Content-Type").isPresent());
    StringBuilder expected = new StringBuilder();
    for (String e : CLAUDE_TOOL_EVENTS) {
      String type = BedrockProvider.MAPPER.readTree(e).get("type").asText();
      expected.append("event: ").append(type).append("\ndata: ").append(e).append("\n\n");
    }
    assertEquals(expected.toString(), new String(readAll(response), UTF_8));
    response.close();
    assertEquals(new Report(200, CLAUDE_TOOL_USAGE, List.of("get_weather"), null), sink.only());
  }

  @Test
  void aStreamExceptionBecomesAnAnthropicErrorEvent() throws Exception {
    EventStreamMessage[] frames = {
      chunk(CLAUDE_TOOL_EVENTS[0]), exception("throttlingException", "Too many tokens")
    };
    server.enqueue(eventStream(encode(frames)).build());

    ForwardResponse response =
        forwardMessages("{\"stream\":true,\"max_tokens\":5,\"messages\":[]}");

    assertEquals(
        "event: message_start\ndata: "
            + CLAUDE_TOOL_EVENTS[0]
            + "\n\n"
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
            + "\"message\":\"Too many tokens\"}}\n\n",
        new String(readAll(response), UTF_8));
    response.close();
    Report report = sink.only();
    assertEquals(200, report.status());
    assertTrue(report.error().contains("throttlingException"), report.error());
  }

  @Test
  void aBedrockErrorComesBackAsAnAnthropicErrorObject() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(400)
            .addHeader("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/")
            .addHeader("Content-Type", "application/json")
            .body("{\"message\":\"max_tokens: field required\"}")
            .build());

    ForwardResponse response = forwardMessages("{\"messages\":[]}");

    assertEquals(400, response.status());
    assertEquals("application/json", response.header("content-type").orElseThrow());
    assertEquals(
        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
            + "\"message\":\"max_tokens: field required\"}}",
        new String(readAll(response), UTF_8));
    response.close();
    assertEquals(400, sink.only().status());
    assertTrue(sink.only().error().contains("max_tokens: field required"));
  }

  @Test
  void aMessagesRequestNeedsTheMessagesOperation() {
    BedrockProvider provider = provider();
    RoutingException e =
        assertThrows(
            RoutingException.class,
            () ->
                provider.forward(
                    route(provider.config(), CLAUDE, ApiFormat.BEDROCK_MODEL_INVOKE),
                    request(
                        ApiFormat.ANTHROPIC_MESSAGES,
                        "messages/count_tokens",
                        null,
                        "{}".getBytes(UTF_8)),
                    sink));
    assertEquals(404, e.httpStatus());
    assertEquals(0, server.getRequestCount());
  }
}
