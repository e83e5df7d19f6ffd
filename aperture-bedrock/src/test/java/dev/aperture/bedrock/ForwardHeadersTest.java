package dev.aperture.bedrock;

import static dev.aperture.bedrock.ForwardFixtures.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aperture.bedrock.codec.BedrockRequestException;
import dev.aperture.config.AuthMode;
import dev.aperture.config.AuthorizationScheme;
import dev.aperture.config.ProviderConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

class ForwardHeadersTest {
  private static final ProviderConfig SHARED = ForwardFixtures.config("http://localhost/").build();

  private static Map<String, List<String>> caller(String... namesAndValues) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.computeIfAbsent(namesAndValues[i], k -> new ArrayList<>()).add(namesAndValues[i + 1]);
    }
    return map;
  }

  private static Headers upstream(ProviderConfig config, String... namesAndValues) {
    return ForwardHeaders.upstream(caller(namesAndValues), config, name -> false);
  }

  @Test
  void hopByHopHeadersAndTheOnesConnectionNamesAreDropped() {
    Headers h =
        upstream(
            SHARED,
            "connection",
            "close, X-Per-Hop",
            "x-per-hop",
            "1",
            "Keep-Alive",
            "timeout=5",
            "Transfer-Encoding",
            "chunked",
            "TE",
            "trailers",
            "Trailer",
            "X-Checksum",
            "Upgrade",
            "h2c",
            "Proxy-Connection",
            "keep-alive",
            "Proxy-Authorization",
            "Basic abc",
            "Host",
            "gateway",
            "Content-Length",
            "10",
            "Accept-Encoding",
            "gzip",
            "X-End-To-End",
            "kept");

    List<String> names = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) {
      names.add(h.name(i));
    }
    assertEquals(List.of("X-End-To-End", "Authorization"), names);
    assertEquals("kept", h.get("X-End-To-End"));
  }

  @Test
  void aHeaderValueWithALineBreakIsRefusedRatherThanInjectingAHeaderLine() {
    BedrockRequestException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            BedrockRequestException.class,
            () -> upstream(SHARED, "X-Trace", "a\r\nX-Amz-Security-Token: stolen"));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("X-Trace"));
    org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains("stolen"));
  }

  @Test
  void callerCredentialsAreReplacedByTheProviderKey() {
    Headers h =
        upstream(
            SHARED,
            "AUTHORIZATION",
            "Bearer caller",
            "X-Api-Key",
            "caller",
            "x-goog-api-key",
            "caller",
            "X-Amz-Security-Token",
            "t",
            "X-Amz-Date",
            "d",
            "X-Amz-Content-Sha256",
            "s",
            "x-amz-user-agent",
            "aws-sdk",
            "Cookie",
            "gateway-session=1",
            "X-Amzn-Bedrock-Trace",
            "ENABLED",
            "X-Amzn-Bedrock-Service-Tier",
            "priority",
            "Content-Type",
            "application/json",
            "Accept",
            "application/json");

    assertEquals(List.of("Bearer " + KEY), h.values("Authorization"));
    for (String gone :
        List.of(
            "x-api-key",
            "x-goog-api-key",
            "x-amz-security-token",
            "x-amz-date",
            "x-amz-content-sha256",
            "x-amz-user-agent",
            "cookie")) {
      assertNull(h.get(gone), gone);
    }
    assertEquals("ENABLED", h.get("X-Amzn-Bedrock-Trace"));
    assertEquals("priority", h.get("X-Amzn-Bedrock-Service-Tier"));
    assertEquals("application/json", h.get("Content-Type"));
    assertEquals("application/json", h.get("Accept"));
  }

  @Test
  void theKeyGoesInTheConfiguredSchemesHeader() {
    ProviderConfig xApiKey =
        ForwardFixtures.config("http://localhost/")
            .authorization(AuthorizationScheme.X_API_KEY)
            .build();

    Headers h = upstream(xApiKey, "Authorization", "Bearer caller", "x-api-key", "caller");

    assertNull(h.get("Authorization"));
    assertEquals(List.of(KEY), h.values("x-api-key"));
  }

  @Test
  void withoutAKeyNothingIsInjectedAndTheCallersCredentialIsStillRemoved() {
    ProviderConfig keyless = ForwardFixtures.config("http://localhost/").apiKey("").build();

    Headers h = upstream(keyless, "Authorization", "Bearer caller");

    assertNull(h.get("Authorization"));
  }

  @Test
  void passthroughForwardsTheCallersOwnCredentialAndNeverTheKey() {
    ProviderConfig passthrough =
        ForwardFixtures.config("http://localhost/").authMode(AuthMode.PASSTHROUGH).build();

    Headers h =
        upstream(
            passthrough,
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=caller",
            "X-Amz-Date",
            "20260101T000000Z",
            "X-Amz-Security-Token",
            "session",
            "x-api-key",
            "other",
            "Cookie",
            "gateway-session=1");

    assertEquals(List.of("AWS4-HMAC-SHA256 Credential=caller"), h.values("Authorization"));
    assertEquals("20260101T000000Z", h.get("X-Amz-Date"));
    assertEquals("session", h.get("X-Amz-Security-Token"));
    assertNull(h.get("x-api-key"), "not the configured scheme's header");
    assertNull(h.get("Cookie"));
    assertFalse(h.toString().contains(KEY));
    assertNull(upstream(passthrough).get("Authorization"), "no credential, no key either");
  }

  @Test
  void addHeadersWinOverTheCallersAndKeepTheirOrder() {
    ProviderConfig config =
        ForwardFixtures.config("http://localhost/")
            .addAddHeaders(ProviderConfig.Header.of("X-Tag", "a"))
            .addAddHeaders(ProviderConfig.Header.of("x-tag", "b"))
            .build();

    Headers h = upstream(config, "X-TAG", "caller", "X-Other", "kept");

    assertEquals(List.of("a", "b"), h.values("X-Tag"));
    assertEquals("kept", h.get("X-Other"));
  }

  @Test
  void theDropPredicateSeesLowerCaseNames() {
    Headers h =
        ForwardHeaders.upstream(
            caller("Anthropic-Version", "2023-06-01", "X-Kept", "1"),
            SHARED,
            name -> name.startsWith("anthropic-"));

    assertNull(h.get("anthropic-version"));
    assertEquals("1", h.get("X-Kept"));
  }

  @Test
  void nonAsciiValuesAreForwardedAndABadNameIsARequestErrorWithoutTheValue() {
    assertEquals("café", upstream(SHARED, "X-Note", "café").get("X-Note"));

    BedrockRequestException e =
        assertThrows(BedrockRequestException.class, () -> upstream(SHARED, "Bad Name", "secret"));
    assertEquals(400, e.httpStatus());
    assertTrue(e.getMessage().contains("Bad?Name"), e.getMessage());
    assertFalse(e.getMessage().contains("secret"));
  }

  @Test
  void answerHeadersLoseHopByHopOnesAndKeepTheirNamesAndOrder() {
    Headers answer =
        new Headers.Builder()
            .add("Content-Type", "application/json")
            .add("Connection", "keep-alive, X-Hop")
            .add("X-Hop", "1")
            .add("Transfer-Encoding", "chunked")
            .add("Content-Length", "12")
            .add("x-amzn-RequestId", "req-1")
            .add("X-Amzn-Bedrock-Input-Token-Count", "5")
            .add("Set-Cookie", "a=1")
            .add("set-cookie", "b=2")
            .add("X-Echo-Auth", "Bearer SECRET-provider-key")
            .build();

    Map<String, List<String>> out = ForwardHeaders.downstream(answer, "SECRET-provider-key");

    assertEquals(
        List.of(
            "Content-Type", "x-amzn-RequestId", "X-Amzn-Bedrock-Input-Token-Count", "Set-Cookie"),
        List.copyOf(out.keySet()));
    assertEquals(List.of("a=1", "b=2"), out.get("Set-Cookie"));
    assertThrows(UnsupportedOperationException.class, () -> out.get("Set-Cookie").add("c"));
  }
}
