package dev.aperture.examples.gateway;

import static dev.aperture.examples.gateway.GatewayFixture.HAIKU;
import static dev.aperture.examples.gateway.GatewayFixture.SONNET;
import static dev.aperture.examples.gateway.GatewayFixture.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.bedrock.BedrockErrorType;
import dev.aperture.testing.BedrockEmulator;
import dev.aperture.testing.Failure;
import dev.aperture.testing.Reply;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SessionsEndpointTest {
  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();
  @TempDir Path dir;
  private GatewayFixture gateway;

  @BeforeEach
  void start() {
    gateway = GatewayFixture.start(dir, GatewayFixture.config(bedrock, bedrock.apiKey()));
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private JsonNode sessions() throws Exception {
    try (Response r = gateway.get("/api/sessions")) {
      assertEquals(200, r.code());
      JsonNode body = GatewayJson.MAPPER.readTree(r.body().bytes());
      assertTrue(body.isArray(), body.toString());
      return body;
    }
  }

  @Test
  void aCallIsRecordedWithEveryField() throws Exception {
    Instant before = Instant.now();
    bedrock.enqueue(
        Reply.toolCall("tooluse_1", "get_weather", "{\"city\":", "\"Paris\"}")
            .usage(20, 9)
            .cacheRead(100)
            .cacheWrite(40));
    String request =
        """
        {"model": "%s", "messages": [{"role": "user", "content": "Weather in Paris?"}],
         "tools": [{"type": "function", "function": {"name": "get_weather",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]}
        """
            .formatted(HAIKU);
    try (Response r = gateway.post("/v1/chat/completions", request)) {
      assertEquals(200, r.code());
    }
    JsonNode all = sessions();
    assertEquals(1, all.size());
    JsonNode s = all.get(0);
    assertFalse(s.get("id").asText().isEmpty());
    Instant at = Instant.parse(s.get("timestamp").asText());
    assertFalse(at.isBefore(before.minusSeconds(1)), at + " is before " + before);
    assertEquals("(loopback)", s.get("identity").asText());
    assertEquals("bedrock", s.get("provider").asText());
    assertEquals(HAIKU, s.get("model").asText());
    assertEquals("openai_chat", s.get("api_in").asText());
    assertTrue(s.get("api_out").asText().startsWith("bedrock_"), s.toString());
    assertEquals(200, s.get("status").asInt());
    assertTrue(s.get("duration_ms").asLong() >= 0);
    assertFalse(s.get("session_id").asText().isEmpty());
    JsonNode usage = s.get("usage");
    assertEquals(20, usage.get("input_tokens").asLong()); // not counting the cache
    assertEquals(9, usage.get("output_tokens").asLong());
    assertEquals(100, usage.get("cache_read_input_tokens").asLong());
    assertEquals(40, usage.get("cache_write_input_tokens").asLong());
    assertEquals(0, usage.get("reasoning_tokens").asLong());
    JsonNode cost = s.get("cost");
    assertTrue(cost.get("usd").isTextual(), cost.toString());
    assertTrue(new BigDecimal(cost.get("usd").asText()).signum() > 0, cost.toString());
    assertEquals("bedrock-us/claude-haiku-4-5", cost.get("cost_basis").asText());
    assertEquals("[\"get_weather\"]", s.get("tool_calls").toString());
  }

  @Test
  void recordsAreOldestFirstAndFailedCallsHaveNoCost() throws Exception {
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(200, r.code());
    }
    try (Response r = gateway.post("/v1/chat/completions", chat(SONNET, true))) {
      assertEquals(200, r.code());
      r.body().string();
    }
    bedrock.failNext(1, Failure.of(BedrockErrorType.ACCESS_DENIED));
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(403, r.code());
    }
    // the record of a call is made when its answer has been sent; wait for the third
    assertTrue(GatewayFixture.await(Duration.ofSeconds(10), () -> count() == 3));
    JsonNode all = sessions();
    assertEquals(HAIKU, all.get(0).get("model").asText());
    assertEquals(SONNET, all.get(1).get("model").asText());
    assertTrue(all.get(1).get("streamed").asBoolean());
    assertEquals(200, all.get(1).get("status").asInt());
    assertEquals(403, all.get(2).get("status").asInt());
    assertTrue(all.get(2).get("cost").isNull());
    assertFalse(all.get(2).get("error").asText().isEmpty());
    assertTrue(
        Instant.parse(all.get(0).get("timestamp").asText())
            .isBefore(Instant.parse(all.get(2).get("timestamp").asText())));
  }

  private int count() {
    try {
      return sessions().size();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void withGrantsACallerSeesOnlyItsOwnRecordsAndAnAdminSeesAll() throws Exception {
    gateway.close();
    String grants =
        """
        , "grants": [
            {"src": ["alice@example.com"], "app": {"tailscale.com/cap/aperture": [
              {"role": "admin"}, {"models": "**"}]}},
            {"src": ["bob@example.com"], "app": {"tailscale.com/cap/aperture": [
              {"role": "user"}, {"models": "**"}]}}
          ]
        """;
    gateway =
        GatewayFixture.start(
            dir,
            GatewayFixture.config(
                bedrock, bedrock.apiKey(), "\"bedrock_model_invoke\": true", grants),
            o -> o.withIdentityHeader("X-Caller"),
            b -> {});
    for (String who : new String[] {"alice@example.com", "bob@example.com"}) {
      try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false), "X-Caller", who)) {
        assertEquals(200, r.code());
      }
    }
    try (Response r = gateway.get("/api/sessions", "X-Caller", "bob@example.com")) {
      JsonNode bobs = GatewayJson.MAPPER.readTree(r.body().bytes());
      assertEquals(1, bobs.size());
      assertEquals("bob@example.com", bobs.get(0).get("identity").asText());
    }
    try (Response r = gateway.get("/api/sessions", "X-Caller", "alice@example.com")) {
      assertEquals(2, GatewayJson.MAPPER.readTree(r.body().bytes()).size());
    }
  }
}
