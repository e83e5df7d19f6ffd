package dev.aperture.examples.gateway;

import static dev.aperture.examples.gateway.GatewayFixture.HAIKU;
import static dev.aperture.examples.gateway.GatewayFixture.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.aperture.testing.BedrockEmulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The configuration's {@code hooks} section, acted on by the gateway and reloaded with it. */
class ConfiguredHooksTest {
  private static final String HOOK_KEY = "hook-secret-7f3a";

  @RegisterExtension final BedrockEmulator bedrock = BedrockEmulator.create();
  @TempDir Path dir;
  private GatewayFixture gateway;
  private HttpServer hook;
  private final AtomicReference<String> answer = new AtomicReference<>("{\"action\":\"allow\"}");
  private final ConcurrentLinkedQueue<String> hookAuthorizations = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void startHook() throws IOException {
    hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext(
        "/guard",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          hookAuthorizations.add(auth == null ? "" : auth);
          byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    hook.start();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    hook.stop(0);
  }

  private String hooks(String url) {
    return ", \"hooks\": {\"guard\": {\"url\": \""
        + url
        + "\", \"apikey\": \""
        + HOOK_KEY
        + "\", \"authorization\": \"bearer\", \"fail_policy\": \"closed\"}}";
  }

  private String config(String rest) {
    return GatewayFixture.config(
        bedrock,
        bedrock.apiKey(),
        "\"bedrock_model_invoke\": true, \"bedrock_converse\": true",
        rest);
  }

  private String hookUrl() {
    return "http://127.0.0.1:" + hook.getAddress().getPort() + "/guard";
  }

  @Test
  void configuredHooksAreAskedBeforeEveryCallAndReloadWithTheFile() throws Exception {
    gateway = GatewayFixture.start(dir, config(hooks(hookUrl())));
    assertTrue(gateway.out().contains("hooks: 1 in force: guard"), gateway.out());
    assertFalse(gateway.err().contains("not acted on"), gateway.err());

    answer.set("{\"action\":\"block\",\"status\":451,\"message\":\"no PII please\"}");
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(451, r.code());
      assertTrue(r.body().string().contains("no PII please"));
    }
    assertEquals(0, bedrock.requestCount(), "a blocked call never reaches Bedrock");
    assertEquals("Bearer " + HOOK_KEY, hookAuthorizations.peek(), "the hook's own key is sent");

    answer.set("{\"action\":\"allow\"}");
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(200, r.code());
    }
    assertEquals(1, bedrock.requestCount());

    // an invalid hook is kept out, with the running hooks and configuration
    answer.set("{\"action\":\"block\",\"message\":\"still guarded\"}");
    gateway.rewriteConfig(config(hooks("not a url")));
    assertTrue(
        GatewayFixture.await(Duration.ofSeconds(10), () -> gateway.err().contains("not applied")),
        gateway.err());
    assertTrue(gateway.err().contains("hooks.guard.url"), gateway.err());
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(403, r.code(), "the running hook still blocks");
    }

    // the section removed: no hook is asked any more
    int asked = hookAuthorizations.size();
    gateway.rewriteConfig(config(""));
    assertTrue(
        GatewayFixture.await(
            Duration.ofSeconds(10),
            () -> gateway.out().contains("configuration reloaded from " + gateway.configFile)),
        gateway.out());
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(200, r.code());
    }
    assertEquals(asked, hookAuthorizations.size());

    assertFalse(gateway.out().contains(HOOK_KEY) || gateway.err().contains(HOOK_KEY));
  }

  @Test
  void aClosedHookThatCannotBeReachedBlocksWith503() throws Exception {
    String unreachable = hookUrl();
    hook.stop(0);
    gateway = GatewayFixture.start(dir, config(hooks(unreachable)));
    try (Response r = gateway.post("/v1/chat/completions", chat(HAIKU, false))) {
      assertEquals(503, r.code());
    }
    assertEquals(0, bedrock.requestCount());
    hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
  }
}
