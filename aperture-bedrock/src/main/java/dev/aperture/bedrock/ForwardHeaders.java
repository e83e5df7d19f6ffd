package dev.aperture.bedrock;

import dev.aperture.bedrock.codec.BedrockRequestException;
import dev.aperture.config.AuthMode;
import dev.aperture.config.ProviderConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import okhttp3.Headers;

/**
 * Which headers a forwarded request and its answer carry across the library (native passthrough).
 *
 * <p>Upstream: the caller's end-to-end headers, minus
 *
 * <ul>
 *   <li>hop-by-hop headers ({@code Connection} and the names it lists, {@code Keep-Alive}, {@code
 *       Transfer-Encoding}, {@code TE}, {@code Trailer}, {@code Upgrade}, {@code Proxy-*}) and the
 *       ones the HTTP client sets itself ({@code Host}, {@code Content-Length}, and {@code
 *       Accept-Encoding}: the client negotiates compression and decodes the answer, so usage can be
 *       read from it and the caller receives it unencoded);
 *   <li>credentials ({@code Authorization}, {@code x-api-key}, {@code x-goog-api-key}, every {@code
 *       x-amz-*} signing header such as {@code X-Amz-Date} and {@code X-Amz-Security-Token}, and
 *       {@code Cookie}, which belongs to the caller's session with the gateway), except that a
 *       provider with {@code auth_mode: passthrough} forwards the caller's {@code Authorization},
 *       the header of its configured scheme and the {@code x-amz-*} headers that go with a signed
 *       {@code Authorization};
 *   <li>headers the provider's {@code add_headers} set (configuration wins).
 * </ul>
 *
 * Then {@code add_headers} are added in configuration order and, unless the provider passes the
 * caller's credential through, the provider's key is set in its configured header, replacing any
 * other value. A passthrough provider never injects its own key: a caller without a credential gets
 * Bedrock's refusal, not the shared key.
 *
 * <p>Downstream: the answer's headers minus the hop-by-hop ones and {@code Content-Length}, since
 * the body is streamed (and may be rewritten).
 */
final class ForwardHeaders {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "host",
          "content-length");
  private static final Set<String> CREDENTIALS =
      Set.of("authorization", "x-api-key", "x-goog-api-key", "cookie");

  private ForwardHeaders() {}

  /**
   * The upstream request headers for a forwarded call: the caller's, filtered as described above,
   * without those {@code drop} matches (lower-case names), then {@code add_headers} and the key.
   *
   * @throws BedrockRequestException if a caller header cannot be sent (an invalid name)
   */
  static Headers upstream(
      Map<String, List<String>> caller, ProviderConfig config, Predicate<String> drop) {
    Set<String> configured = new HashSet<>();
    for (ProviderConfig.Header h : config.addHeaders()) {
      configured.add(lower(h.name()));
    }
    Set<String> connectionListed = connectionListed(caller);
    boolean passthrough = config.authMode() == AuthMode.PASSTHROUGH;
    String schemeHeader = lower(config.authorization().headerName());
    Headers.Builder b = new Headers.Builder();
    for (Map.Entry<String, List<String>> e : caller.entrySet()) {
      String name = e.getKey();
      String lower = lower(name);
      if (isHopByHop(lower)
          || connectionListed.contains(lower)
          || lower.equals("accept-encoding")
          || configured.contains(lower)
          || drop.test(lower)) {
        continue;
      }
      if (isCredential(lower)
          && !(passthrough
              && (lower.equals("authorization")
                  || lower.equals(schemeHeader)
                  || lower.startsWith("x-amz-")))) {
        continue;
      }
      for (String value : e.getValue()) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
          // addUnsafeNonAscii checks only the name: a line break would inject a header line.
          throw new BedrockRequestException(
              "the request header '"
                  + printable(name)
                  + "' cannot be forwarded: its value holds a line break or NUL");
        }
        try {
          b.addUnsafeNonAscii(name, value);
        } catch (IllegalArgumentException ex) {
          // The value is not quoted: it may be a credential.
          throw new BedrockRequestException(
              "the request header '" + printable(name) + "' cannot be forwarded: invalid name");
        }
      }
    }
    configured(config, b, !passthrough);
    return b.build();
  }

  /**
   * Adds the provider's {@code add_headers}, then (when {@code injectKey}) sets its credential,
   * replacing any header of that name. A value an HTTP header cannot carry is refused with an error
   * that does not quote it: it may be the key.
   */
  static void configured(ProviderConfig config, Headers.Builder b, boolean injectKey) {
    for (ProviderConfig.Header h : config.addHeaders()) {
      try {
        b.add(h.name(), h.value());
      } catch (IllegalArgumentException e) {
        throw new BedrockRequestException(
            "provider '"
                + config.id()
                + "': add_headers '"
                + printable(h.name())
                + "' has a value an HTTP header cannot carry (only visible ASCII)");
      }
    }
    if (injectKey && !config.apiKey().isEmpty()) {
      try {
        b.set(
            config.authorization().headerName(),
            config.authorization().headerValue(config.apiKey()));
      } catch (IllegalArgumentException e) {
        throw new BedrockRequestException(
            "provider '"
                + config.id()
                + "': the apikey holds a character an HTTP header cannot"
                + " carry (only visible ASCII); check for a stray space or non-ASCII character");
      }
    }
  }

  /**
   * The answer's headers to pass on, names as Bedrock sent them, in order; a header whose value
   * holds the provider's key (an upstream echoing it) is left out.
   */
  static Map<String, List<String>> downstream(Headers upstream, String apiKey) {
    Set<String> connectionListed = new HashSet<>();
    for (String v : upstream.values("Connection")) {
      addTokens(v, connectionListed);
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0, n = upstream.size(); i < n; i++) {
      String name = upstream.name(i);
      String lower = lower(name);
      if (isHopByHop(lower) || connectionListed.contains(lower)) {
        continue;
      }
      if (apiKey.length() >= 4 && upstream.value(i).contains(apiKey)) {
        continue;
      }
      List<String> values = null;
      for (Map.Entry<String, List<String>> e : out.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          values = e.getValue();
          break;
        }
      }
      if (values == null) {
        values = new ArrayList<>(1);
        out.put(name, values);
      }
      values.add(upstream.value(i));
    }
    out.replaceAll((k, v) -> List.copyOf(v));
    return out;
  }

  /** Hop-by-hop (or set by the HTTP client itself); {@code name} in lower case. */
  static boolean isHopByHop(String name) {
    return HOP_BY_HOP.contains(name) || name.startsWith("proxy-");
  }

  /** A credential or request-signing header; {@code name} in lower case. */
  static boolean isCredential(String name) {
    return CREDENTIALS.contains(name) || name.startsWith("x-amz-");
  }

  private static Set<String> connectionListed(Map<String, List<String>> headers) {
    Set<String> names = new HashSet<>();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase("Connection")) {
        for (String v : e.getValue()) {
          addTokens(v, names);
        }
      }
    }
    return names;
  }

  private static void addTokens(String value, Set<String> into) {
    for (String token : value.split(",")) {
      if (!token.isBlank()) {
        into.add(lower(token.trim()));
      }
    }
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String printable(String name) {
    StringBuilder sb = new StringBuilder(Math.min(name.length(), 64));
    for (int i = 0; i < name.length() && i < 64; i++) {
      char c = name.charAt(i);
      sb.append(c > 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }
}
