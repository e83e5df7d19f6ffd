package dev.aperture.examples.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.aperture.access.Identity;
import dev.aperture.route.ModelInfo;
import dev.aperture.route.ModelRouter;
import java.io.IOException;

/**
 * {@code GET /v1/models}: the models the caller may use, in OpenAI's list shape {@code {"object":
 * "list", "data": [{"id", "object": "model", "owned_by": providerId}]}}. Disabled providers and
 * models the caller's grants do not open are left out (with no grants configured, every model is
 * listed). A model served by several providers is listed once per provider.
 */
final class ModelsEndpoint extends Endpoint {
  ModelsEndpoint(ModelRouter router, CallerIdentity callers, GatewayConsole console) {
    super("/v1/models", "GET", ErrorDialect.OPENAI, router, callers, console);
  }

  @Override
  void serve(HttpExchange exchange, Identity caller) throws IOException {
    ObjectNode root = GatewayJson.MAPPER.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (ModelInfo m : router.models(caller)) {
      ObjectNode model = data.addObject();
      model.put("id", m.model());
      model.put("object", "model");
      model.put("owned_by", m.providerId());
    }
    send(exchange, 200, "application/json", GatewayJson.bytes(root));
  }
}
