package dev.aperture.benchmarks.e2e;

import dev.aperture.benchmarks.Fixtures;
import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * The floor: what a hand-written client pays at the least. An OkHttp POST of Converse bytes encoded
 * once up front, with the bearer header, reading the answer's bytes and decoding nothing. For a
 * stream, the first event counts as available when the first whole frame is buffered.
 */
final class RawOkHttp implements Contender {
  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient client;
  private final HttpUrl converseUrl;
  private final HttpUrl streamUrl;
  private final byte[] converseBody;
  private final String authorization = "Bearer " + Fixtures.API_KEY;

  RawOkHttp(OkHttpClient client, String baseUrl, byte[] converseBody) {
    this.client = client;
    HttpUrl base = HttpUrl.get(baseUrl);
    String segment = percentEncode(Fixtures.MODEL);
    this.converseUrl =
        base.newBuilder()
            .addPathSegment("model")
            .addEncodedPathSegment(segment)
            .addPathSegment("converse")
            .build();
    this.streamUrl =
        base.newBuilder()
            .addPathSegment("model")
            .addEncodedPathSegment(segment)
            .addPathSegment("converse-stream")
            .build();
    this.converseBody = converseBody;
  }

  @Override
  public String key() {
    return "raw_okhttp";
  }

  private Request request(HttpUrl url) {
    return new Request.Builder()
        .url(url)
        .header("Authorization", authorization)
        .post(RequestBody.create(converseBody, JSON))
        .build();
  }

  @Override
  public long unary() throws IOException {
    try (Response response = client.newCall(request(converseUrl)).execute()) {
      if (!response.isSuccessful()) {
        throw new IOException("HTTP " + response.code());
      }
      return response.body().bytes().length;
    }
  }

  @Override
  public long stream(FirstEvent firstEvent) throws IOException {
    try (Response response = client.newCall(request(streamUrl)).execute()) {
      if (!response.isSuccessful()) {
        throw new IOException("HTTP " + response.code());
      }
      BufferedSource source = response.body().source();
      source.require(4);
      okio.Buffer buffer = source.getBuffer();
      long firstFrame =
          (buffer.getByte(0) & 0xFFL) << 24
              | (buffer.getByte(1) & 0xFFL) << 16
              | (buffer.getByte(2) & 0xFFL) << 8
              | (buffer.getByte(3) & 0xFFL);
      source.require(firstFrame);
      firstEvent.nanos = System.nanoTime();
      long total = 0;
      while (!source.exhausted()) {
        long n = source.getBuffer().size();
        source.skip(n);
        total += n;
      }
      return total;
    }
  }

  /** The model id as one path segment: every byte but unreserved characters percent-encoded. */
  static String percentEncode(String id) {
    StringBuilder sb = new StringBuilder();
    for (byte b : id.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    // the client is shared and closed by the runner
  }
}
