package dev.aperture.examples.gateway;

import com.sun.net.httpserver.HttpExchange;
import dev.aperture.access.Identity;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides who is calling. With an identity header configured ({@code --identity-header}), its value
 * names the caller: a login such as {@code alice@example.com}, or tags such as {@code tag:ci} or
 * {@code tag:ci,tag:prod} for a tagged machine. Without the header, a caller on the loopback
 * interface is {@value #LOOPBACK}; any other caller is refused (HTTP 403) rather than treated as
 * anonymous, because the gateway spends its providers' credentials on every request it serves.
 *
 * <p>The header is trusted as sent: the gateway must sit behind a proxy that authenticates callers
 * and sets the header (removing any value the caller sent). Immutable and thread-safe.
 */
final class CallerIdentity {
  /** The identity of a loopback caller that sent no identity header. */
  static final String LOOPBACK = "(loopback)";

  private final String header;

  /**
   * @param header the identity header's name, or null when callers are not named by a header
   */
  CallerIdentity(String header) {
    this.header = header;
  }

  /** The configured header's name, or null. */
  String header() {
    return header;
  }

  /**
   * The caller of {@code exchange}.
   *
   * @throws CallerRefusedException for a non-loopback caller that did not send the header
   */
  Identity of(HttpExchange exchange) {
    if (header != null) {
      String value = exchange.getRequestHeaders().getFirst(header);
      if (value != null && !value.isBlank()) {
        return parse(value.trim());
      }
    }
    InetSocketAddress remote = exchange.getRemoteAddress();
    if (remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress()) {
      return Identity.of(LOOPBACK);
    }
    throw new CallerRefusedException(
        header == null
            ? "access denied: this gateway serves only loopback callers; start it with"
                + " --identity-header behind an authenticating proxy to serve others"
            : "access denied: the request has no " + header + " header");
  }

  /** {@code tag:a,tag:b} is a tagged machine; anything else is a login name. */
  static Identity parse(String value) {
    if (!value.startsWith("tag:")) {
      return Identity.of(value);
    }
    List<String> tags = new ArrayList<>();
    for (String t : value.split(",")) {
      if (!t.isBlank()) {
        tags.add(t.trim());
      }
    }
    return Identity.tagged(tags.toArray(new String[0]));
  }
}
