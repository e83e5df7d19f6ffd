package dev.aperture.examples.gateway;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Interceptor;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * A network interceptor for the router's HTTP client that keeps a copy of every response body
 * exactly as the provider read it from Bedrock, without changing how it is read (the copy is made
 * as the bytes pass).
 */
final class UpstreamTap implements Interceptor {
  private final List<Buffer> bodies = new CopyOnWriteArrayList<>();

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    Buffer copy = new Buffer();
    bodies.add(copy);
    ResponseBody original = response.body();
    BufferedSource tee =
        Okio.buffer(
            new ForwardingSource(original.source()) {
              @Override
              public long read(Buffer sink, long byteCount) throws IOException {
                long before = sink.size();
                long n = super.read(sink, byteCount);
                if (n > 0) {
                  synchronized (copy) {
                    sink.copyTo(copy, before, n);
                  }
                }
                return n;
              }
            });
    return response
        .newBuilder()
        .body(ResponseBody.create(tee, original.contentType(), original.contentLength()))
        .build();
  }

  /** The bytes of the {@code index}th response read so far (from 0). */
  byte[] body(int index) {
    Buffer copy = bodies.get(index);
    synchronized (copy) {
      return copy.snapshot().toByteArray();
    }
  }

  int count() {
    return bodies.size();
  }
}
