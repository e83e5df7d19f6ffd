package dev.aperture.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.Message;
import dev.aperture.chat.Tool;
import dev.aperture.config.AuthorizationScheme;
import dev.aperture.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookInterceptorTest {
  private static final String KEY = "hook-key-SECRET-123";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OkHttpClient CLIENT = new OkHttpClient();

  private static final InterceptContext CONTEXT =
      new InterceptContext(
          Identity.tagged("ci", "build"), "bedrock-us", "claude", "openai_chat", "session-9");
  private static final ChatRequest REQUEST =
      ChatRequest.builder()
          .model("claude")
          .addMessages(Message.system("be brief"), Message.user("hi"), Message.assistant("hello"))
          .addTools(Tool.withoutParameters("get_weather", ""), Tool.withoutParameters("search", ""))
          .identity(Identity.tagged("ci", "build"))
          .build();

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private WebhookInterceptor.Builder hook() {
    return WebhookInterceptor.builder()
        .name("guard")
        .url(server.url("/hook").toString())
        .apiKey(KEY)
        .client(CLIENT);
  }

  private void answer(String json) {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(json)
            .build());
  }

  @Test
  void allowLetsTheRequestThroughAndPostsTheDocumentedShape() throws Exception {
    answer("{\"action\": \"allow\"}");
    assertSame(InterceptDecision.allow(), hook().build().before(CONTEXT, REQUEST));

    RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
    assertEquals("POST", sent.getMethod());
    assertEquals("/hook", sent.getUrl().encodedPath());
    assertEquals("Bearer " + KEY, sent.getHeaders().get("Authorization"));
    assertTrue(sent.getHeaders().get("Content-Type").startsWith("application/json"));
    JsonNode body = JSON.readTree(sent.getBody().utf8());
    assertEquals(
        JSON.readTree(
            "{\"identity\": \"tag:build,tag:ci\", \"provider\": \"bedrock-us\", \"model\":"
                + " \"claude\", \"api\": \"openai_chat\", \"session_id\": \"session-9\","
                + " \"request\": {\"model\": \"claude\", \"message_count\": 3, \"tools\":"
                + " [\"get_weather\", \"search\"]}}"),
        body);
  }

  @Test
  void theKeyGoesInTheConfiguredHeaderOnly() throws Exception {
    answer("{\"action\": \"allow\"}");
    hook().authorization(AuthorizationScheme.X_API_KEY).build().before(CONTEXT, REQUEST);
    RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
    assertEquals(KEY, sent.getHeaders().get("x-api-key"));
    assertNull(sent.getHeaders().get("Authorization"));
  }

  @Test
  void withoutAKeyNoCredentialIsSent() throws Exception {
    answer("{\"action\": \"allow\"}");
    hook().apiKey("").build().before(CONTEXT, REQUEST);
    assertNull(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"));
  }

  @Test
  void blockCarriesTheWebhooksStatusAndMessage() {
    answer("{\"action\": \"block\", \"status\": 422, \"message\": \"no PII please\"}");
    InterceptDecision d = hook().build().before(CONTEXT, REQUEST);
    assertEquals(new InterceptDecision.Block(422, "no PII please"), d);
  }

  @Test
  void blockWithoutStatusOrWithANonErrorStatusIs403() {
    answer("{\"action\": \"block\"}");
    answer("{\"action\": \"block\", \"status\": 200, \"message\": \"x\"}");
    WebhookInterceptor h = hook().build();
    InterceptDecision.Block first =
        assertInstanceOf(InterceptDecision.Block.class, h.before(CONTEXT, REQUEST));
    assertEquals(403, first.status());
    assertEquals("request blocked by a webhook", first.message());
    assertEquals(403, ((InterceptDecision.Block) h.before(CONTEXT, REQUEST)).status());
  }

  @Test
  void modifyReplacesTheModelAndKeepsTheRest() {
    answer("{\"action\": \"modify\", \"request\": {\"model\": \"haiku\", \"messages\": []}}");
    InterceptDecision.Modify d =
        assertInstanceOf(InterceptDecision.Modify.class, hook().build().before(CONTEXT, REQUEST));
    assertEquals("haiku", d.request().model());
    assertEquals(REQUEST.messages(), d.request().messages());
    assertEquals(REQUEST.identity(), d.request().identity());
  }

  @Test
  void aTimeoutIsAllowedWhenFailOpen() {
    server.enqueue(
        new MockResponse.Builder()
            .body("{\"action\": \"block\"}")
            .headersDelay(30, TimeUnit.SECONDS)
            .build());
    WebhookInterceptor h =
        hook()
            .timeout(Duration.ofMillis(200))
            .failPolicy(WebhookInterceptor.FailPolicy.OPEN)
            .build();
    assertSame(InterceptDecision.allow(), h.before(CONTEXT, REQUEST));
  }

  @Test
  void aTimeoutIsBlockedWith503WhenFailClosed() {
    server.enqueue(
        new MockResponse.Builder()
            .body("{\"action\": \"allow\"}")
            .bodyDelay(30, TimeUnit.SECONDS)
            .build());
    WebhookInterceptor h =
        hook()
            .timeout(Duration.ofMillis(200))
            .failPolicy(WebhookInterceptor.FailPolicy.CLOSED)
            .build();
    InterceptDecision d = h.before(CONTEXT, REQUEST);
    assertEquals(new InterceptDecision.Block(503, "webhook unavailable"), d);

    RequestBlockedException e =
        assertThrows(
            RequestBlockedException.class, () -> InterceptorChain.of(h).before(CONTEXT, REQUEST));
    assertEquals(503, e.httpStatus());
    assertTrue(e.retryable());
    assertFalse(e.getMessage().contains(KEY));
  }

  @Test
  void anErrorStatusOrAnUnknownAnswerIsAFailure() {
    server.enqueue(new MockResponse.Builder().code(500).body(KEY).build());
    answer("{\"action\": \"shrug\"}");
    answer("{\"action\": \"modify\", \"request\": {}}");
    answer("not json " + KEY);
    WebhookInterceptor closed = hook().failPolicy(WebhookInterceptor.FailPolicy.CLOSED).build();
    for (int i = 0; i < 4; i++) {
      assertEquals(
          new InterceptDecision.Block(503, "webhook unavailable"), closed.before(CONTEXT, REQUEST));
    }
  }

  @Test
  void anUnreachableWebhookIsAFailure() {
    WebhookInterceptor h =
        hook()
            .url("http://127.0.0.1:1/hook")
            .failPolicy(WebhookInterceptor.FailPolicy.OPEN)
            .build();
    assertSame(InterceptDecision.allow(), h.before(CONTEXT, REQUEST));
  }

  @Test
  void theKeyIsNotInToString() {
    WebhookInterceptor h = hook().build();
    assertFalse(h.toString().contains(KEY), h.toString());
    assertTrue(h.toString().contains("apiKey=****"));
  }

  @Test
  void orderedRunsHigherPreferenceFirstThenByName() {
    WebhookInterceptor low = hook().name("a-low").preference(1).build();
    WebhookInterceptor highB = hook().name("b-high").preference(10).build();
    WebhookInterceptor highA = hook().name("a-high").preference(10).build();
    assertEquals(
        List.of(highA, highB, low), WebhookInterceptor.ordered(List.of(low, highB, highA)));
  }

  @Test
  void fromConfigReadsTheHooksSection() throws Exception {
    String hooks =
        "{\n"
            + "  // comments and trailing commas as in the gateway's config\n"
            + "  \"slow\": {\"url\": \""
            + server.url("/slow")
            + "\", \"preference\": 1},\n"
            + "  \"ssn-scrubber\": {\"url\": \""
            + server.url("/scrub")
            + "\", \"apikey\": \""
            + KEY
            + "\",\n"
            + "    \"authorization\": \"x-api-key\", \"fail_policy\": \"fail_closed\",\n"
            + "    \"timeout\": \"1m30s\", \"preference\": 10, \"events\": [\"pre_request\"]},\n"
            + "}";
    List<WebhookInterceptor> parsed = WebhookInterceptor.fromConfig(hooks, CLIENT);
    assertEquals(2, parsed.size());
    WebhookInterceptor scrubber = parsed.get(0);
    assertEquals("ssn-scrubber", scrubber.name());
    assertEquals(AuthorizationScheme.X_API_KEY, scrubber.authorization());
    assertEquals(WebhookInterceptor.FailPolicy.CLOSED, scrubber.failPolicy());
    assertEquals(Duration.ofSeconds(90), scrubber.timeout());
    assertEquals(10, scrubber.preference());

    WebhookInterceptor slow = parsed.get(1);
    assertEquals(Duration.ofSeconds(5), slow.timeout());
    assertEquals(WebhookInterceptor.FailPolicy.OPEN, slow.failPolicy());
    assertEquals(AuthorizationScheme.BEARER, slow.authorization());

    answer("{\"action\": \"allow\"}");
    scrubber.before(CONTEXT, REQUEST);
    assertEquals(KEY, server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("x-api-key"));
  }

  @Test
  void fromConfigListsEveryInvalidFieldWithoutTheKey() {
    String hooks =
        "{\"bad\": {\"url\": \"ftp:nope\", \"apikey\": \""
            + KEY
            + "\", \"authorization\": \"hec\","
            + " \"timeout\": \"soon\", \"fail_policy\": \"maybe\", \"preference\": \"high\"}}";
    ConfigException e =
        assertThrows(ConfigException.class, () -> WebhookInterceptor.fromConfig(hooks, CLIENT));
    assertEquals(5, e.errors().size(), e.getMessage());
    assertFalse(e.getMessage().contains(KEY));
  }

  @Test
  void fromConfigDoesNotQuoteBrokenJson() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> WebhookInterceptor.fromConfig("{\"h\": {\"apikey\": " + KEY + "}}", CLIENT));
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
  }
}
