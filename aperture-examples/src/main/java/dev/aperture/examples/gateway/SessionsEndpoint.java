package dev.aperture.examples.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.aperture.access.AccessPolicy;
import dev.aperture.access.Identity;
import dev.aperture.chat.Usage;
import dev.aperture.config.ApertureConfig;
import dev.aperture.cost.Cost;
import dev.aperture.route.ModelRouter;
import dev.aperture.usage.UsageRecord;
import java.io.IOException;

/**
 * {@code GET /api/sessions}: the gateway's recent usage records, oldest first, as a JSON array.
 * Each entry has {@code id}, {@code timestamp} (ISO-8601), {@code identity}, {@code provider},
 * {@code model}, {@code upstream_model}, {@code api_in}, {@code api_out}, {@code streamed}, {@code
 * status}, {@code duration_ms}, {@code session_id}, {@code usage}, {@code cost}, {@code tool_calls}
 * (names) and, for failed calls, {@code error}. In {@code usage}, {@code input_tokens} is the input
 * that was neither read from nor written to the cache. {@code cost} is {@code {"usd",
 * "cost_basis"}} with the dollars as a decimal string, or null when the call has no price.
 *
 * <p>Without grants in the configuration (open access) every caller sees every record. With grants,
 * a caller sees its own records and an admin (a grant with {@code role: admin}) sees all.
 */
final class SessionsEndpoint extends Endpoint {
  private final SessionLog sessions;

  SessionsEndpoint(
      SessionLog sessions, ModelRouter router, CallerIdentity callers, GatewayConsole console) {
    super("/api/sessions", "GET", ErrorDialect.OPENAI, router, callers, console);
    this.sessions = sessions;
  }

  @Override
  void serve(HttpExchange exchange, Identity caller) throws IOException {
    ArrayNode all = GatewayJson.MAPPER.createArrayNode();
    ApertureConfig config = router.config();
    boolean seesAll = !config.grantsDeclared() || AccessPolicy.from(config).isAdmin(caller);
    for (UsageRecord r : sessions.records()) {
      if (seesAll || r.identity().equals(caller.principal())) {
        write(all.addObject(), r);
      }
    }
    send(exchange, 200, "application/json", GatewayJson.bytes(all));
  }

  static void write(ObjectNode o, UsageRecord r) {
    o.put("id", r.id());
    o.put("timestamp", r.timestamp().toString());
    o.put("identity", r.identity());
    o.put("provider", r.provider());
    o.put("model", r.model());
    o.put("upstream_model", r.upstreamModel());
    o.put("api_in", r.apiIn().map(f -> f.configKey()).orElse(null));
    o.put("api_out", r.apiOut().configKey());
    o.put("streamed", r.streamed());
    o.put("status", r.status());
    o.put("duration_ms", r.durationMillis());
    o.put("session_id", r.sessionId());
    Usage u = r.usage();
    ObjectNode usage = o.putObject("usage");
    usage.put("input_tokens", u.inputTokens());
    usage.put("output_tokens", u.outputTokens());
    usage.put("cache_read_input_tokens", u.cacheReadTokens());
    usage.put("cache_write_input_tokens", u.cacheWriteTokens());
    usage.put("reasoning_tokens", u.reasoningTokens());
    if (r.cost().isPresent()) {
      Cost c = r.cost().get();
      ObjectNode cost = o.putObject("cost");
      cost.put("usd", c.usd().toPlainString());
      cost.put("cost_basis", c.basis());
    } else {
      o.putNull("cost");
    }
    ArrayNode tools = o.putArray("tool_calls");
    r.toolCalls().forEach(tools::add);
    r.error().ifPresent(e -> o.put("error", e));
  }
}
