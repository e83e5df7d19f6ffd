package dev.aperture.examples.gateway;

import static dev.aperture.examples.gateway.GatewayFixture.HAIKU;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.bedrock.BedrockErrorType;
import dev.aperture.testing.BedrockEmulator;
import dev.aperture.testing.BedrockOperation;
import dev.aperture.testing.Failure;
import dev.aperture.testing.ReceivedRequest;
import dev.aperture.testing.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class MessagesEndpointTest {
  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();
  @TempDir Path dir;
  private GatewayFixture gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private void start() {
    gateway =
        GatewayFixture.start(
            dir,
            GatewayFixture.config(bedrock, bedrock.apiKey()),
            o -> o.withIdentityHeader("X-Caller"),
            b -> {});
  }

  static String messages(String model, boolean stream) {
    return """
           {"model": "%s", "max_tokens": 256, "stream": %s,
            "messages": [{"role": "user", "content": "Weather in Paris?"}]}
           """
        .formatted(model, stream);
  }

  private static JsonNode json(Response r) throws IOException {
    return GatewayJson.MAPPER.readTree(r.body().bytes());
  }

  @Test
  void anAnthropicRequestGoesToInvokeModelAndComesBackInAnthropicShape() throws Exception {
    start();
    bedrock.enqueue(Reply.text("Sunny", " in Paris").usage(21, 7));
    try (Response r =
        gateway.post(
            "/v1/messages",
            messages(HAIKU, false),
            "anthropic-version",
            "2023-06-01",
            "x-api-key",
            "the-callers-own-key",
            "X-Caller",
            "alice@example.com")) {
      assertEquals(200, r.code());
      JsonNode body = json(r);
      assertEquals("message", body.get("type").asText());
      assertEquals("Sunny in Paris", body.at("/content/0/text").asText());
      assertEquals(21, body.at("/usage/input_tokens").asInt());
    }
    ReceivedRequest upstream = bedrock.takeRequest();
    assertEquals(Optional.of(BedrockOperation.INVOKE_MODEL), upstream.operation());
    assertEquals(Optional.of(HAIKU), upstream.modelId());
    assertEquals(Optional.of("bedrock-2023-05-31"), upstream.bodyAt("/anthropic_version"));
    assertEquals(Optional.empty(), upstream.bodyAt("/model"));
    // the provider's key replaces the caller's; the gateway's identity header stays here
    assertEquals(Optional.of(bedrock.apiKey()), upstream.apiKey());
    assertEquals(Optional.empty(), upstream.header("x-api-key"));
    assertEquals(Optional.empty(), upstream.header("X-Caller"));
  }

  @Test
  void aStreamedAnswerIsAnthropicServerSentEvents() throws Exception {
    start();
    bedrock.enqueue(Reply.text("Sunny", " in", " Paris").usage(21, 7));
    try (Response r = gateway.post("/v1/messages", messages(HAIKU, true))) {
      assertEquals(200, r.code());
      assertTrue(
          r.header("Content-Type").startsWith("text/event-stream"), r.header("Content-Type"));
      List<String> types = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      BufferedSource source = r.body().source();
      for (String line; (line = source.readUtf8Line()) != null; ) {
        if (line.startsWith("event: ")) {
          types.add(line.substring(7));
        } else if (line.startsWith("data: ")) {
          JsonNode data = GatewayJson.MAPPER.readTree(line.substring(6));
          if (data.at("/delta/type").asText().equals("text_delta")) {
            text.append(data.at("/delta/text").asText());
          }
        }
      }
      assertEquals(
          List.of(
              "message_start",
              "content_block_start",
              "content_block_delta",
              "content_block_delta",
              "content_block_delta",
              "content_block_stop",
              "message_delta",
              "message_stop"),
          types);
      assertEquals("Sunny in Paris", text.toString());
    }
    assertEquals(
        Optional.of(BedrockOperation.INVOKE_MODEL_WITH_RESPONSE_STREAM),
        bedrock.takeRequest().operation());
  }

  @Test
  void failuresAreAnthropicErrorObjects() throws Exception {
    start();
    try (Response r = gateway.post("/v1/messages", messages("claude-unknown", false))) {
      assertEquals(404, r.code());
      JsonNode body = json(r);
      assertEquals("error", body.get("type").asText());
      assertEquals("not_found_error", body.at("/error/type").asText());
      assertTrue(body.at("/error/message").asText().contains("claude-unknown"));
    }
    bedrock.failNext(1, Failure.of(BedrockErrorType.VALIDATION, "max_tokens: 999999 > 64000"));
    try (Response r = gateway.post("/v1/messages", messages(HAIKU, false))) {
      assertEquals(400, r.code());
      JsonNode body = json(r);
      assertEquals("invalid_request_error", body.at("/error/type").asText());
      assertEquals("max_tokens: 999999 > 64000", body.at("/error/message").asText());
    }
    try (Response r = gateway.get("/v1/messages")) {
      assertEquals(405, r.code());
      assertEquals("error", json(r).get("type").asText());
    }
    try (Response r = gateway.post("/v1/messages", "{not json")) {
      assertEquals(400, r.code());
      assertEquals("invalid_request_error", json(r).at("/error/type").asText());
    }
  }

  @Test
  void aCallerWithoutAGrantIsAPermissionError() throws Exception {
    String grants =
        """
        , "grants": [{"src": ["alice@example.com"], "app": {"tailscale.com/cap/aperture": [
            {"role": "user"}, {"models": "**"}]}}]
        """;
    gateway =
        GatewayFixture.start(
            dir,
            GatewayFixture.config(
                bedrock, bedrock.apiKey(), "\"bedrock_model_invoke\": true", grants),
            o -> o.withIdentityHeader("X-Caller"),
            b -> {});
    try (Response r =
        gateway.post("/v1/messages", messages(HAIKU, false), "X-Caller", "mallory@example.com")) {
      assertEquals(403, r.code());
      JsonNode body = json(r);
      assertEquals("permission_error", body.at("/error/type").asText());
      assertEquals("access denied: no role granted", body.at("/error/message").asText());
    }
    try (Response r =
        gateway.post("/v1/messages", messages(HAIKU, false), "X-Caller", "alice@example.com")) {
      assertEquals(200, r.code());
    }
    assertEquals(1, bedrock.requestCount());
  }
}
