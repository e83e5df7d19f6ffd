package dev.aperture.examples.gateway;

import com.sun.net.httpserver.HttpExchange;
import dev.aperture.ApiFormat;
import dev.aperture.access.Identity;
import dev.aperture.route.ModelRouter;
import java.io.IOException;

/**
 * {@code POST /v1/messages}: an Anthropic Messages request (streaming or not), forwarded natively
 * with {@link ModelRouter#forward}; a Bedrock provider rewrites it for InvokeModel and turns the
 * answer back into Anthropic's JSON or server-sent events. Failures are Anthropic error objects.
 */
final class MessagesEndpoint extends Endpoint {
  private final ForwardRelay relay;

  MessagesEndpoint(ModelRouter router, CallerIdentity callers, GatewayConsole console) {
    super("/v1/messages", "POST", ErrorDialect.ANTHROPIC, router, callers, console);
    this.relay = new ForwardRelay(router, callers);
  }

  @Override
  void serve(HttpExchange exchange, Identity caller) throws IOException {
    relay.relay(exchange, caller, ApiFormat.ANTHROPIC_MESSAGES, "messages", null, body(exchange));
  }
}
