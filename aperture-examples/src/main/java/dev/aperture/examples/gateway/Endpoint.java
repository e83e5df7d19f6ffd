package dev.aperture.examples.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.aperture.ApertureException;
import dev.aperture.access.Identity;
import dev.aperture.config.ProviderConfig;
import dev.aperture.route.ModelRouter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One HTTP endpoint of the gateway. Checks the method, names the caller, and turns any failure into
 * an answer in the endpoint's {@link ErrorDialect} (or, once the answer has begun, ends it). The
 * subclass does the work in {@link #serve}. Thread-safe: one instance serves all requests.
 */
abstract class Endpoint implements HttpHandler {
  /** Bodies larger than this are refused (413): the gateway holds a request body in memory. */
  static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

  private final String path;
  private final String method;
  final ErrorDialect dialect;
  final ModelRouter router;
  final CallerIdentity callers;
  final GatewayConsole console;

  /**
   * @param path the path this endpoint answers: exactly, or every path below it when it ends with
   *     {@code /} (except {@code /} itself, which answers only {@code /})
   */
  Endpoint(
      String path,
      String method,
      ErrorDialect dialect,
      ModelRouter router,
      CallerIdentity callers,
      GatewayConsole console) {
    this.path = path;
    this.method = method;
    this.dialect = dialect;
    this.router = router;
    this.callers = callers;
    this.console = console;
  }

  /**
   * Answers one request from {@code caller}. Throw to fail: the failure is answered in this
   * endpoint's dialect when nothing has been sent yet.
   */
  abstract void serve(HttpExchange exchange, Identity caller) throws IOException;

  @Override
  public final void handle(HttpExchange exchange) {
    boolean broken = false;
    try {
      String overloaded = RequestPool.overloaded();
      if (overloaded != null) {
        // no thread and no waiting place for it, or it waited too long: refused without reading
        // its body (closing the exchange, the server discards what it is sent of it)
        exchange.getResponseHeaders().set("Retry-After", "1");
        exchange.getResponseHeaders().set("Connection", "close");
        fail(exchange, GatewayError.of(503, overloaded));
        return;
      }
      String requested = exchange.getRequestURI().getRawPath();
      boolean prefix = path.length() > 1 && path.endsWith("/");
      if (prefix ? !requested.startsWith(path) : !requested.equals(path)) {
        drain(exchange);
        fail(exchange, GatewayError.of(404, "no such endpoint: " + requested));
        return;
      }
      if (!method.equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", method);
        drain(exchange);
        fail(
            exchange,
            GatewayError.of(
                405, exchange.getRequestMethod() + " is not allowed here; use " + method));
        return;
      }
      serve(exchange, callers.of(exchange));
    } catch (AnswerBrokenException e) {
      // Ending the answer normally would make a cut-off stream look complete. A handler that
      // throws makes the JDK's server drop the connection, so the caller sees the truncation.
      broken = true;
      throw e;
    } catch (IOException | UncheckedIOException e) {
      // the caller went away mid-answer; nothing left to tell it
    } catch (RuntimeException e) {
      GatewayError error = GatewayError.of(e, secrets());
      if (!(e instanceof ApertureException)) {
        console.problem("internal error on " + exchange.getRequestURI().getRawPath() + ": " + e);
      }
      if (exchange.getResponseCode() == -1) {
        try {
          fail(exchange, error);
        } catch (IOException | UncheckedIOException ignored) {
          // the caller went away
        }
      }
    } finally {
      if (exchange.getAttribute(BUDGET_ATTRIBUTE) instanceof Integer held) {
        BodyBudget.SHARED.release(held);
      }
      if (!broken) {
        exchange.close();
      }
    }
  }

  /** Answers with {@code error} in this endpoint's dialect. */
  final void fail(HttpExchange exchange, GatewayError error) throws IOException {
    ErrorBody body = dialect.render(error);
    body.headers().forEach(exchange.getResponseHeaders()::set);
    if (error.retryAfterSeconds() > 0) {
      exchange.getResponseHeaders().set("Retry-After", Long.toString(error.retryAfterSeconds()));
    }
    send(exchange, error.status(), body.contentType(), body.body());
  }

  /** Answers with a complete body. */
  static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The path this endpoint answers (a prefix when it ends with {@code /}). */
  final String path() {
    return path;
  }

  /** Exchange attribute: the body bytes this exchange holds of {@link BodyBudget#SHARED}. */
  private static final String BUDGET_ATTRIBUTE = "dev.aperture.gateway.bodyBytes";

  /**
   * The whole request body, at most {@link #MAX_BODY_BYTES}, counted against {@link
   * BodyBudget#SHARED} until the exchange ends.
   */
  static byte[] body(HttpExchange exchange) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    int held = 0;
    try (InputStream in = exchange.getRequestBody()) {
      for (int n; (n = in.read(chunk)) != -1; ) {
        if (body.size() + n > MAX_BODY_BYTES) {
          throw new BodyTooLargeException(MAX_BODY_BYTES);
        }
        BodyBudget.SHARED.acquire(n);
        held += n;
        exchange.setAttribute(BUDGET_ATTRIBUTE, held);
        body.write(chunk, 0, n);
      }
    }
    return body.toByteArray();
  }

  private static void drain(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  /** Every configured provider key, to keep out of error messages whatever their source. */
  final List<String> secrets() {
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, ProviderConfig> p : router.config().providers().entrySet()) {
      keys.add(p.getValue().apiKey());
    }
    return keys;
  }
}
