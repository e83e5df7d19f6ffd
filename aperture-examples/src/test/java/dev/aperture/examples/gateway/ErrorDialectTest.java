package dev.aperture.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.UpstreamException;
import dev.aperture.access.AccessDeniedException;
import dev.aperture.access.QuotaExceededException;
import dev.aperture.route.RoutingException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorDialectTest {
  private static JsonNode json(ErrorBody body) throws IOException {
    return GatewayJson.MAPPER.readTree(body.body());
  }

  @Test
  void aQuotaRefusalIsInsufficientQuotaWithRetryAfterForOpenAi() throws IOException {
    GatewayError e =
        GatewayError.of(
            new QuotaExceededException("daily-alice", Duration.ofMillis(2500)), List.of());
    assertEquals(429, e.status());
    assertEquals(3, e.retryAfterSeconds());
    JsonNode body = json(ErrorDialect.OPENAI.render(e));
    assertEquals("insufficient_quota", body.at("/error/code").asText());
    assertEquals("insufficient_quota", body.at("/error/type").asText());
  }

  @Test
  void anthropicTypesFollowTheStatus() throws IOException {
    GatewayError e =
        GatewayError.of(
            new AccessDeniedException(AccessDeniedException.Reason.NO_ROLE, "bedrock/m"),
            List.of());
    JsonNode body = json(ErrorDialect.ANTHROPIC.render(e));
    assertEquals("error", body.get("type").asText());
    assertEquals("permission_error", body.at("/error/type").asText());
    assertEquals("access denied: no role granted", body.at("/error/message").asText());
    assertEquals("rate_limit_error", ErrorDialect.anthropicType(429));
    assertEquals("not_found_error", ErrorDialect.anthropicType(404));
    assertEquals("overloaded_error", ErrorDialect.anthropicType(529));
    assertEquals("api_error", ErrorDialect.anthropicType(502));
    assertEquals("invalid_request_error", ErrorDialect.anthropicType(400));
    assertEquals("authentication_error", ErrorDialect.anthropicType(401));
  }

  @Test
  void bedrockErrorsNameTheirTypeInTheHeader() throws IOException {
    GatewayError notEnabled =
        GatewayError.of(
            new RoutingException(RoutingException.Reason.FORMAT_NOT_ENABLED, "m", "not enabled"),
            List.of());
    ErrorBody body = ErrorDialect.BEDROCK.render(notEnabled);
    assertEquals(404, notEnabled.status());
    assertEquals("ResourceNotFoundException", body.headers().get("x-amzn-ErrorType"));
    assertEquals("not enabled", json(body).get("message").asText());
    assertEquals("ThrottlingException", ErrorDialect.bedrockType(429));
    assertEquals("AccessDeniedException", ErrorDialect.bedrockType(403));
    assertEquals("ValidationException", ErrorDialect.bedrockType(400));
    assertEquals("InternalServerException", ErrorDialect.bedrockType(500));
  }

  @Test
  void anUpstreamErrorKeepsItsStatusTypeAndMessage() throws IOException {
    UpstreamException upstream =
        new UpstreamException(
            "bedrock", 400, "ValidationException", "max_tokens: too large", "req-1", false, null);
    GatewayError e = GatewayError.of(upstream, List.of());
    assertEquals(400, e.status());
    assertEquals("max_tokens: too large", e.message());
    ErrorBody body = ErrorDialect.BEDROCK.render(e);
    assertEquals("ValidationException", body.headers().get("x-amzn-ErrorType"));
  }

  @Test
  void configuredKeysAreMaskedInEveryMessage() {
    UpstreamException upstream =
        new UpstreamException(
            "bedrock", 403, null, "key sk-PROVIDER-SECRET was refused", null, false, null);
    GatewayError e = GatewayError.of(upstream, List.of("sk-PROVIDER-SECRET"));
    assertFalse(e.message().contains("sk-PROVIDER-SECRET"), e.message());
    assertEquals("key **** was refused", e.message());
  }

  @Test
  void anUnexpectedExceptionIsAnInternalErrorWithoutItsMessage() {
    GatewayError e =
        GatewayError.of(new IllegalStateException("detail with sk-PROVIDER-SECRET"), List.of());
    assertEquals(500, e.status());
    assertEquals("internal error in the gateway (IllegalStateException)", e.message());
  }
}
