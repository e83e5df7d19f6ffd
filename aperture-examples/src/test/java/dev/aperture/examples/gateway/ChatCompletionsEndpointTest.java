package dev.aperture.examples.gateway;

import static dev.aperture.examples.gateway.GatewayFixture.HAIKU;
import static dev.aperture.examples.gateway.GatewayFixture.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.bedrock.BedrockErrorType;
import dev.aperture.testing.BedrockEmulator;
import dev.aperture.testing.Failure;
import dev.aperture.testing.Pause;
import dev.aperture.testing.ReceivedRequest;
import dev.aperture.testing.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ChatCompletionsEndpointTest {
  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();
  @TempDir Path dir;
  private GatewayFixture gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private GatewayFixture start() {
    gateway = GatewayFixture.start(dir, GatewayFixture.config(bedrock, bedrock.apiKey()));
    return gateway;
  }

  static JsonNode json(Response response) throws IOException {
    return GatewayJson.MAPPER.readTree(response.body().bytes());
  }

  /** The {@code data:} payloads of a server-sent event stream, in order, read as they come. */
  static List<String> events(Response response) throws IOException {
    List<String> events = new ArrayList<>();
    BufferedSource source = response.body().source();
    for (String line; (line = source.readUtf8Line()) != null; ) {
      if (line.startsWith("data: ")) {
        events.add(line.substring("data: ".length()));
      }
    }
    return events;
  }

  @Test
  void anOpenAiRequestIsTranslatedForBedrockAndAnsweredInOpenAiShape() throws Exception {
    start();
    bedrock.enqueue(Reply.text("Sunny", " in Paris").usage(21, 7));
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(200, r.code());
      assertTrue(r.header("Content-Type").startsWith("application/json"));
      JsonNode body = json(r);
      assertEquals("chat.completion", body.get("object").asText());
      assertEquals(HAIKU, body.get("model").asText());
      assertEquals("Sunny in Paris", body.at("/choices/0/message/content").asText());
      assertEquals("stop", body.at("/choices/0/finish_reason").asText());
      assertEquals(21, body.at("/usage/prompt_tokens").asInt());
      assertEquals(7, body.at("/usage/completion_tokens").asInt());
    }
    ReceivedRequest upstream = bedrock.takeRequest();
    assertEquals(Optional.of(bedrock.apiKey()), upstream.apiKey());
    assertEquals(Optional.of(HAIKU), upstream.modelId());
    assertEquals(Optional.of("hello"), upstream.bodyAt("/messages/0/content/0/text"));
  }

  @Test
  void aStreamedAnswerIsServerSentEventsInOrderEndingWithDone() throws Exception {
    start();
    bedrock.enqueue(Reply.text("Sunny", " in", " Paris").usage(21, 7));
    String request =
        """
        {"model": "%s", "stream": true, "stream_options": {"include_usage": true},
         "messages": [{"role": "user", "content": "Weather in Paris?"}]}
        """
            .formatted(HAIKU);
    try (Response r = gateway.post("/v1/chat/completions", request)) {
      assertEquals(200, r.code());
      assertTrue(
          r.header("Content-Type").startsWith("text/event-stream"), r.header("Content-Type"));
      assertEquals("chunked", r.header("Transfer-Encoding"));
      List<String> events = events(r);
      assertEquals("[DONE]", events.get(events.size() - 1));
      List<JsonNode> chunks = new ArrayList<>();
      for (String e : events.subList(0, events.size() - 1)) {
        chunks.add(GatewayJson.MAPPER.readTree(e));
      }
      assertEquals(6, chunks.size(), events.toString());
      assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
      assertEquals("Sunny", chunks.get(1).at("/choices/0/delta/content").asText());
      assertEquals(" in", chunks.get(2).at("/choices/0/delta/content").asText());
      assertEquals(" Paris", chunks.get(3).at("/choices/0/delta/content").asText());
      assertEquals("stop", chunks.get(4).at("/choices/0/finish_reason").asText());
      assertEquals(21, chunks.get(5).at("/usage/prompt_tokens").asInt());
      assertEquals(7, chunks.get(5).at("/usage/completion_tokens").asInt());
      for (JsonNode c : chunks) {
        assertEquals("chat.completion.chunk", c.get("object").asText());
        assertEquals(chunks.get(0).get("id"), c.get("id"));
      }
    }
  }

  @Test
  void theFirstTokenReachesTheCallerWhileTheModelIsStillAnswering() throws Exception {
    start();
    Pause pause = Pause.create();
    bedrock.enqueue(Reply.text("Sunny", " in Paris").pauseAfterFirstDelta(pause));
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, true))) {
      BufferedSource source = r.body().source();
      String firstText = null;
      while (firstText == null) {
        String line = source.readUtf8Line();
        assertNotNull(line, "the stream ended before its first token");
        if (line.startsWith("data: ")) {
          JsonNode delta = GatewayJson.MAPPER.readTree(line.substring(6)).at("/choices/0/delta");
          if (delta.has("content") && !delta.get("content").asText().isEmpty()) {
            firstText = delta.get("content").asText();
          }
        }
      }
      assertEquals("Sunny", firstText);
      assertFalse(pause.isReleased(), "the token came before the emulator was let go");
      pause.release();
      List<String> rest = events(r);
      assertEquals("[DONE]", rest.get(rest.size() - 1));
    }
  }

  /**
   * One request thread and no waiting place: while a stream holds the thread, another request is
   * refused at once with a 503 in OpenAI's shape and Retry-After, and the stream ends normally.
   */
  @Test
  void aRequestBeyondTheThreadsAndTheWaitingLineIsRefusedAtOnceWith503() throws Exception {
    assertRefusedWhileAStreamHoldsTheOnlyThread(0, Gateway.MAX_WAIT, "the gateway is overloaded");
  }

  /**
   * One request thread, one waiting place and no patience: a request that waits while a stream
   * holds the thread is taken out of the line and answered 503 (not left until the server drops its
   * connection), and the stream ends normally.
   */
  @Test
  void aRequestThatWaitedTooLongForAThreadIsRefusedWith503() throws Exception {
    assertRefusedWhileAStreamHoldsTheOnlyThread(
        1, Duration.ZERO, "waited 0 s for one of 1 request threads");
  }

  /**
   * On a gateway of one request thread, {@code maxWaiting} waiting places and {@code maxWait}: a
   * request sent while a stream holds the thread gets a 503 saying {@code why} and never goes
   * upstream; the stream then ends normally.
   */
  private void assertRefusedWhileAStreamHoldsTheOnlyThread(
      int maxWaiting, Duration maxWait, String why) throws Exception {
    gateway =
        GatewayFixture.start(
            dir,
            GatewayFixture.config(bedrock, bedrock.apiKey()),
            o -> o,
            b -> {},
            1,
            maxWaiting,
            maxWait);
    Pause pause = Pause.create();
    bedrock.enqueue(Reply.text("Sunny", " in Paris").pauseAfterFirstDelta(pause));
    try (Response held = gateway.post("/v1/chat/completions", chat(HAIKU, true))) {
      BufferedSource source = held.body().source();
      String line;
      do {
        line = source.readUtf8Line(); // the stream has begun: it holds the only thread
        assertNotNull(line, "the stream ended before its first event");
      } while (!line.startsWith("data: "));

      try (Response refused = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
        assertEquals(503, refused.code());
        assertEquals("1", refused.header("Retry-After"));
        JsonNode error = json(refused).get("error");
        assertTrue(error.get("message").asText().contains(why), error.toString());
      }
      assertEquals(1, bedrock.requestCount(), "the refused request never went upstream");

      pause.release();
      List<String> rest = events(held);
      assertEquals("[DONE]", rest.get(rest.size() - 1));
    }
  }

  @Test
  void aStreamThatBreaksEndsWithAnErrorEventAndNoDone() throws Exception {
    start();
    bedrock.enqueue(
        Reply.text("Sunny", " in Paris")
            .exceptionAfterFrames(
                3, BedrockErrorType.MODEL_STREAM_ERROR, "the model stream broke"));
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, true))) {
      assertEquals(200, r.code());
      List<String> events = events(r);
      assertFalse(events.contains("[DONE]"), events.toString());
      JsonNode last = GatewayJson.MAPPER.readTree(events.get(events.size() - 1));
      assertTrue(last.has("error"), last.toString());
      assertTrue(
          last.at("/error/message").asText().contains("the model stream broke"), last.toString());
    }
  }

  @Test
  void anUpstreamErrorKeepsTheProvidersStatusAndMessage() throws Exception {
    start();
    bedrock.failNext(1, Failure.of(BedrockErrorType.VALIDATION, "max_tokens is too large"));
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(400, r.code());
      JsonNode error = json(r).get("error");
      assertEquals("max_tokens is too large", error.get("message").asText());
      assertEquals("invalid_request_error", error.get("type").asText());
    }
    // a streaming request fails the same way: the error comes before any event
    bedrock.failNext(1, Failure.of(BedrockErrorType.VALIDATION, "max_tokens is too large"));
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, true))) {
      assertEquals(400, r.code());
      assertEquals("max_tokens is too large", json(r).at("/error/message").asText());
    }
  }

  @Test
  void anUnknownModelIsA404ModelNotFound() throws Exception {
    start();
    try (Response r = gateway.post("/v1/chat/completions", chat("gpt-4o", false))) {
      assertEquals(404, r.code());
      JsonNode error = json(r).get("error");
      assertEquals("model_not_found", error.get("code").asText());
      assertEquals("model", error.get("param").asText());
      assertTrue(error.get("message").asText().contains("gpt-4o"), error.toString());
    }
    assertEquals(0, bedrock.requestCount());
  }

  @Test
  void aRequestThatCannotBeHonouredIsA400NamingTheField() throws Exception {
    start();
    String request =
        """
        {"model": "%s", "n": 3, "messages": [{"role": "user", "content": "hello"}]}
        """
            .formatted(HAIKU);
    try (Response r = gateway.post("/v1/chat/completions", request)) {
      assertEquals(400, r.code());
      JsonNode error = json(r).get("error");
      assertEquals("n", error.get("param").asText());
      assertEquals("invalid_request_error", error.get("type").asText());
    }
    try (Response r = gateway.post("/v1/chat/completions", "{not json")) {
      assertEquals(400, r.code());
      assertEquals("invalid_request_error", json(r).at("/error/type").asText());
    }
    assertEquals(0, bedrock.requestCount());
  }

  @Test
  void aSpentQuotaIs429InsufficientQuotaWithRetryAfter() throws Exception {
    String quota =
        """
        , "quotas": {"tiny": {"capacity": "$0.00001", "rate": "$0.00001/day"}},
          "grants": [{"src": ["*"], "app": {"tailscale.com/cap/aperture": [
            {"role": "user"}, {"models": "**"}, {"quotas": [{"bucket": "tiny"}]}]}}]
        """;
    gateway =
        GatewayFixture.start(
            dir,
            GatewayFixture.config(
                bedrock, bedrock.apiKey(), "\"bedrock_model_invoke\": true", quota));
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(200, r.code()); // the bucket was positive; this call overdraws it
    }
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(429, r.code());
      assertTrue(Long.parseLong(r.header("Retry-After")) >= 1, r.header("Retry-After"));
      JsonNode error = json(r).get("error");
      assertEquals("insufficient_quota", error.get("code").asText());
    }
    assertEquals(1, bedrock.requestCount());
  }

  @Test
  void aWrongMethodIs405InOpenAiShape() throws Exception {
    start();
    try (Response r = gateway.get("/v1/chat/completions")) {
      assertEquals(405, r.code());
      assertEquals("POST", r.header("Allow"));
      assertTrue(json(r).has("error"));
    }
    try (Response r = gateway.get("/v1/nothing-here")) {
      assertEquals(404, r.code());
      assertTrue(json(r).has("error"));
    }
  }
}
