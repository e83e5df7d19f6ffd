package dev.aperture.examples.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer's body and the headers that go with it (besides {@code Content-Type}).
 *
 * @param contentType the body's media type
 * @param body the body bytes
 * @param headers extra headers by name
 */
record ErrorBody(String contentType, byte[] body, Map<String, String> headers) {
  ErrorBody {
    headers = Map.copyOf(headers);
  }

  /** A JSON body with no extra headers. */
  static ErrorBody json(byte[] body) {
    return new ErrorBody("application/json", body, Map.of());
  }

  /** This body with header {@code name} set to {@code value}. */
  ErrorBody withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new ErrorBody(contentType, body, h);
  }
}
