package dev.aperture.provider;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A native answer being forwarded: status, headers and the body as the provider sends it, streamed.
 * Usage is read on the side while the caller reads the body; the usage record is made when the body
 * is read to its end or the response is closed. The caller must close it.
 */
public interface ForwardResponse extends AutoCloseable {
  int status();

  /** Response headers to pass on (hop-by-hop headers already removed). */
  Map<String, List<String>> headers();

  /** The first value of header {@code name} (case-insensitive), if present. */
  default Optional<String> header(String name) {
    for (Map.Entry<String, List<String>> e : headers().entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return Optional.of(e.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  /** The body, unchanged; read it once. */
  InputStream body();

  /** Releases the upstream connection; cancels the call if the body was not read to its end. */
  @Override
  void close();
}
