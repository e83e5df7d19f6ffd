package dev.aperture.examples.gateway;

import com.sun.net.httpserver.HttpExchange;
import dev.aperture.ApiFormat;
import dev.aperture.access.Identity;
import dev.aperture.provider.ForwardRequest;
import dev.aperture.provider.ForwardResponse;
import dev.aperture.provider.ImmutableForwardRequest;
import dev.aperture.route.ModelRouter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Native passthrough over HTTP: builds the {@link ForwardRequest} from what the caller sent, hands
 * it to {@link ModelRouter#forward}, and copies the answer back as it arrives, each read flushed at
 * once (a streamed answer reaches the caller event by event; nothing is buffered whole).
 */
final class ForwardRelay {
  /**
   * Request headers that describe the caller's connection to the gateway, not the request, and so
   * are not passed on (the router removes credentials itself).
   */
  private static final Set<String> CONNECTION_HEADERS =
      Set.of(
          "host",
          "content-length",
          "connection",
          "keep-alive",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "expect",
          "proxy-connection",
          "proxy-authorization");

  /** Response headers the gateway's own HTTP server sets for the answer it sends. */
  private static final Set<String> FRAMING_HEADERS =
      Set.of("content-length", "transfer-encoding", "connection", "keep-alive", "date");

  private static final int BUFFER_BYTES = 8192;

  private final ModelRouter router;
  private final CallerIdentity callers;

  ForwardRelay(ModelRouter router, CallerIdentity callers) {
    this.router = router;
    this.callers = callers;
  }

  /**
   * Forwards the request in {@code exchange} and relays the answer. Routing, access and quota
   * failures are thrown before anything is sent; an upstream error answer is relayed as the
   * provider sent it.
   *
   * @param model the model named in the URL, or null when it is in the body
   */
  void relay(
      HttpExchange exchange,
      Identity caller,
      ApiFormat format,
      String operation,
      String model,
      byte[] body)
      throws IOException {
    ImmutableForwardRequest.Builder request =
        ForwardRequest.builder()
            .format(format)
            .operation(operation)
            .headers(passedHeaders(exchange))
            .body(body)
            .identity(caller);
    if (model != null) {
      request.model(model);
    }
    try (ForwardResponse response = router.forward(request.build())) {
      for (Map.Entry<String, List<String>> h : response.headers().entrySet()) {
        if (!FRAMING_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          exchange.getResponseHeaders().put(h.getKey(), List.copyOf(h.getValue()));
        }
      }
      int status = response.status();
      boolean noBody = status == 204 || status == 304;
      exchange.sendResponseHeaders(status, noBody ? -1 : 0);
      if (noBody) {
        return;
      }
      // Not closed on failure: closing the body ends a chunked answer properly, which would make
      // a cut-off stream look complete to the caller (see AnswerBrokenException).
      OutputStream out = exchange.getResponseBody();
      InputStream in = response.body();
      byte[] buffer = new byte[BUFFER_BYTES];
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (IOException | RuntimeException e) {
          throw new AnswerBrokenException("the provider's answer broke off: " + e.getMessage(), e);
        }
        if (n == -1) {
          break;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
      out.close();
    }
  }

  private Map<String, List<String>> passedHeaders(HttpExchange exchange) {
    Map<String, List<String>> passed = new LinkedHashMap<>();
    String identityHeader = callers.header();
    for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (CONNECTION_HEADERS.contains(name)
          || (identityHeader != null && name.equalsIgnoreCase(identityHeader))) {
        continue;
      }
      passed.put(h.getKey(), List.copyOf(h.getValue()));
    }
    return passed;
  }
}
