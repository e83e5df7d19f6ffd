package dev.aperture.examples.gateway;

import com.sun.net.httpserver.HttpExchange;
import dev.aperture.access.Identity;
import dev.aperture.route.ModelRouter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /}: a short plain-text page naming the endpoints. Every path no other endpoint answers
 * lands here and gets a 404 in OpenAI's error shape.
 */
final class RootEndpoint extends Endpoint {
  private static final byte[] PAGE =
      String.join(
              "\n",
              "Aperture gateway",
              "",
              "POST /v1/chat/completions   OpenAI chat completions (stream: true for SSE)",
              "POST /v1/messages           Anthropic Messages",
              "POST /bedrock/model/{id}/invoke | invoke-with-response-stream | converse |"
                  + " converse-stream",
              "GET  /v1/models             models you may use",
              "GET  /api/sessions          recent calls: tokens, cost, duration",
              "")
          .getBytes(StandardCharsets.UTF_8);

  RootEndpoint(ModelRouter router, CallerIdentity callers, GatewayConsole console) {
    super("/", "GET", ErrorDialect.OPENAI, router, callers, console);
  }

  @Override
  void serve(HttpExchange exchange, Identity caller) throws IOException {
    send(exchange, 200, "text/plain; charset=utf-8", PAGE);
  }
}
