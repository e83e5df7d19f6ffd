package dev.aperture.examples.gateway;

import static dev.aperture.examples.gateway.GatewayFixture.HAIKU;
import static dev.aperture.examples.gateway.GatewayFixture.OPUS_45;
import static dev.aperture.examples.gateway.GatewayFixture.OPUS_46;
import static dev.aperture.examples.gateway.GatewayFixture.SONNET;
import static dev.aperture.examples.gateway.GatewayFixture.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.testing.BedrockEmulator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ModelsEndpointTest {
  static final String OLD_HAIKU = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();
  @TempDir Path dir;
  private GatewayFixture gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /**
   * Provider {@code bedrock} (the four models) and a disabled provider {@code legacy}; alice may
   * use everything of {@code bedrock}, the CI machines only Haiku, carol everything, bob has models
   * but no role.
   */
  private String config() {
    String rest =
        """
        , "grants": [
            {"src": ["alice@example.com"], "app": {"tailscale.com/cap/aperture": [
              {"role": "user"}, {"models": "bedrock/**"}]}},
            {"src": ["tag:ci"], "app": {"tailscale.com/cap/aperture": [
              {"role": "user"}, {"models": "*/us.anthropic.claude-haiku*"}]}},
            {"src": ["carol@example.com"], "app": {"tailscale.com/cap/aperture": [
              {"role": "admin"}, {"models": "**"}]}},
            {"src": ["bob@example.com"], "app": {"tailscale.com/cap/aperture": [
              {"models": "**"}]}}
          ]
        """;
    String config =
        GatewayFixture.config(bedrock, bedrock.apiKey(), "\"bedrock_model_invoke\": true", rest);
    // add the disabled provider next to "bedrock"
    return config.replace(
        "\"providers\": {",
        """
        "providers": {
            "legacy": {"baseurl": "%s", "apikey": "legacy-key", "disabled": true,
                       "models": ["%s"], "cost_basis": "bedrock-us",
                       "compatibility": {"bedrock_model_invoke": true}},
        """
            .formatted(bedrock.baseUrl(), OLD_HAIKU));
  }

  private List<String> models(String... headers) throws IOException {
    try (Response r = gateway.get("/v1/models", headers)) {
      assertEquals(200, r.code());
      JsonNode body = GatewayJson.MAPPER.readTree(r.body().bytes());
      assertEquals("list", body.get("object").asText());
      List<String> ids = new ArrayList<>();
      for (JsonNode m : body.get("data")) {
        assertEquals("model", m.get("object").asText());
        assertEquals("bedrock", m.get("owned_by").asText());
        ids.add(m.get("id").asText());
      }
      return ids;
    }
  }

  @Test
  void everyCallerSeesOnlyTheModelsItsGrantsOpen() throws Exception {
    gateway = GatewayFixture.start(dir, config(), o -> o.withIdentityHeader("X-Caller"), b -> {});
    List<String> all = List.of(HAIKU, SONNET, OPUS_45, OPUS_46);
    assertEquals(all, models("X-Caller", "alice@example.com"));
    assertEquals(
        all, models("X-Caller", "carol@example.com")); // the disabled provider's model is left out
    assertEquals(List.of(HAIKU), models("X-Caller", "tag:ci"));
    assertEquals(List.of(), models("X-Caller", "bob@example.com")); // no role
    assertEquals(List.of(), models()); // (loopback) has no grant
    assertEquals(List.of(), models("X-Other", "alice@example.com")); // not the configured header
  }

  @Test
  void theIdentityHeaderDecidesWhoMayCall() throws Exception {
    gateway = GatewayFixture.start(dir, config(), o -> o.withIdentityHeader("X-Caller"), b -> {});
    try (Response r =
        gateway.post("/v1/chat/completions", chat(SONNET, false), "X-Caller", "tag:ci")) {
      assertEquals(403, r.code());
      assertEquals(
          "access denied: model not granted: bedrock/" + SONNET,
          GatewayJson.MAPPER.readTree(r.body().bytes()).at("/error/message").asText());
    }
    try (Response r =
        gateway.post("/v1/chat/completions", chat(HAIKU, false), "X-Caller", "bob@example.com")) {
      assertEquals(403, r.code());
      assertEquals(
          "permission_error",
          GatewayJson.MAPPER.readTree(r.body().bytes()).at("/error/type").asText());
    }
    try (Response r =
        gateway.post("/v1/chat/completions", chat(HAIKU, false), "X-Caller", "tag:ci")) {
      assertEquals(200, r.code());
    }
    assertEquals(1, bedrock.requestCount());
  }

  @Test
  void withoutGrantsEveryEnabledModelIsListed() throws Exception {
    gateway = GatewayFixture.start(dir, GatewayFixture.config(bedrock, bedrock.apiKey()));
    assertEquals(List.of(HAIKU, SONNET, OPUS_45, OPUS_46), models());
  }
}
