package dev.aperture.examples.gateway;

import static dev.aperture.examples.gateway.GatewayFixture.HAIKU;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.bedrock.BedrockErrorType;
import dev.aperture.bedrock.eventstream.EventStreamDecoder;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import dev.aperture.testing.BedrockEmulator;
import dev.aperture.testing.BedrockOperation;
import dev.aperture.testing.Failure;
import dev.aperture.testing.Pause;
import dev.aperture.testing.ReceivedRequest;
import dev.aperture.testing.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class BedrockEndpointTest {
  static final String ENCODED_HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1%3A0";
  static final String CONVERSE_BODY =
      "{\"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"Weather in Paris?\"}]}]}";
  static final String INVOKE_BODY =
      "{\"anthropic_version\": \"bedrock-2023-05-31\", \"max_tokens\": 256,"
          + " \"messages\": [{\"role\": \"user\", \"content\": \"Weather in Paris?\"}]}";

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();
  @TempDir Path dir;
  private GatewayFixture gateway;
  private final UpstreamTap tap = new UpstreamTap();

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private void start(String compatibility) {
    OkHttpClient tapped = new OkHttpClient.Builder().addNetworkInterceptor(tap).build();
    gateway =
        GatewayFixture.start(
            dir,
            GatewayFixture.config(bedrock, bedrock.apiKey(), compatibility, ""),
            o -> o,
            b -> b.httpClient(tapped));
  }

  private void start() {
    start("\"bedrock_model_invoke\": true, \"bedrock_converse\": true");
  }

  private static JsonNode json(Response r) throws IOException {
    return GatewayJson.MAPPER.readTree(r.body().bytes());
  }

  @Test
  void aConverseStreamReachesTheCallerByteForByte() throws Exception {
    start();
    bedrock.enqueue(Reply.text("Sunny", " in", " Paris").usage(21, 7));
    byte[] received;
    try (Response r =
        gateway.post("/bedrock/model/" + ENCODED_HAIKU + "/converse-stream", CONVERSE_BODY)) {
      assertEquals(200, r.code());
      assertEquals("application/vnd.amazon.eventstream", r.header("Content-Type"));
      received = r.body().bytes();
    }
    assertEquals(1, tap.count());
    assertArrayEquals(tap.body(0), received, "the bytes Bedrock sent, unchanged");
    List<String> events =
        EventStreamDecoder.decodeAll(received).stream()
            .map(m -> m.eventType().orElse("?"))
            .toList();
    assertEquals(
        List.of(
            "messageStart",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata"),
        events);
    ReceivedRequest upstream = bedrock.takeRequest();
    assertEquals(Optional.of(BedrockOperation.CONVERSE_STREAM), upstream.operation());
    assertEquals(CONVERSE_BODY, upstream.body());
  }

  @Test
  void eachFrameReachesTheCallerAsBedrockSendsIt() throws Exception {
    start();
    Pause pause = Pause.create();
    bedrock.enqueue(Reply.text("Sunny", " in Paris").pauseAfterFirstDelta(pause));
    try (Response r =
            gateway.post("/bedrock/model/" + ENCODED_HAIKU + "/converse-stream", CONVERSE_BODY);
        EventStreamDecoder frames = EventStreamDecoder.create(r.body().source())) {
      assertEquals(Optional.of("messageStart"), frames.next().eventType());
      EventStreamMessage delta = frames.next();
      assertEquals(Optional.of("contentBlockDelta"), delta.eventType());
      assertTrue(delta.payloadUtf8().contains("Sunny"));
      assertFalse(pause.isReleased(), "the delta came before the emulator was let go");
      pause.release();
      EventStreamMessage next = frames.next();
      assertTrue(next.payloadUtf8().contains(" in Paris"), next.payloadUtf8());
    }
  }

  @Test
  void invokeModelAnswersAndItsHeadersPassUnchanged() throws Exception {
    start();
    bedrock.enqueue(Reply.text("Sunny").usage(21, 7));
    try (Response r = gateway.post("/bedrock/model/" + ENCODED_HAIKU + "/invoke", INVOKE_BODY)) {
      assertEquals(200, r.code());
      assertEquals("21", r.header("X-Amzn-Bedrock-Input-Token-Count"));
      byte[] received = r.body().bytes();
      assertArrayEquals(tap.body(0), received);
    }
    bedrock.enqueue(Reply.text("Sunny", " in Paris"));
    try (Response r =
        gateway.post(
            "/bedrock/model/" + ENCODED_HAIKU + "/invoke-with-response-stream", INVOKE_BODY)) {
      assertEquals(200, r.code());
      byte[] received = r.body().bytes();
      assertArrayEquals(tap.body(1), received);
      EventStreamMessage first = EventStreamDecoder.decodeAll(received).get(0);
      assertEquals(Optional.of("chunk"), first.eventType());
    }
    assertEquals(INVOKE_BODY, bedrock.takeRequest().body());
  }

  @Test
  void aFormatTheProviderDoesNotEnableIsA404InBedrocksShape() throws Exception {
    start("\"bedrock_model_invoke\": true");
    try (Response r =
        gateway.post("/bedrock/model/" + ENCODED_HAIKU + "/converse", CONVERSE_BODY)) {
      assertEquals(404, r.code());
      assertEquals("ResourceNotFoundException", r.header("x-amzn-ErrorType"));
      assertTrue(json(r).get("message").asText().contains("bedrock_converse"));
    }
    assertEquals(0, bedrock.requestCount());
  }

  @Test
  void theModelIdIsDecodedExactlyOnceAndEncodedOnceUpstream() throws Exception {
    start();
    try (Response r =
        gateway.post("/bedrock/model/" + ENCODED_HAIKU + "/converse", CONVERSE_BODY)) {
      assertEquals(200, r.code());
    }
    ReceivedRequest upstream = bedrock.takeRequest();
    assertEquals(Optional.of(ENCODED_HAIKU), upstream.rawModelId());
    assertEquals(Optional.of(HAIKU), upstream.modelId());

    // %253A decodes to the literal "%3A": a model nobody serves, refused before Bedrock
    try (Response r =
        gateway.post(
            "/bedrock/model/us.anthropic.claude-haiku-4-5-20251001-v1%253A0/converse",
            CONVERSE_BODY)) {
      assertEquals(404, r.code());
      assertEquals("ResourceNotFoundException", r.header("x-amzn-ErrorType"));
      assertTrue(json(r).get("message").asText().contains("v1%3A0"));
    }
    // escapes that are not UTF-8
    try (Response r = gateway.post("/bedrock/model/v1%FF%FE/converse", CONVERSE_BODY)) {
      assertEquals(400, r.code());
      assertEquals("ValidationException", r.header("x-amzn-ErrorType"));
    }
    assertEquals(1, bedrock.requestCount());
  }

  @Test
  void bedrocksOwnErrorsPassWithTheirStatusTypeAndMessage() throws Exception {
    start();
    bedrock.failNext(1, Failure.of(BedrockErrorType.VALIDATION, "messages.0: empty content"));
    try (Response r =
        gateway.post("/bedrock/model/" + ENCODED_HAIKU + "/converse", CONVERSE_BODY)) {
      assertEquals(400, r.code());
      assertTrue(r.header("x-amzn-ErrorType").startsWith("ValidationException"));
      assertEquals("messages.0: empty content", json(r).get("message").asText());
    }
    try (Response r =
        gateway.post("/bedrock/model/" + ENCODED_HAIKU + "/unknown-op", CONVERSE_BODY)) {
      assertEquals(404, r.code());
      assertTrue(json(r).has("message"));
    }
    try (Response r = gateway.get("/bedrock/model/" + ENCODED_HAIKU + "/converse")) {
      assertEquals(405, r.code());
      assertEquals("ValidationException", r.header("x-amzn-ErrorType"));
    }
  }

  @Test
  void aSpentQuotaIsAThrottlingExceptionWithRetryAfter() throws Exception {
    String quota =
        """
        , "quotas": {"tiny": {"capacity": "$0.00001", "rate": "$0.00001/day"}},
          "grants": [{"src": ["*"], "app": {"tailscale.com/cap/aperture": [
            {"role": "user"}, {"models": "**"}, {"quotas": [{"bucket": "tiny"}]}]}}]
        """;
    gateway =
        GatewayFixture.start(
            dir,
            GatewayFixture.config(bedrock, bedrock.apiKey(), "\"bedrock_converse\": true", quota));
    try (Response r =
        gateway.post("/bedrock/model/" + ENCODED_HAIKU + "/converse", CONVERSE_BODY)) {
      assertEquals(200, r.code());
      r.body().bytes(); // the usage is metered when the answer has been read
    }
    try (Response r =
        gateway.post("/bedrock/model/" + ENCODED_HAIKU + "/converse", CONVERSE_BODY)) {
      assertEquals(429, r.code());
      assertEquals("ThrottlingException", r.header("x-amzn-ErrorType"));
      assertTrue(Long.parseLong(r.header("Retry-After")) >= 1);
      assertTrue(json(r).get("message").asText().startsWith("quota exceeded"));
    }
  }

  @Test
  void aStreamCutUpstreamIsCutForTheCallerToo() throws Exception {
    start();
    bedrock.enqueue(Reply.text("Sunny", " in", " Paris").disconnectAfterFrames(3));
    try (Response r =
        gateway.post("/bedrock/model/" + ENCODED_HAIKU + "/converse-stream", CONVERSE_BODY)) {
      assertEquals(200, r.code());
      // a cut stream must not look complete: reading it to the end fails
      assertThrows(IOException.class, () -> r.body().bytes());
    }
  }

  @Test
  void aModelIdIsDecodedExactlyOnce() {
    assertEquals(
        "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        BedrockEndpoint.decodeSegment("us.anthropic.claude-haiku-4-5-20251001-v1%3A0"));
    assertEquals(
        "us.anthropic.claude-haiku-4-5-20251001-v1%3A0",
        BedrockEndpoint.decodeSegment("us.anthropic.claude-haiku-4-5-20251001-v1%253A0"));
  }

  @Test
  void anArnKeepsItsSlashesAndAPlusStaysAPlus() {
    assertEquals(
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-6-v1",
        BedrockEndpoint.decodeSegment(
            "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-opus-4-6-v1"));
    assertEquals("a+b", BedrockEndpoint.decodeSegment("a+b"));
    assertEquals("a:b", BedrockEndpoint.decodeSegment("a:b"));
  }

  @Test
  void aMalformedEscapeIsABadRequest() {
    assertThrows(
        BedrockEndpoint.BadRequestException.class, () -> BedrockEndpoint.decodeSegment("v1%3"));
    assertThrows(
        BedrockEndpoint.BadRequestException.class, () -> BedrockEndpoint.decodeSegment("v1%zz0"));
    assertThrows(
        BedrockEndpoint.BadRequestException.class, () -> BedrockEndpoint.decodeSegment("%ff%fe"));
  }
}
